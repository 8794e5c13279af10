package engine

import "time"

// thread is an OS thread of a worker process: a pool thread that runs one
// request at a time, or the thread of an event loop or gevent hub that runs
// the CPU slices of many.
type thread struct {
	proc    int32
	gen     uint32 // bumped when the thread dies, so its pending slice end is ignored
	req     int32  // the request whose CPU it runs or that it serves; -1 if none
	cpuLeft time.Duration
	slice   time.Duration
	sliceAt time.Duration // when its current slice began
	loop    bool
	lane    int32 // its place among its worker's threads, for drawing
	// heldFrom is when it last took the GIL; holding says that it runs
	// its next task's Python under the GIL it holds (goOn), and
	// goesOn that its next slice continues that hold.
	heldFrom time.Duration
	holding  bool
	goesOn   bool
	// mainWaits says that its worker's main thread may wait for it to
	// start (mainthread.go: main.await), so that startSlice looks at its
	// worker only then.
	mainWaits bool
}

// The CPU scheduler. A process runs Python on one thread at a time (the
// GIL), and the machine runs at most `cores` processes at a time. Threads
// that want CPU wait on their process (for the GIL); processes with a ready
// thread wait for a core, and the kernel's run queue (engine/kernel.go,
// EEVDF) picks which one gets a free core and when a woken one preempts a
// running one. A thread runs in slices of at most switchInterval: when its
// slice ends and another thread of its process waits, the GIL passes to
// another thread (CPython's forced switch, see gilSwitch); when another
// process waits for a core, the process steps aside and the run queue picks
// again.
//
// Which waiting thread gets a free GIL is mostly, not always, the one that
// has waited longest. CPython 3.11's drop_gil (Python/ceval_gil.h) signals
// the GIL's condition variable, and glibc's condition variable wakes the
// oldest waiters first (its G1 group, then futex order, first in first
// out); but take_gil waits with a timeout of the switch interval
// (COND_TIMED_WAIT) and a waiter whose wait times out waits again at the
// back, and a thread back from I/O takes a free GIL at once without waiting
// (take_gil checks gil->locked first). So the engine gives the GIL to the
// oldest waiter with probability gilOldest and otherwise to a waiter drawn
// uniformly, from the lane's own generator (see gilOldest for the fit). With
// FORCE_SWITCHING the thread that was asked to drop the GIL cannot take it
// back before another thread has had it.

// wantCPU asks for d of CPU on thread tid; cpuDone follows when it has run.
func (s *Sim) wantCPU(tid int32, d time.Duration) {
	th := &s.threads[tid]
	th.cpuLeft = d
	if th.holding {
		return // the loop goes on under the GIL it holds (goOn)
	}
	c := -1 // the core its process wakes on, once asked
	if p := s.cpuProc(th.proc); p.running < 0 && p.readyQ.len() == 0 && !p.queued {
		// Nobody waits for the GIL, and the core it wakes on is idle: the
		// thread runs at once, as enqueueThread and dispatch would have it,
		// without the queues. Its request passes through wait-core all the
		// same, which ends its timeline's segment as they do (a cpu segment
		// then a new one).
		// The core it last ran on, if idle, is the one it wakes on
		// (wakeCore), without the call.
		if c = int(p.ent.core) - 1; c < 0 || !s.kern.rqs[c].idle() {
			c = s.wakeCore(th.proc, &p.ent)
		}
		if s.kern.rqs[c].idle() {
			if th.req >= 0 && s.reqs[th.req].state == stCPU {
				// Into wait-core and out at once: only a cpu segment
				// ends there; from another state, startSlice's move to
				// cpu ends its segment as the two moves would.
				s.setState(&s.reqs[th.req], stWaitCore)
			}
			s.runIdle(th.proc, &p.ent, c)
			p.running = tid
			s.startSlice(tid)
			return
		}
	}
	s.enqueueThread(tid, true, c)
	s.dispatch()
}

// enqueueThread makes thread tid wait for the GIL and, if its process has
// no core and waits for none yet, the process for a core; woke says the
// process slept, so it joins the kernel's run queue, on core c if c >= 0
// (what wakeCore has just said, which nothing since has changed), else on
// the core wakeCore picks.
func (s *Sim) enqueueThread(tid int32, woke bool, c int) {
	th := &s.threads[tid]
	p := s.cpuProc(th.proc)
	if th.req >= 0 {
		// Behind another thread of its own process (running, or ready
		// before it), a thread waits for the GIL; first in line, for a core.
		st := stWaitCore
		if p.running >= 0 || p.readyQ.len() > 0 {
			st = stWaitGIL
		}
		s.setState(&s.reqs[th.req], st)
	}
	p.readyQ.push(tid)
	if p.running < 0 && !p.queued {
		p.queued = true
		if woke {
			s.wake(th.proc, c)
		} else {
			s.requeue(th.proc)
		}
	}
}

