package engine

// A worker's pool of upstream connections, as its HTTP client keeps it: a
// call takes a free connection or waits for one, first in, first out.
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

// goOut sends r's call, which holds one of worker p's upstream connections.
func (s *Sim) goOut(p *proc, r *request) {
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
