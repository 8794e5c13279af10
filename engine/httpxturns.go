package engine

import "time"

// httpx's call on asyncio's loop: the iterations it runs through and the
// pool's lock it takes. httpx 0.23's AsyncClient calls through httpcore
// 0.16, which guards its pool and each connection with anyio locks
// (httpcore/_synchronization.py AsyncLock), and anyio 3.6's Lock.acquire
// yields to the loop once even when the lock is free
// (cancel_shielded_checkpoint, a sleep(0);
// anyio/_core/_synchronization.py 119-145), as do its Event.wait once the
// event is set and its stream's send and receive (checkpoint;
// anyio/_backends/_asyncio.py 1843, 1258, 1292). So a call runs in the
// task's steps below, each in an iteration of its own (a sleep(0) puts the
// task's step in the next iteration, ahead of the I/O that iteration's
// select adds):
//
//   - start: the request built, up to the pool's lock (AsyncConnectionPool.
//     handle_async_request), in the step that reaches the call; the task
//     takes the lock if it is free and yields holding it, or waits for it;
//   - pool: the pool finds the call a connection, releases its lock (anyio
//     hands it to the task that has waited longest and sets its event) and
//     waits on the request's event, set already, which yields once more;
//   - the connection's _request_lock and the HTTP/1.1 connection's
//     _state_lock, each taken free with a yield;
//   - send: the request's headers encoded, up to the stream's send;
//   - receive: the request written, up to the stream's receive (the call
//     has gone out) and its wait for the response's data;
//   - the response's read: the transport's _read_ready (a callback of its
//     own, callbackWakes), and the task's steps after it (body: three);
//   - tail: the response closed (the pool's lock again, and the connection
//     given back), with what follows in the same step (the next call's
//     start, or the app's response).
//
// A task that found the lock held runs one more step when it is handed the
// lock: anyio's Event.wait returns and checkpoints (handed). Calls that
// start in one iteration so pass the pool's lock one every two iterations.
//
// Measured on 2026-12-02 with a patched Handle._run that timed each of the
// loop's callbacks (thread CPU) and noted where each task step suspended
// (scripts/measure/looptrace in the server, scripts/measure/loopsteps.py
// without one; Debian's httpx 0.23.3, httpcore 0.16.3, anyio 3.6.2, Python 3.11.2), on
// a loaded machine (load average 4-6), so only the shares are kept: in the
// calibration app on uvicorn, one run of row asyncio-httpx (2,577
// requests; the shape of the 9% whose call found the lock free, medians in
// µs): start 270 (with the app's first step, taskStepCPU), pool 145, the
// two locks 21 and 22, send 65, receive 107 and its wait for the data 27
// (taken here before the call goes out), read 11, body 291, 32 and 10 (the
// commonest shape's), and the tail with the app's response 393; the tail
// alone, 130, from 50 tasks calling the same way without a server (two
// commonest shapes), where every other step took what it did in the app.
// Handed took 8. One call at a time (no server, 38 calls) the steps took
// 306, 87, 21, 19, 87, 107 + 37, 42, 650, 34 and 102 µs: the first step
// after the wait is the cold one; the shares below are the busy loop's,
// in thousandths of the call's CPU beyond its iterations' wake-ups
// (httpxWork).
//
// Not modelled: in the app 82% of the calls found the lock held (the
// engine's waves decide how many here), where the pool's step took 250-280
// µs, not 145; and 27% retried once to three times (ConnectionNotAvailable:
// the pool hands out a connection while it is idle, httpcore/_async/
// connection_pool.py 157-160, and it stays idle until the task that got it
// takes its _state_lock some iterations later, _async/http11.py 69-75, so
// a second call can get it too), each a pass through the pool's lock again
// (three iterations).
var httpxShares = struct {
	start, pool  int
	locks        [2]int // _request_lock, _state_lock
	send, recv   int
	read         int
	body         [3]int
	tail, handed int
}{start: 217, pool: 132, locks: [2]int{19, 20}, send: 59, recv: 122, read: 10, body: [3]int{265, 29, 9}, tail: 118, handed: 7}

// httpxIterations is how many iterations of its own one call runs, one
// call at a time: pool, the two locks, send and receive before it goes
// out; the read, the three body steps and the tail's step after. Each
// charges the loop's wake-up (costs.wake), shared with the iteration's
// other tasks.
const httpxIterations = 10

// httpxTurns reports whether r's calls are httpx's on asyncio's loop: a
// task on a loop that runs each hand-off apart (spec.callSoonTurn), calls
// made one at a time that yield (not gathered, not blocking), not sleeps.
func (s *Sim) httpxTurns(r *request) bool {
	return s.sp.callSoonTurn && s.unit.handlerLoop && !s.sleep && !r.blocking && !r.parallel &&
		s.cfg.client() == ClientHTTPX
}