// dispatch gives each free core a process that waits for it, as the
// kernel picks them, or one pulled from another core (kernel.go), and
// arranges the preemptions and balancing for processes that still wait.
// It is small enough to be inlined: while nobody waits for a core and no
// core has two runnable processes (kernelSched.waiting, crowded), there is
// nothing to do and the loops over the cores are not entered.
func (s *Sim) dispatch() {
	if s.kern.waiting > 0 || s.kern.crowded > 0 {
		s.dispatchWaiting()
	}
}

// dispatchWaiting is dispatch's work when a process waits or a core is
// crowded.
func (s *Sim) dispatchWaiting() {
	for c := 0; c < len(s.kern.rqs) && s.kern.waiting > 0 && s.freeCores > 0; c++ {
		for s.kern.rqs[c].cur == noProc {
			if s.waitingOn(c) == 0 && (!s.newlyIdle(c) || !s.pull(c, false)) {
				break
			}
			pid := s.take(c, s.best(c))
			p := s.cpuProc(pid)
			p.queued = false
			if p.running >= 0 || p.readyQ.len() == 0 {
				continue
			}
			tid := s.gilWinner(p)
			s.run(pid, &p.ent, c)
			s.kern.arrange = true // others may wait for c (kernelSched.arrange)
			p.running = tid
			s.startSlice(tid)
		}
	}
	s.arrangePreempts()
	s.armBalance()
}

func (s *Sim) startSlice(tid int32) {
	th := &s.threads[tid]
	th.slice = min(th.cpuLeft, switchInterval)
	if th.goesOn {
		th.goesOn = false
		th.slice = min(th.cpuLeft, max(switchInterval-(s.now-th.heldFrom), time.Microsecond))
	} else {
		th.heldFrom = s.now
	}
	th.sliceAt = s.now
	if th.req >= 0 {
		r := &s.reqs[th.req]
		// The handler starts on its thread: for a bridge that is the WSGI
		// thread, not the loop that parsed the request (see handlerStarted).
		if r.started < 0 && !(th.loop && !s.unit.handlerLoop) {
			s.handlerStarted(r)
		}
		s.setState(r, stCPU)
		if th.mainWaits {
			s.mainStarted(tid) // Thread.start returns (mainthread.go)
		}
	}
	s.afterSlice(th.slice, tid, th.gen)
}

func (s *Sim) sliceEnd(tid int32, gen uint32) {
	th := &s.threads[tid]
	if th.gen != gen {
		return
	}
	pid := th.proc
	p := s.cpuProc(pid)
	th.cpuLeft -= th.slice
	switch {
	case pid >= 0:
		s.m.busy += th.slice // a web worker's: the common case first
	case isClientPid(pid):
		s.cli.cpu += th.slice // the clients', not the server's (clientcpu.go)
	default:
		s.m.busy += th.slice
		s.jobs.cpu += th.slice // an RQ worker's, as the real harness counts it: what ran
	}
	if th.cpuLeft > 0 {
		onCore := s.waitingOn(int(p.ent.core) - 1)
		if p.readyQ.len() == 0 && onCore == 0 {
			s.startSlice(tid) // nobody waits: keep the GIL and the core
			return
		}
		if p.readyQ.len() > 0 && onCore == 0 {
			s.gilSwitch(tid)
			return
		}
		// Another process wants a core: step aside. If another thread
		// wants the GIL too, it is drawn now, so that this one cannot take
		// the GIL back first (FORCE_SWITCHING).
		if p.readyQ.len() > 0 {
			p.gilNext = s.gilWinner(p) + 1
		}
		s.stop(pid, &p.ent, false)
		p.running = -1
		s.enqueueThread(tid, false, -1)
		s.dispatch()
		return
	}
	// A thread that nobody waits for asks for its next CPU, if it has any
	// at once, without leaving its core (goOn): a sync worker that writes
	// its response, closes, accepts the next connection waiting in the
	// backlog and parses it does not sleep, so neither the kernel nor the
	// GIL sees a switch there. Only a real wait (its upstream call, an empty
	// backlog) puts it to sleep. An event loop does not sleep while
	// callbacks are ready either: it goes on with the next at once when no
	// other thread waits for its GIL, and under the GIL it holds for what
	// remains of a switch interval when one does (goOn).
	if waits := p.readyQ.len() > 0; (!waits || th.loop && s.now-th.heldFrom < switchInterval) && s.goOn(tid, waits) {
		return
	}
	s.dropGIL(p, pid)
	s.cpuDone(tid)
	s.dispatch()
}

