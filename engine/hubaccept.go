package engine

// How a gevent worker takes connections from the listen queue.
//
// gunicorn's gevent worker (gunicorn/workers/ggevent.py, run) serves each
// listening socket with a gevent StreamServer spawning into
// Pool(worker_connections), and sets the server's max_accept to 1 when
// cfg.workers > 1; with one worker it keeps gevent's default, 100
// (gevent/baseserver.py). The StreamServer watches the listening socket
// with an io watcher on the hub's loop; its callback, _do_read, accepts up
// to max_accept connections, each spawned into the pool (the greenlet's
// first run is a loop callback, run in the loop's next turn), and returns
// early when accept() would block or the pool is full (then it stops
// watching until a slot frees). The listening socket is level-triggered,
// so while connections wait, each poll of the hub reports it again and the
// callback takes up to max_accept more: per worker, max_accept a turn.
// With several workers every worker's epoll watches the same queue, so one
// connection a turn per worker spreads the connections that wait while the
// hubs are busy over the workers as their hubs turn.
//
// The engine's hub (libev.go) takes connections at two moments: a hub with
// nothing to run is blocked in epoll_wait, and takes a connection as it
// arrives (its callback runs at once, and the greenlet it spawns takes the
// idle hub); a busy hub leaves arrivals in the listen queue and, at the
// poll that begins each of its turns, takes up to max_accept of them
// (turnAccept). Their greenlets then wait behind the turn's, so they first
// run in the next turn, as the spawn's callback does. The accept is placed
// at the turn's start, not among the turn's descriptors in libev's order
// (the listening socket's place among them is not modelled), and costs
// the greenlet's connect (costs.connect), not the hub's time.
//
// An idle hub takes every connection that arrives at the instant it wakes,
// whatever max_accept: a client writes its request after its connect
// returns, so the greenlet spawned for a connection of a burst finds no
// request yet at its first read (recv gives EAGAIN), waits, and the hub
// polls again at once and takes the next connection; the idle hubs of
// several workers take turns at the listen queue, so the burst spreads over
// them as the engine draws (pickWorker). Measured (calibrate/rows.go, row
// gevent-4w-blocking: four workers, 50 clients, a 100 ms blocking call, a
// loaded machine): strace showed a worker's first accepts each followed by
// an EAGAIN read and another poll, ss showed 46 of the 50 connections
// accepted within 0.15 s of the start, and the connections split 9/10/15/16
// and 7/8/14/21 in two runs. Taking one a turn instead, the engine took
// the last of the 50 at 11.5 s, while every real client had its first
// answer by 3.9-6.0 s. A connection that waits in the listen queue has its
// request there too, so a busy hub's poll takes max_accept a turn.
//
// The engine reads cfg.workers as the run started (Sim.base): gunicorn's
// TTIN and TTOU change the arbiter's num_workers, not the cfg its workers
// read, so a worker booted after a live change keeps the first max_accept.

// geventMaxAccept is gunicorn's max_accept for a gevent worker in a server
// started with workers workers.
func geventMaxAccept(workers int) int {
	if workers > 1 {
		return 1
	}
	return geventDefaultMaxAccept
}

// geventDefaultMaxAccept is BaseServer.max_accept (gevent/baseserver.py).
const geventDefaultMaxAccept = 100

// hubTakes reports whether worker p's hub takes a connection now: it has
// nothing to run, or the accept callback running now may take more.
func (s *Sim) hubTakes(p *proc) bool {
	return (p.acceptLeft > 0 && p.acceptAt == s.now) || (p.turn.n == 0 && p.heldFor == 0)
}

// hubAccepted counts a connection that worker p's hub has just accepted
// against its callback's max_accept. On an idle hub it is the first of the
// polls that take, at this instant, every connection that arrives with it
// (see above; the pool's room still limits them, greenAccept): connections
// that arrive together are accepted together, whatever their greenlets do
// next.
func (s *Sim) hubAccepted(p *proc) {
	if p.acceptLeft > 0 && p.acceptAt == s.now {
		p.acceptLeft--
		return
	}
	p.acceptAt, p.acceptLeft = s.now, s.cfg.WorkerConnections
}

// hubPolls is worker pid's hub polling with connections in the listen
// queue: the callback runs as the poll's events are handled (an event at
// the same time, after the poll's bookkeeping).
func (s *Sim) hubPolls(pid int32) {
	if s.backlog.len() > 0 && s.sp.maxAccept != nil {
		s.after(0, evRetrySYN, acceptTimer(pid), 0)
	}
}

// turnAccept lets worker pid take connections from the listen queue: on a
// hub with a per-turn limit (spec.maxAccept), up to that many.
func (s *Sim) turnAccept(pid int32) {
	p := &s.procs[pid]
	if s.sp.maxAccept != nil {
		p.acceptAt, p.acceptLeft = s.now, s.sp.maxAccept(s.base.Workers)
	}
	s.acceptWaiting(pid)
}
