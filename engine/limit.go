package engine

// uvicorn's --limit-concurrency (limit-concurrency). As each request is
// parsed, H11Protocol.handle_events (uvicorn/protocols/http/h11_impl.py:
// 176-181) runs the app service_unavailable instead of the user's when
// len(self.connections) >= limit_concurrency or len(self.tasks) >=
// limit_concurrency. connections is the worker's set of open connections,
// the request's own included (added in connection_made, :76; removed in
// connection_lost, :89); tasks is the worker's set of request tasks not yet
// done, before this one is created (:200-201), the 503s' own tasks
// included. service_unavailable (flow_control.py:48-66) answers 503 with
// "connection: close". The limit is per worker process: each has its own
// server_state.
//
// Both counts are the loop's own: a connection counts once the loop has
// accepted it, not while it waits in the kernel's accept queue. asyncio's
// loop accepts when its epoll_wait reports the listening socket, once a
// turn, every connection then queued (BaseSelectorEventLoop.
// _accept_connection loops accept() up to the backlog), and makes their
// protocols in the turns after; it reads their requests later still. So
// the engine counts a new connection when a turn of the loop begins with
// it ready (loopTurn): the connections that came while the loop ran the
// last turn are counted together, and each request's check, at the end of
// its parse, sees the whole batch that came with it. On asyncio's own
// models, whose new connections take their accept turns as slices of their
// own (asyncioturns.go), a connection counts from its connection_made turn,
// and a refused request's 503 is written by a task of its own in the next
// iteration, as service_unavailable is.

// limited reports whether the worker's loop checks uvicorn's limit on each
// request it parses.
func (s *Sim) limited() bool {
	return s.cfg.LimitConcurrency > 0 && s.sp.owns(keyLimitConc) && s.unit.serverLoop
}

// limitArrived notes r's new connection, which its worker's loop has yet
// to accept.
func (s *Sim) limitArrived(r *request) {
	if s.limited() {
		r.unmade = true
		s.procs[r.proc].unmade++
	}
}

// loopAccepts is a turn of worker p's loop beginning with r and the tasks
// waiting for it: it accepts every new connection among them.
func (s *Sim) loopAccepts(p *proc, r *request) {
	if p.unmade == 0 || s.sp.callSoonTurn {
		return // asyncio's loop counts each in its connection_made turn (asyncioturns.go)
	}
	s.made(p, r)
	for i := range p.turn.wait.len() {
		s.made(p, &s.reqs[p.turn.wait.at(i)])
	}
}

func (s *Sim) made(p *proc, r *request) {
	if r.unmade {
		r.unmade = false
		p.unmade--
	}
}

// checkLimit is r parsed on its worker's loop: it counts in the worker's
// tasks from now, and the server answers it with a 503 if it is over the
// limit.
func (s *Sim) checkLimit(r *request) bool {
	p := &s.procs[r.proc]
	s.made(p, r) // a connection's first turn accepts it at the latest
	wait := s.parsedRun(r, 0)
	r.parsed = true
	p.parsed++
	return wait
}

// limitDone is r done: it leaves its worker's tasks.
func (s *Sim) limitDone(r *request) {
	if r.parsed {
		r.parsed = false
		s.procs[r.proc].parsed--
	}
}

// overLimit reports whether worker pid answers the request it has just
// parsed with uvicorn's 503: the connections its loop has accepted, that
// request's included, or the tasks before it reach the limit.
func (s *Sim) overLimit(pid int32) bool {
	if !s.limited() {
		return false
	}
	n := s.cfg.LimitConcurrency
	p := &s.procs[pid]
	return p.open-p.unmade >= n || p.parsed >= n
}
