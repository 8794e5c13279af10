package engine

// A worker's pool of upstream connections, as its HTTP client keeps it.
// Most clients are a plain resource: a call takes a free connection or
// waits for one, first in, first out, and a returning call hands its
// connection to the call that has waited longest.
//
// aiohttp (and httpx, through anyio) opens a connection when a call finds
// none idle (BaseConnector.connect: _get returns None, then
// _create_connection), and the call's request goes out only once the
// connection is made:
// loop.create_connection starts a non-blocking connect, and the transport
// and its protocol are made, and the awaiting task woken, in later
// iterations of the loop (asyncio/base_events.py, selector_events.py). So
// the first call on each new connection goes out in a turn of the loop of
// its own (spec.connectInTurn), after the tasks that were ready before it:
// a burst of requests on a fresh pool sends its calls together, once every
// request has run up to its call. An open connection stays in the pool
// (its keep-alive, 15 s, outlasts the gaps here) and later calls on it go
// out at once. Gathered calls (each a task of its own in asyncio.gather)
// and blocking ones (which hold the loop) go out at once.
//
// aiohttp 3.8's TCPConnector (aiohttpPool) also hands its connections out
// by three rules of its own (aiohttp/connector.py, client_reqrep.py):
//
//   - A connection goes back when the task that used it runs again:
//     ClientResponse.start registers _response_eof on the payload after
//     protocol.read() returns in the task, and a payload already at its end
//     calls it at once, which calls Connection.release (client_reqrep.py
//     888-956). Until then it counts in the connector's _acquired.
//   - Released, it wakes the waiter that has waited longest, and only that
//     one: _release_acquired calls _release_waiter, which pops futures off
//     the key's deque until it sets one (connector.py 604-643). The
//     waiter's task runs in a later iteration of the loop, and only then
//     takes a connection (_get, or a new one) and writes its request.
//   - A new call waits whenever the host's key is in _waiters, even with a
//     connection free ("don't steal connection from a waiter about to wake
//     up", connect, 499), and the key leaves _waiters only when a woken
//     waiter runs and finds the deque empty (522-523). So a connection
//     released while the last waiter is woken but has not yet run wakes
//     nobody, and calls that arrive meanwhile wait for later releases: the
//     pool serves fewer calls at once than its limit until the deque
//     drains.
//
// p.up.n counts the acquired connections and p.upKeyed the key in
// _waiters. Gathered and blocking calls wait by the same rules, but give
// their connection back as the call returns and go out as they are woken
// (a gathered call is a task of its own; a blocking one holds the loop).

// aiohttpPool reports whether lane c's upstream pool follows aiohttp's
// connector: its app calls through aiohttp on a loop of the server's
// (spec.connectInTurn), not sleeps.
func aiohttpPool(c *Config) bool {
	return c.spec().connectInTurn && c.client() == ClientAiohttp && c.Wait != WaitSleep
}

// inTurnRelease reports whether r's call gives its connection back only
// when r's task runs again, and waits for a turn of the loop when woken.
func (s *Sim) inTurnRelease(r *request) bool {
	return s.aiohttp && !r.blocking && !r.parallel
}

// takeConn gives r's call one of worker p's upstream connections and
// reports true, or queues the call and reports false.
func (s *Sim) takeConn(p *proc, r *request) bool {
	if !s.aiohttp {
		return p.up.take(r.id)
	}
	if p.up.full() || p.upKeyed {
		p.up.wait.push(r.id)
		p.upKeyed = true
		return false
	}
	p.up.n++
	return true
}

// releaseConn gives one of worker pid's upstream connections back, to the
// call that has waited longest.
func (s *Sim) releaseConn(pid int32) {
	p := &s.procs[pid]
	if !s.aiohttp {
		if next, ok := p.up.release(); ok {
			s.waitMem(pid, -1)
			s.goOut(p, &s.reqs[next])
		}
		return
	}
	p.up.n--
	if p.up.wait.len() == 0 {
		return // nobody to wake (the key may still be in _waiters)
	}
	w := &s.reqs[p.up.wait.pop()]
	s.waitMem(pid, -1)
	if !s.inTurnRelease(w) {
		s.woken(p, w)
		return
	}
	// The waiter's task takes a connection when the loop runs it.
	w.wakes = 1
	if !s.runCPU(w, true, s.cost.wake, stepSend) {
		s.proceed(w.id)
		return
	}
	s.readyFirst(p, w)
}

// readyFirst moves waiter w, just queued for worker p's loop, ahead of the
// tasks that came by I/O during the loop's current iteration. Setting the
// waiter's future schedules its task with call_soon, and _run_once runs
// the callbacks so scheduled before those of the I/O events its next
// select returns (asyncio/base_events.py: the ready deque, then
// _process_events appends): so a waiter woken in this iteration takes its
// connection before any request that arrived meanwhile reaches connect.
func (s *Sim) readyFirst(p *proc, w *request) {
	if w.step == stepSend {
		s.readyAhead(p, w)
	}
}

// readyAhead moves w, if it is the task last queued for worker p's loop,
// ahead of the tasks that came by I/O during the loop's current iteration
// (readyFirst).
func (s *Sim) readyAhead(p *proc, w *request) {
	if p.turn.wait.len() == 0 || *p.turn.wait.last() != w.id {
		return // it has the loop already
	}
	p.turn.wait.popNewest()
	at := int(max(p.iterLeft, 0) + p.readyNext)
	p.turn.wait.insert(min(at, p.turn.wait.len()), w.id)
	p.readyNext++
}

// woken is waiter r running again: the key leaves _waiters if no other
// call waits, and r's call takes a connection (even past the limit, as
// _get does) and goes out.
func (s *Sim) woken(p *proc, r *request) {
	if p.up.wait.len() == 0 {
		p.upKeyed = false
	}
	p.up.n++
	s.goOut(p, r)
}

// send is a waiting task woken for a connection, on the loop: it takes
// one, its call goes out, and the task yields the loop until it returns.
func (s *Sim) send(r *request) bool {
	r.step = stepResume
	s.yieldLoop(r)
	s.woken(&s.procs[r.proc], r)
	return true
}

// giveBackConns is r's task running again on the loop: it releases the
// connections of its calls that have returned.
func (s *Sim) giveBackConns(r *request) {
	if r.step == stepCallback {
		return // the read's callback: the task releases them (asyncioturns.go)
	}
	for ; r.heldConns > 0; r.heldConns-- {
		s.releaseConn(r.proc)
	}
}

// goOut sends r's call, which holds one of worker p's upstream connections.
func (s *Sim) goOut(p *proc, r *request) {
	if s.newUpConn(p, r) {
		return // sendsplit.go
	}
	if !s.sp.connectInTurn || r.blocking || r.parallel || p.upOpen >= p.up.n {
		s.beginIO(r)
		return
	}
	p.upOpen++
	r.wakes = 1
	if !s.runCPU(r, true, s.cost.wake, stepConnected) {
		s.proceed(r.id)
	}
}

// connected is a task whose new upstream connection is made, on the loop:
// its call goes out, and the task yields the loop until the call returns.
func (s *Sim) connected(r *request) bool {
	r.step = stepResume
	s.yieldLoop(r)
	s.beginIO(r)
	return true
}
