package engine

import "time"

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
//
// On those models an ended request also stays counted until the loop's
// next iteration: its transport's close schedules _call_connection_lost
// with call_soon (asyncio/selector_events.py:831-839), and the task's end
// its done callback, self.tasks.discard (h11_impl.py 200; asyncio/
// futures.py:161-173, call_soon). Both run at the head of the next
// iteration, ahead of the reads its select reports, so every request
// parsed in the iteration in which a response went out still counts that
// response's connection and task, and none parsed later does (loopAccepts
// forgets them as an iteration begins).

// limitWarning is the CPU of the warning uvicorn logs for each request it
// refuses (h11_impl.py 182-183: self.logger.warning("Exceeded concurrency
// limit."), right after the check, in the parse's iteration), which
// --log-level warning, the harness's, lets through to stderr, one write a
// line. Measured on 2026-12-02 on a loaded machine (load average 10-12):
// uvicorn with --limit-concurrency 1, one client, a new connection per
// request, all refused: 383-437µs of the worker's CPU a request at
// --log-level warning against 320-357µs at error, 63-83µs more in four
// pairs; the same call in a loop, hot, 8-15µs. 40µs is what the row
// asyncio-limit's real loop spent a request (0.30 ms, median of 0.25-0.31)
// beyond the engine's 0.26 without the line; not measured quiet. With it
// the row gives 103.6-123.1 rps over seeds 1-10 (real 88.1-109.4), with
// 50µs 97-121, with 60µs 93-123.
const limitWarning = 40 * time.Microsecond

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
	p.goneConns, p.goneTasks = 0, 0 // their call_soon callbacks run first
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

// limitDone is r done: it leaves its worker's tasks, and its connection
// closes unless it is kept; on asyncio's own models both still count until
// the loop's next iteration.
func (s *Sim) limitDone(r *request, kept bool) {
	p := &s.procs[r.proc]
	linger := s.sp.callSoonTurn && s.limited()
	if r.parsed {
		r.parsed = false
		p.parsed--
		if linger {
			p.goneTasks++
		}
	}
	if linger && !kept {
		p.goneConns++
	}
}

// overLimit reports whether worker pid answers the request it has just
// parsed with uvicorn's 503: the connections its loop has accepted, that
// request's included, or the tasks before it reach the limit, with those
// that ended in the loop's current iteration.
func (s *Sim) overLimit(pid int32) bool {
	if !s.limited() {
		return false
	}
	n := s.cfg.LimitConcurrency
	p := &s.procs[pid]
	return p.open-p.unmade+p.goneConns >= n || p.parsed+p.goneTasks >= n
}

// warned is r's refusal logged, in the iteration that parsed it: the 503's
// task runs in the next (service_unavailable, limit.go).
func (s *Sim) warned(r *request) bool {
	r.nextIter = s.holdsLoop(r)
	r.step = stepRespond
	return false
}
