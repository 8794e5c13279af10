package engine

import "time"

// The upstream's CPU on the server's cores (upstream-cpu=D). The
// calibration harness's upstream is a Go HTTP server in the clients'
// process, on the server's own cores: for each call a goroutine reads the
// request, sleeps for the call's latency (time.Sleep), and when its timer
// fires it needs a thread, and that thread a core, to write the answer. So
// each call costs D of the clients' CPU (clientcpu.go), on the call's path:
// half to read it, which runs on one of the clients' threads before the
// latency starts, and half to write the answer, after the latency, before
// the server's worker sees it. A wave of answers thus queues behind the
// clients' own work and the server's, as the real upstream's goroutines do
// on Go's threads. With D = 0 (the default: in production the upstream is
// another machine) each call returns after its latency.

// evUpstreamWrite: the upstream's timer for a call fires, and the write of
// its answer waits for a client thread (a = the caller, b = its
// generation: upstreamRead).
const evUpstreamWrite = evSample + 1

// The upstream's two pieces of a call (clientJob.call).
const (
	callRead uint8 = iota + 1
	callWrite
)

// upstreamRead queues the upstream's read of a call whose latency lat
// starts when it has run. The caller a is a request (a >= 0, of generation
// gen) or RQ worker -a-1 (jobs.go, of its generation gen).
func (s *Sim) upstreamRead(a int32, gen uint32, lat time.Duration) {
	s.upstreamJob(clientJob{a: a, gen: gen, call: callRead, d: s.cfg.UpstreamCPU / 2, at: s.now, lat: lat})
}

// upstreamWrite queues the upstream's write of the answer to caller a's
// call (upstreamRead), when its latency is up.
func (s *Sim) upstreamWrite(a int32, gen uint32) {
	d := s.cfg.UpstreamCPU
	s.upstreamJob(clientJob{a: a, gen: gen, call: callWrite, d: d - d/2, at: s.now})
}

// upstreamJob queues the upstream's piece of work j, or goes on at once
// when it is of no CPU (upstream-cpu=1ns has a read of none).
func (s *Sim) upstreamJob(j clientJob) {
	if j.d <= 0 {
		s.upstreamCPUDone(j)
		return
	}
	s.clientQueue(j)
}

// upstreamCPUDone follows the upstream's piece of work j: a read starts
// the call's latency, a write returns the call (a caller whose generation
// has moved on meanwhile ignores it, as ioDone and jobIODone do).
func (s *Sim) upstreamCPUDone(j clientJob) {
	switch {
	case j.call == callRead:
		s.after(j.lat, evUpstreamWrite, j.a, j.gen)
	case j.a < 0:
		s.jobIODone(-j.a-1, j.gen)
	default:
		s.ioDone(j.a, j.gen)
	}
}