// httpxWork is share thousandths of the CPU of one httpx call beyond its
// iterations' wake-ups: the lane's calibrated call (costs.resume, one call
// at a time, which includes them) less httpxIterations wake-ups.
func (s *Sim) httpxWork(share int) time.Duration {
	w := max(0, s.cost.resume-httpxIterations*s.cost.wake)
	return w * time.Duration(share) / 1000
}

// The steps of a call before it goes out (request.callTurn), after its
// start, which runs in the slice that reaches the call (httpxStart).
const (
	turnLock   uint8 = iota // the start has run: take the pool's lock or wait for it
	turnPool                // the pool's step has run: release the lock
	turnLocks               // the connection's two locks' steps, then send and receive
	turnHanded = 255        // handed the pool's lock while waiting: its event's checkpoint has run
)

// httpxStart is the CPU of the start of r's next httpx call, which runs in
// the task's step that reaches it (its first, or the one that ended its
// previous call), or 0 if r makes no further call of httpx's on a loop.
func (s *Sim) httpxStart(r *request) time.Duration {
	if !s.httpxTurns(r) || int(r.call) >= len(r.lat) {
		return 0
	}
	return s.httpxWork(httpxShares.start)
}

// httpxTurn runs r's httpx call, started, up to the moment it goes out, one
// step each time r's task reaches makeCalls, and reports whether r must
// wait (a step's CPU, or the pool's lock); false once the call goes out.
func (s *Sim) httpxTurn(r *request) bool {
	if !s.httpxTurns(r) {
		return false
	}
	p := &s.procs[r.proc]
	sh := &httpxShares
	switch t := r.callTurn; {
	case t == turnLock:
		if !p.httpLock.take(r.id) {
			s.yieldLoop(r)
			s.setState(r, stWaitPool)
			return true // httpxRelease hands it the lock
		}
		return s.httpxNext(r, turnPool, sh.pool)
	case t == turnHanded:
		return s.httpxNext(r, turnPool, sh.pool)
	case t == turnPool:
		s.httpxRelease(p)
		return s.httpxNext(r, turnLocks, sh.locks[0])
	case t < turnLocks+3:
		// _state_lock, send, receive after _request_lock's step.
		next := [...]int{sh.locks[1], sh.send, sh.recv}
		return s.httpxNext(r, t+1, next[t-turnLocks])
	}
	r.callTurn = turnLock // receive has run: the call goes out
	return false
}

// httpxNext is r's task yielding (a sleep(0)): it goes on in the loop's next
// iteration with share thousandths of its call's CPU, at turn t.
func (s *Sim) httpxNext(r *request, t uint8, share int) bool {
	r.callTurn = t
	r.nextIter = s.holdsLoop(r)
	r.wakes = 1
	return s.runCPU(r, true, s.cost.wake+s.httpxWork(share), stepCalls)
}

// httpxRelease is the pool's lock released on worker p: anyio's
// Lock.release hands it to the task that has waited longest and sets its
// event, which schedules the task with call_soon: it runs the event's
// checkpoint in the next iteration, ahead of that iteration's I/O.
func (s *Sim) httpxRelease(p *proc) {
	id, ok := p.httpLock.release()
	if !ok {
		return
	}
	w := &s.reqs[id]
	w.callTurn = turnHanded
	w.wakes = 1
	if !s.runCPU(w, true, s.cost.wake+s.httpxWork(httpxShares.handed), stepCalls) {
		s.proceed(w.id)
		return
	}
	s.readyAhead(p, w)
}

// httpxRead is the CPU of the callback that reads r's response: the
// transport's _read_ready, on top of its iteration's wake-up.
func (s *Sim) httpxRead() time.Duration { return s.httpxWork(httpxShares.read) }

// httpxBody runs r's next step after its response's read (httpxShares.body)
// in the loop's next iteration, and reports whether it did (false once
// all have run: the tail goes on as the task's resume, httpxTail).
func (s *Sim) httpxBody(r *request) bool {
	if !s.httpxTurns(r) || int(r.callTurn) >= len(httpxShares.body) {
		r.callTurn = 0
		return false
	}
	share := httpxShares.body[r.callTurn]
	r.callTurn++
	r.nextIter = s.holdsLoop(r)
	r.wakes = 1
	return s.runCPU(r, true, s.cost.wake+s.httpxWork(share), stepCallback)
}

// httpxTail is the CPU of the step that ends r's call, with its wake-up
// (the resume's slice shares it with the iteration's other tasks): the
// response closed, and the next call's start if another follows.
func (s *Sim) httpxTail(r *request) time.Duration {
	return s.cost.wake + s.httpxWork(httpxShares.tail) + s.httpxStart(r)
}
