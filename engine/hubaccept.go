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
// run in the next turn, ahead of its other greenlets, as the spawn's
// callback does (libev.go). The accept is placed
// at the turn's start, not among the turn's descriptors in libev's order
// (the listening socket's place among them is not modelled), and costs
// the greenlet's connect (costs.connect), not the hub's time.
//
// An idle hub whose greenlet finds no request at its first read polls and
// accepts again at once, whatever max_accept: a client writes its request
// after its connect returns, so in a burst the first connections come
// before their requests. With max_accept 100 (one worker) its callback
// takes a burst whole anyway, and the engine lets an idle hub take every
// connection that arrives at its instant. With max_accept 1 (several
// workers) it matters how long the requests lag: the first hub awake at a
// burst takes connections one after another until they come with their
// requests, and then every hub takes one a turn, the idle ones at once,
// the busy ones at their polls. The engine draws that first run, uniform
// from one connection to the burst's size, at most burstRunMax (burstRun),
// and lets each other idle hub take one connection at the burst's instant;
// the rest wait in the listen queue for the hubs' polls. Measured
// (calibrate/rows.go, row gevent-4w-blocking: four workers, 50 kept-alive
// clients, a 100 ms blocking call; scripts/measure/clientlog logged which
// worker answered each request): in three quiet runs the first hub took 5,
// 22 and all 50 connections, and every other connection was taken
// one a turn: a hub's turns served its connections newest first, each
// turn with one more, the first answer of the last client coming 12.4,
// 5.0 and 14.7 s after the start. The splits were 11/12/13/14 (with 5
// first), 9/10/10/27 and 50/0/0/0. Under load (load average 8-13) the
// client is slower to write, and the runs were longer: ss showed 46 of 50
// connections accepted within 0.15 s of the start, and the splits were
// 9/10/15/16 and 7/8/14/21. A connection that waits in the listen queue
// has its request there too, so a busy hub's poll takes max_accept a turn.
// Not modelled: a longer burst (row gevent-4w: 200 clients, whose first
// sends spread over about 40 ms) was taken in successive runs by whichever
// hubs held the cores, nearly none one a turn, and split unevenly
// (64/21/42/75 in a logged run, loaded); the engine's one run and then one
// a turn splits it about evenly (calibrate/rows.go, gevent-4w).
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

// hubTakes reports whether worker p's hub takes a connection now: the
// accept run going on now may take more, or it has nothing to run and no
// other hub is in a burst's accept run at this instant.
func (s *Sim) hubTakes(p *proc) bool {
	if p.acceptAt == s.now {
		return p.acceptLeft > 0 // its run at this instant, over once its first request has come
	}
	if p.turn.n != 0 || p.heldFor != 0 {
		return false
	}
	if b := s.burstHub; b >= 0 && &s.procs[b] != p && s.procs[b].acceptLeft > 0 && s.procs[b].acceptAt == s.now {
		return false
	}
	return true
}

// hubAccepted counts a connection that worker pid's hub has just accepted
// against its accept run; fresh is a connection that arrived just now,
// not one that waited in the listen queue. On an idle hub it starts a run
// (see above; the pool's room still limits it, greenAccept): with one
// connection a callback (several workers), the first fresh connection of
// a burst starts a run of burstRun connections and any other a run of
// one; with more, the run takes every connection that arrives at this
// instant.
func (s *Sim) hubAccepted(pid int32, fresh bool) {
	p := &s.procs[pid]
	if p.acceptLeft > 0 && p.acceptAt == s.now {
		p.acceptLeft--
		return
	}
	p.acceptAt, p.acceptLeft = s.now, s.cfg.WorkerConnections
	if s.sp.maxAccept(s.base.Workers) > 1 {
		return
	}
	p.acceptLeft = 0
	if fresh && (s.lastAccept < 0 || s.now-s.lastAcceptAt > acceptAwake) {
		p.acceptLeft = s.burstRun() - 1
		s.burstHub = pid
	}
}

// burstRun draws how many connections of a burst the first hub to wake
// takes before their requests arrive: uniform from one to the burst's
// size (its clients, or its burst of requests).
func (s *Sim) burstRun() int {
	return 1 + s.rng.IntN(min(burstRunMax, max(1, s.cfg.Clients, s.cfg.Burst)))
}

// burstRunMax is the most connections a burst's first hub takes: the
// requests lag the connections by a time, not a share of the burst. Two
// runs of row gevent-4w (200 clients, four workers; loaded, load average
// 7) split the connections 28/40/69/81 and 38/40/47/97: the busiest had
// about 40-60 more than a fourth of the rest. Set from those two runs,
// not fitted.
const burstRunMax = 64

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
	if s.sp.maxAccept != nil && p.acceptAt != s.now { // else this poll's callback has run
		p.acceptAt, p.acceptLeft = s.now, s.sp.maxAccept(s.base.Workers)
	}
	s.acceptWaiting(pid)
}
