package engine

import (
	"math"
	"time"
)

// The clients' CPU on the server's cores (client-cpu=D). A load generator
// that runs on the simulated machine (the calibration harness's Go client
// and its upstream, on the same 2 cores as the server) competes with the
// workers for the cores like any other process. Each request costs it D of
// CPU, twice on a new connection (the connect and the close as well as the
// request, as rtt draws twice). A closed-loop client spends it between the
// answer and its next send. Its turn-around, the rtt draw, holds that CPU
// (the client's CPU is part of its time outside the server, as measured):
// the next request reaches the server at the later of the draw's end and
// the CPU's end, so on idle cores client-cpu changes nothing while the
// draw is longer, and a client waiting for a core sends later; open-loop
// arrivals charge it without waiting for it (the generator's
// schedule does not bend). Go runs goroutines on GOMAXPROCS OS threads, as
// many as the machine has cores, and the kernel schedules each thread as an
// entity of its own: so the clients are `cores` entities in the kernel's
// run queue (kernel.go, EEVDF), each of which takes the oldest waiting
// piece of work when it is free (Go's run queues, without their stealing
// order): a busy thread runs the next ready goroutine without a kernel
// wake-up, and only an idle thread is woken, from the core of the worker
// whose answer wakes it (a sync wake-up, kernel.go wakeCore), which puts it
// on that worker's core when no core is idle. A wave of answers thus takes
// the cores from a single-process server in proportion: with two client
// threads busy on 2 cores, an event loop gets two thirds of a core. With
// D = 0 (the default: in production the clients are elsewhere) nothing of
// this exists.

// clientPid is the pid of the clients' first thread for the CPU scheduler
// (cpuProc); thread i is clientPid+i, all below every RQ worker's ^i.
const clientPid int32 = math.MinInt32

// maxClientThreads bounds the clients' threads (the most cores a scenario
// may have), so that their pids stay apart from the RQ workers'.
const maxClientThreads = 1 << 16

// isClientPid reports whether pid is one of the clients' threads.
func isClientPid(pid int32) bool { return pid < clientPid+maxClientThreads }

// clientJob is a piece of the clients' CPU, queued at at: client a's
// turn-around before it sends again (a >= 0, call 0), work nobody waits for
// (a = -1), or the upstream's read of caller a's call (a request, or an RQ
// worker as -a-1; generation gen) before its latency lat starts (call
// callRead), or its write of the answer (call callWrite; upstreamcpu.go).
type clientJob struct {
	a     int32
	gen   uint32
	call  uint8
	d, at time.Duration
	lat   time.Duration
}

// clientCPU is the clients' threads and their work.
type clientCPU struct {
	procs []proc      // one per thread: each its own entity for the kernel
	tids  []int32     // their threads in Sim.threads
	jobs  []clientJob // the piece each thread runs
	idle  fifo        // threads without work, longest idle first
	work  ring[clientJob]
	cpu   time.Duration // CPU they have run (sliceEnd counts it)
	// sampling says a monitor's sample is scheduled (sampler.go).
	sampling bool
}

// clientCost is the clients' CPU for one request, on a new connection or not.
func (s *Sim) clientCost(newConn bool) time.Duration {
	d := s.cfg.ClientCPU
	if newConn {
		d *= 2
	}
	return d
}

// clientWork queues d of the clients' CPU; when it has run, client a (if
// a >= 0) goes on to its next request (traffic.next), its turn-around
// shortened by the time the CPU took.
func (s *Sim) clientWork(a int32, d time.Duration) {
	s.clientQueue(clientJob{a: a, d: d, at: s.now})
}

// clientQueue queues job j for the clients' threads, and gives it to an
// idle one.
func (s *Sim) clientQueue(j clientJob) {
	c := &s.cli
	if c.procs == nil {
		n := min(s.cores, maxClientThreads)
		c.procs = make([]proc, n)
		c.jobs = make([]clientJob, n)
		for i := range n {
			c.procs[i] = proc{alive: true, running: -1, loop: -1}
			c.tids = append(c.tids, int32(len(s.threads)))
			s.threads = append(s.threads, thread{proc: clientPid + int32(i), req: -1})
			c.idle.push(int32(i))
		}
	}
	c.work.push(j)
	if c.idle.len() > 0 {
		s.clientTake(c.idle.pop())
	}
}

// clientTake gives the oldest waiting piece of work to client thread i.
func (s *Sim) clientTake(i int32) {
	c := &s.cli
	c.jobs[i] = c.work.pop()
	s.wantCPU(c.tids[i], c.jobs[i].d)
}

// clientCPUDone follows client thread i finishing its piece of work.
func (s *Sim) clientCPUDone(i int32) {
	c := &s.cli
	j := c.jobs[i]
	if c.work.len() > 0 {
		s.clientTake(i)
	} else {
		c.idle.push(i)
	}
	switch {
	case j.call != 0:
		s.upstreamCPUDone(j)
	case j.a >= 0:
		s.traffic.next(s, j.a, s.now-j.at)
	}
}
