package engine

import "time"

// A request's program. Its server work (parse, respond) runs where the
// model's unit says: on a thread of its own, or on the worker's loop. Its
// handler runs on the same place, except on a bridge, whose loop hands the
// request to a WSGI thread (stepHandler). Each step below runs until the
// request has to wait for something (a thread, the loop, the GIL, a core, an
// upstream call) and reports whether it must.

// proceed runs request id's program, step by step, until a step reports
// that the request must wait.
func (s *Sim) proceed(id int32) {
	r := &s.reqs[id]
	for {
		var wait bool
		switch r.step {
		case stepStart:
			wait = s.start(r)
		case stepHandler:
			wait = s.handOff(r)
		case stepCalls:
			wait = s.makeCalls(r)
		case stepResume:
			wait = s.resume(r)
		case stepConnected:
			wait = s.connected(r)
		case stepSend:
			wait = s.send(r)
		case stepRespond:
			wait = s.respond(r)
		case stepParsed:
			wait = s.checkLimit(r)
		case stepAccept:
			wait = s.acceptTurn(r)
		case stepTaskStart:
			wait = s.taskStart(r)
		case stepCallback:
			wait = s.callbackRan(r)
		case stepWarned:
			wait = s.warned(r)
		default:
			s.finish(r)
			return
		}
		if wait {
			return
		}
	}
}

// start takes r's thread (a request handed one by releaseThread already has
// it), then parses r and, unless a bridge hands it off, runs its handler's
// CPU before the first call.
func (s *Sim) start(r *request) bool {
	if !s.unit.serverLoop && r.thread < 0 && !s.takeThread(r) {
		return true
	}
	d := s.cost.parse
	r.wakes = 1 // the read that brought the request
	switch {
	case r.newConn && s.sp.callSoonTurn && !r.madeConn:
		return s.acceptStart(r) // asyncioturns.go: turns of their own
	case r.newConn && !s.sp.callSoonTurn:
		d += s.cost.connect
		r.wakes += acceptTurns // the accept's iterations before the read
	}
	d = s.parseCPU(d) // asyncioturns.go
	if s.limited() {
		return s.runCPU(r, true, d, stepParsed) // limit.go
	}
	return s.parsedRun(r, d)
}

// parsedRun goes on from r's parse, whose CPU, d, is still to run (0 if it
// has run): the server answers it with an error, or its handler runs.
func (s *Sim) parsedRun(r *request, d time.Duration) bool {
	if r.reject = s.rejectCause(r); r.reject != noCause {
		r.lat = r.lat[:0]   // it runs no handler: the server answers it at once
		w := s.rejectCPU(r) // logged as it is parsed (limit.go)
		if d == 0 && s.sp.callSoonTurn {
			if w > 0 {
				return s.runCPU(r, true, w, stepWarned)
			}
			r.nextIter = s.holdsLoop(r) // its error's own task (asyncioturns.go)
		}
		return s.runCPU(r, s.unit.serverLoop, d+w, stepRespond)
	}
	s.countServed(r.proc)
	if s.unit.serverLoop && !s.unit.handlerLoop {
		return s.runCPU(r, true, d, stepHandler)
	}
	if s.sp.callSoonTurn {
		return s.runCPU(r, true, d, stepTaskStart) // asyncioturns.go
	}
	d += r.cpu + s.sendCost(r) // sendsplit.go
	if s.asyncView {
		// asgiref's async_to_sync: a new event loop on a new thread.
		d += s.cost.asyncView
		r.asyncLoop = true
		s.threadMem(r.proc, 1)
	}
	return s.runCPU(r, s.unit.serverLoop, d, stepCalls)
}

// handOff is a bridge's loop awaiting the WSGI app in a thread pool: r
// leaves the loop, takes a thread and runs its handler's CPU there.
func (s *Sim) handOff(r *request) bool {
	s.yieldLoop(r)
	if r.thread < 0 && !s.takeThread(r) {
		return true
	}
	if r.started < 0 && r.cpu == 0 {
		s.handlerStarted(r) // it runs no CPU of its own before its first call
	}
	return s.runCPU(r, false, r.cpu, stepCalls)
}

