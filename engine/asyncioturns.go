package engine

import "time"

// A request's iterations of asyncio's loop (spec.callSoonTurn), each a
// slice of its own. BaseEventLoop._run_once (asyncio/base_events.py)
// selects, moves every timer then due to its ready deque, and runs the
// callbacks that were ready as it began (loopTurn); a callback that wakes a
// task (Future.set_result, which schedules the task's __wakeup with
// call_soon, asyncio/futures.py) puts the task's step in the next
// iteration, ahead of the I/O callbacks that iteration's select adds
// (readyAhead). The engine runs these hand-offs apart:
//
//   - a new connection: the accept, _accept_connection2's step, and
//     connection_made with _add_reader, an iteration each (acceptTurns,
//     engine/uvicorn.go), before the iteration that reads the request;
//   - a request's task: uvicorn parses the request in the protocol's
//     data_received and makes the task (H11Protocol.handle_events,
//     h11_impl.py 194: loop.create_task, whose first step is scheduled with
//     call_soon), so the app starts in the iteration after the parse, and
//     so does the task of a 503 (limit.go);
//   - a call's response or a sleep's end: the transport's read callback
//     (aiohttp's protocol feeds the response and sets the future the task
//     awaits) or asyncio.sleep's TimerHandle (loop.call_later, which fires
//     in the first iteration that begins after it is due) runs in one
//     iteration, and the task goes on in the next.
//
// One request at a time each costs the CPU it did in one slice (the
// measured figures include these iterations); on a busy loop the hand-offs
// hold a batch together, as the real loop does: the requests parsed in one
// iteration start their app, and their calls or sleeps, within the next,
// and the loop idles while they all wait.

// taskStepCPU is the part of the measured parse that the task's first step
// runs: the ASGI app called through uvicorn's RequestResponseCycle.run_asgi
// up to its first await. Measured apart on 2026-12-02 (a loaded machine,
// load average 5-7, so only the ratio is kept): uvicorn 0.17's H11Protocol
// on a stub transport, data_received of the harness's GET against the
// calibration app's first step up to asyncio.sleep, 3000 requests in each
// of three runs: the step was 0.31-0.32 of the two. The parse (159µs) less
// its iteration's wake-up (asyncioWake) leaves 99µs, of which 31µs.
const taskStepCPU = 31 * time.Microsecond

// parseCPU is the part of d, the CPU of a request's parse on a loop, that
// runs in the iteration that reads it: on asyncio's loop the task's first
// step (taskStepCPU) runs in the next one (taskStart), and a request
// refused with an error runs the error's task in its place.
func (s *Sim) parseCPU(d time.Duration) time.Duration {
	if s.sp.callSoonTurn {
		return max(0, d-taskStepCPU)
	}
	return d
}

// taskStart is r parsed on the loop and its task made: the task's first
// step, with the handler's CPU, runs in the loop's next iteration.
func (s *Sim) taskStart(r *request) bool {
	r.nextIter = s.holdsLoop(r)
	return s.runCPU(r, true, taskStepCPU+r.cpu+s.httpxStart(r), stepCalls)
}

// nextIteration is r, which holds worker p's loop, going on with d of CPU
// at r.step in the loop's next iteration: r yields the loop and queues
// ahead of the tasks that came by I/O during this one (readyAhead). On an
// idle loop that iteration begins at once.
func (s *Sim) nextIteration(p *proc, r *request, d time.Duration) bool {
	r.nextIter = false
	if p.loop < 0 || s.threads[p.loop].req != r.id {
		panic("engine: nextIteration of a task that does not hold the loop")
	}
	s.threads[p.loop].req = -1
	r.cpuNeed = d
	s.setState(r, stWaitLoop)
	p.turn.wait.push(r.id)
	s.readyAhead(p, r)
	s.passLoop(p)
	return true
}

// callbackCPU is what the callback that ends a task's wait costs the
// loop, in its own slice: one wake-up (costs.wake), the iteration that
// callWakes counted in the task's slice before it ran apart, or for a sleep,
// whose whole measured wake-up (sleepWakeTask) is less, half of that (the
// heap pop and the future's result; not measured apart). The task's step
// gets the rest of the measured resume.
// httpx's read runs its measured share of the call besides (httpxRead).
func (s *Sim) callbackCPU(r *request) time.Duration {
	if s.httpxTurns(r) {
		return s.cost.wake + s.httpxRead()
	}
	return min(s.cost.resume/2, s.cost.wake)
}

// callbackWakes is r's wait over, its call back or its sleep done: on
// asyncio's loop the callback that ends it runs in a slice of its own, and
// r's task in the next iteration (callbackRan); it reports true then, and
// false if r goes on at once (another loop, a gathered or blocking call).
func (s *Sim) callbackWakes(r *request) bool {
	if !s.sp.callSoonTurn || r.blocking || r.parallel {
		return false
	}
	r.wakes = 1
	r.calledBack = true
	if !s.runCPU(r, true, s.callbackCPU(r), stepCallback) {
		s.proceed(r.id)
	}
	return true
}

// callbackRan is the callback that ended r's wait, run on the loop: the
// response's read (the transport's _read_ready, the protocol's
// data_received, which sets the future the task awaits) or the sleep's
// timer. r's task goes on in the next iteration.
func (s *Sim) callbackRan(r *request) bool {
	if s.httpxBody(r) {
		return true // httpx's steps after the read (httpxturns.go)
	}
	r.step = stepResume
	r.nextIter = true
	return false
}

// taskResumeCPU is d, the CPU of r's task coming back from its wait, less
// what the callback that ended the wait ran.
func (s *Sim) taskResumeCPU(r *request, d time.Duration) time.Duration {
	if !r.calledBack {
		return d
	}
	r.calledBack = false
	if s.httpxTurns(r) {
		return s.httpxTail(r) // the rest ran before and after the call (httpxturns.go)
	}
	return max(0, d-s.callbackCPU(r))
}

// acceptStart is r's new connection reaching asyncio's loop, which takes it
// through acceptTurns iterations before the one that reads its request
// (engine/uvicorn.go): the accept, _accept_connection2's step, and
// connection_made with _add_reader. Each is a slice of its own, with a
// third of the measured connect (which includes their three wake-ups).
func (s *Sim) acceptStart(r *request) bool {
	r.turnsLeft = acceptTurns
	return s.acceptTurn(r)
}

// acceptTurn runs the next of r's accept turns, or, with none left, goes
// on to read its request in the next iteration.
func (s *Sim) acceptTurn(r *request) bool {
	p := &s.procs[r.proc]
	held := s.holdsLoop(r)
	if r.turnsLeft == 0 {
		s.made(p, r) // connection_made: uvicorn counts it (limit.go)
		r.madeConn = true
		r.nextIter = held
		r.step = stepStart
		return false
	}
	r.turnsLeft--
	r.wakes = 1
	r.nextIter = held
	return s.runCPU(r, true, s.cost.connect/acceptTurns, stepAccept)
}

// holdsLoop reports whether r's task holds its worker's loop.
func (s *Sim) holdsLoop(r *request) bool {
	p := &s.procs[r.proc]
	return p.loop >= 0 && s.threads[p.loop].req == r.id
}