// goOn runs what thread tid, whose work just ended, does next on the core
// and under the GIL it holds, and reports whether it handled the slice's
// end: a thread nobody waits for (see sliceEnd), or an event loop thread
// whose other threads wait for the GIL (waits). asyncio's _run_once
// runs its ready callbacks one after another on the loop's thread, and
// polls the selector between iterations with a zero timeout while
// callbacks are ready (base_events.py: timeout = 0 when self._ready is not
// empty), so the loop's process does not sleep between them: the kernel
// sees neither a sleep nor a wake-up, and the loop keeps its core (gevent's
// libev loop and Node's libuv run their pending callbacks before they poll
// too). CPython drops the GIL between callbacks only when a waiting thread
// has asked for it (gil_drop_request, after the switch interval: take_gil
// in Python/ceval_gil.h) or around the selector's poll, whose epoll_wait(0)
// returns before a waiter woken by the drop has run; so with waiters the
// loop goes on with its next task for what remains of a switch interval
// since it took the GIL, and a forced switch (gilSwitch) ends it. The
// loop's next task asks for its CPU within cpuDone (wantCPU), and runs in
// the same hold, as a slice of its own.
func (s *Sim) goOn(tid int32, waits bool) bool {
	s.threads[tid].holding = true
	s.cpuDone(tid)
	// cpuDone may grow the threads and processes (a client's first work, a
	// new worker): take the pointers only now.
	th := &s.threads[tid]
	p := s.cpuProc(th.proc)
	th.holding = false
	if p.running != tid {
		return true // its process died meanwhile (dropProcCPU)
	}
	if th.cpuLeft > 0 {
		if th.loop && th.req >= 0 {
			// Each callback is a slice of its own in its request's
			// timeline, as when the loop waited for its core between them.
			s.setState(&s.reqs[th.req], stWaitCore)
		}
		th.goesOn = waits || !th.loop
		s.startSlice(tid)
		return true
	}
	s.dropGIL(p, th.proc)
	s.dispatch()
	return true
}

// dropGIL takes worker pid, p, whose running thread's work has ended, off its
// core: another of its threads takes the GIL, or it sleeps.
func (s *Sim) dropGIL(p *proc, pid int32) {
	if p.readyQ.len() == 0 || p.queued {
		s.sleepOff(pid, &p.ent)
		p.running = -1
		return
	}
	// Another of its threads takes the GIL: the process stays runnable.
	s.stop(pid, &p.ent, false)
	p.running = -1
	p.queued = true
	s.requeue(pid)
}

// gilWinner takes the thread that gets worker p's free GIL out of its
// waiting threads: the one a forced switch already drew, or the oldest
// waiter or a uniform draw (see the scheduler's comment above).
func (s *Sim) gilWinner(p *proc) int32 {
	if p.gilNext > 0 {
		tid := p.gilNext - 1
		p.gilNext = 0
		return tid
	}
	if n := p.readyQ.len(); n > 1 && s.rng.Float64() >= gilOldest {
		return p.readyQ.take(s.rng.IntN(n))
	}
	return p.readyQ.pop()
}

// gilSwitch is CPython's forced switch: thread tid, whose slice is up while
// other threads of its process wait for the GIL, drops it; a waiter drawn by
// gilWinner takes it on the same core, and tid waits with the others. The
// hand-off costs the new holder gilSwitchCPU of CPU before its own work.
func (s *Sim) gilSwitch(tid int32) {
	p := &s.procs[s.threads[tid].proc]
	next := s.gilWinner(p)
	if th := &s.threads[tid]; th.req >= 0 {
		s.setState(&s.reqs[th.req], stWaitGIL)
	}
	p.readyQ.push(tid)
	p.running = next
	s.threads[next].cpuLeft += gilSwitchCPU
	s.startSlice(next)
}

// cpuDone continues the request whose CPU slice just finished. A web
// worker's thread with a request is the common case, small enough to be
// inlined; the others (a client's, an RQ worker's, a main thread's) go on
// in cpuDoneOther.
func (s *Sim) cpuDone(tid int32) {
	th := &s.threads[tid]
	if th.proc < 0 || th.req < 0 {
		s.cpuDoneOther(tid)
		return
	}
	// What the worker does next is its own: a client thread its write
	// wakes is woken from its core (kernel.go wakeCore).
	waker := s.kern.waker
	s.kern.waker = th.proc
	s.proceed(th.req)
	s.kern.waker = waker
}

// cpuDoneOther is cpuDone for a thread that is not a web worker's with a
// request.
func (s *Sim) cpuDoneOther(tid int32) {
	th := &s.threads[tid]
	if isClientPid(th.proc) {
		s.clientCPUDone(th.proc - clientPid)
		return
	}
	if th.proc < 0 {
		s.jobCPUDone(^th.proc)
		return
	}
	if s.isMain(tid) {
		s.mainDone(th.proc) // mainthread.go
		return
	}
	panic("engine: CPU finished on a thread with no request")
}

// dropProcCPU takes a dying process off the CPU: its core is freed and it
// leaves the kernel's run queue.
func (s *Sim) dropProcCPU(pid int32) {
	p := &s.procs[pid]
	inQueue := p.running >= 0 || p.queued
	if p.running >= 0 {
		s.stop(pid, &p.ent, true)
		p.running = -1
	}
	if p.queued {
		s.unready(pid)
		p.queued = false
	}
	if inQueue {
		s.leave(&p.ent)
	}
	p.readyQ.clear()
	p.gilNext = 0
	s.dispatch()
}