// makeCalls starts r's next upstream call, or all of them if it gathers
// them; a handler on a loop yields it while it waits (unless the calls
// cannot yield).
func (s *Sim) makeCalls(r *request) bool {
	if r.job {
		r.job = false
		return s.enqueueJob(r) // the calls leave with the job; r waits for Redis's reply
	}
	if int(r.call) >= len(r.lat) {
		r.step = stepRespond
		return false
	}
	if s.hubTrip(r) || s.httpxTurn(r) {
		return true
	}
	r.step = stepResume
	if r.parallel && !r.blocking {
		if s.unit.handlerLoop {
			s.yieldLoop(r)
		}
		for int(r.issued) < len(r.lat) {
			s.callUpstream(r)
		}
		return true
	}
	if s.unit.handlerLoop && !r.blocking {
		s.yieldLoop(r)
	}
	s.callUpstream(r)
	return true
}

// resume runs the CPU of coming back from a call, unless it was the last
// (respond charges that one).
func (s *Sim) resume(r *request) bool {
	if int(r.call) >= len(r.lat) {
		if s.sp.freeThreadFirst {
			// The handler parses the last call's response on its
			// pool thread, under the GIL, before it returns and frees
			// the thread (respond).
			return s.runCPU(r, false, s.resumeCPU(r), stepRespond)
		}
		r.step = stepRespond
		return false
	}
	r.wakes = s.callWakes()
	return s.runCPU(r, s.unit.handlerLoop, s.resumeCPU(r), stepCalls)
}

// resumeCPU is the CPU of coming back from r's last call: without the
// cold part when the call took no time (the process never left its core).
func (s *Sim) resumeCPU(r *request) time.Duration {
	d := s.cost.resume - s.tripsCPU(r)
	if r.hot {
		return s.taskResumeCPU(r, d-s.cost.coldExtra)
	}
	return s.taskResumeCPU(r, d)
}

// callWakes is how many iterations of the loop a task's return from a call
// takes: the task's own step, and for an upstream call the read of its
// response before it (a sleep's timer fires in the iteration that runs the
// task). On asyncio's loop the read or the timer runs in a slice of its own
// (asyncioturns.go), which charges its wake-up.
func (s *Sim) callWakes() uint8 {
	if s.sleep || s.sp.callSoonTurn {
		return 1
	}
	return 2
}

// respond writes r's response, where the server's own work runs.
func (s *Sim) respond(r *request) bool {
	d := s.cost.respond
	r.wakes = 0 // on the loop it goes on from parse, in the same turn
	switch {
	case len(r.lat) == 0:
	case s.sp.freeThreadFirst:
		// The thread ran the last call's CPU (resume) and returns: the
		// loop runs its future's callback in one iteration.
		r.wakes = 1
	default:
		d += s.resumeCPU(r) - s.sendCost(r) // coming back from the last call; its send ran before it (sendsplit.go)
		r.wakes = s.callWakes()
	}
	if s.sp.freeThreadFirst && !s.sp.freeOnLoop {
		s.releaseThread(r)
	}
	return s.runCPU(r, s.unit.serverLoop, d, stepDone)
}

// handlerStarted records that r's handler has begun: the end of its wait.
func (s *Sim) handlerStarted(r *request) {
	r.started = s.now
	s.m.started(s, r)
}

// runCPU sets r's next step and asks for d of CPU on r's thread or on its
// worker's loop. It reports whether r must now wait (false when d is 0).
func (s *Sim) runCPU(r *request, onLoop bool, d time.Duration, next step) bool {
	r.step = next
	if d <= 0 {
		return false
	}
	if !onLoop {
		s.wantCPU(r.thread, d)
		return true
	}
	p := &s.procs[r.proc]
	if r.nextIter {
		return s.nextIteration(p, r, d) // asyncioturns.go
	}
	switch {
	case s.threads[p.loop].req == r.id:
	case r.client >= 0 && p.heldFor == r.client+1:
		// The same task goes on (holdLoop): no turn of the loop, no hub
		// switch, and the hub's last switch stays when it was.
		p.heldFor = 0
		s.threads[p.loop].req = r.id
	default:
		if !p.turn.take(r.id) {
			r.cpuNeed = d
			s.setState(r, stWaitLoop)
			return true
		}
		s.takeLoop(r)
		d = s.loopTurn(p, r, d)
		s.giveBackConns(r)
	}
	s.wantCPU(p.loop, d)
	s.freeOnLoop(r)
	return true
}

// freeOnLoop frees the pool thread of r, which has just taken its worker's
// loop to write its response, on a model whose awaiting task frees it
// there (spec.freeOnLoop). It runs after the loop has asked for its CPU, so
// the waiter it wakes queues for the GIL behind the loop.
func (s *Sim) freeOnLoop(r *request) {
	if s.sp.freeOnLoop && r.step == stepDone {
		s.releaseThread(r)
	}
}

// takeLoop makes r the task on its worker's loop.
func (s *Sim) takeLoop(r *request) {
	p := &s.procs[r.proc]
	s.threads[p.loop].req = r.id
	p.holdSince = s.now
}

// loopTurn counts r, which has just taken worker p's loop for d of CPU,
// into the loop's iteration, and returns what r's slice costs. asyncio's
// BaseEventLoop._run_once (asyncio/base_events.py) polls the selector once
// (epoll_wait, with no timeout while callbacks are ready), appends every
// ready event's callback to its ready deque, and then runs the callbacks
// that were ready as it began; callbacks made ready meanwhile wait for the
// next iteration. So an iteration's cost is shared by every task it runs:
// one request at a time, each of r's wake-ups (r.wakes) is an iteration of
// its own and costs the model's wake, which the measured parse and resume
// include; with n tasks ready at once they share it. An iteration begins
// when the previous one has run all its tasks, with the task taking the
// loop and every task then waiting for it.
func (s *Sim) loopTurn(p *proc, r *request, d time.Duration) time.Duration {
	if p.iterLeft <= 0 {
		p.iterN = int32(1 + p.turn.wait.len())
		p.iterLeft = p.iterN
		p.readyNext = 0
		s.loopAccepts(p, r)
	}
	p.iterLeft--
	w := min(d, time.Duration(r.wakes)*s.cost.wake)
	r.wakes = 0
	return d - w + w/time.Duration(p.iterN)
}

// yieldLoop gives the loop to the next ready task if r holds it.
func (s *Sim) yieldLoop(r *request) {
	p := &s.procs[r.proc]
	if p.loop < 0 || s.threads[p.loop].req != r.id {
		return
	}
	s.threads[p.loop].req = -1
	s.passLoop(p)
}

// passLoop gives worker p's free loop to the next ready task, if any.
func (s *Sim) passLoop(p *proc) {
	if id, ok := p.turn.release(); ok {
		next := &s.reqs[id]
		s.takeLoop(next)
		d := s.loopTurn(p, next, next.cpuNeed)
		s.giveBackConns(next) // after loopTurn: the waiters it wakes run in a later iteration
		s.wantCPU(p.loop, d)
		s.freeOnLoop(next)
	}
}

// holdLoop is a task per connection that has written r's response and
// reads its connection again: if its client's next request is already
// there (drawn with the model's nextBuffered), it serves it without
// yielding the loop, which stays held for that request (runCPU gives it
// over). It reports whether it held the loop; if not, the caller yields it.
// Only a closed-loop client with no think time that stays sends at once.
func (s *Sim) holdLoop(r *request, kept bool) bool {
	p := &s.procs[r.proc]
	if !kept || s.sp.nextBuffered == 0 || p.loop < 0 || s.threads[p.loop].req != r.id ||
		r.client < 0 || s.cfg.Think > 0 || s.ended || int(r.client) >= s.traffic.active ||
		s.rng.Float64() >= s.sp.nextBuffered {
		return false
	}
	s.threads[p.loop].req = -1
	p.heldFor = r.client + 1
	return true
}

// dropHold lets go of a loop held for client c's next request, which will
// not come (the client has left).
func (s *Sim) dropHold(c int32) {
	for i := range s.procs {
		if p := &s.procs[i]; p.heldFor == c+1 {
			p.heldFor = 0
			s.passLoop(p)
		}
	}
}

var taskStepOn = true
