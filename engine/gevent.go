package engine

import "time"

// greenAccept is a green-thread worker's pool rule: it accepts while its
// pool has room for another greenlet and its hub is not stuck in a call.
func greenAccept(s *Sim, p *proc) bool {
	return p.conns < s.cfg.WorkerConnections && !p.blocked
}

// gevent is gunicorn -k gevent (gunicorn/workers/ggevent.py): a gevent
// StreamServer that spawns a greenlet per connection, all on the worker's
// one hub thread.
var gevent = spec{
	name:   "gevent",
	title:  "gunicorn -k gevent: a greenlet per connection on one hub",
	source: "gunicorn/workers/ggevent.py",
	doc: "Each worker process runs a greenlet per connection, up to worker_connections, " +
		"all taking turns on one hub thread. A patched call yields the hub to the other " +
		"greenlets; a call gevent cannot patch (blocking=true) holds it, and nothing " +
		"else in the worker runs or accepts until it returns. A greenlet that holds the " +
		"hub longer than the timeout gets the worker killed. An idle hub takes the connections " +
		"that arrive together at once, until their requests come with them; a busy one takes new " +
		"connections only as it polls, at most 100 a turn, and one when there are several workers. " +
		"Turns are not fair: a greenlet whose " +
		"client's next request has already arrived serves it without giving the hub back.",
	host:    &gunicorn,
	unit:    unitGreenlet,
	keys:    keyWorkerConns,
	threads: one, // the hub's thread; the pool serves no request
	// The StreamServer spawns into Pool(worker_connections) (ggevent.py:65)
	// and stops accepting while the pool is full; a blocked hub accepts
	// nothing; a busy one accepts only as it polls, max_accept a turn: 1
	// with several workers (ggevent.py:79-80), else 100; an idle one takes
	// a burst at once, its greenlets' first reads finding no request yet
	// (hubaccept.go).
	accept:    func(s *Sim, p *proc) bool { return greenAccept(s, p) && s.hubTakes(p) },
	maxAccept: geventMaxAccept,
	slots:     true,
	// The greenlet lives as long as its connection: it waits up to the
	// keep-alive for the next request (ggevent.py:54) and keeps its pool slot.
	tasks: tasksPerConn,
	// Told to stop, the worker closes its StreamServer and waits until its
	// pool is empty (ggevent.py:88-110): a greenlet waiting on a kept-alive
	// connection still reads the next request and serves it (with
	// Connection: close, base_async.py:105-106).
	termServesKept: true,
	// AsyncWorker.handle's keep-alive loop (base_async.py:47-62) reads the
	// next request straight after handle_request: gunicorn's parser
	// recv()s on the patched socket, which returns at once, without a hub
	// switch, when the client's next request has already arrived. Whether
	// it has is a race between the client's round trip and the worker's own
	// work after the response; 0.4 is fitted to the gevent-blocking row
	// (10 clients, a 50 ms blocking call, three runs: p50 625-676 ms, p90
	// 838-940, p99 1054-1723; seeds 1-5 give 568-669, 875-1030, 979-1439).
	// In an earlier run one client got 44 of 100 responses.
	nextBuffered: 0.4,
	// The hub runs the greenlets that one poll found ready in libev's
	// order, the last reported first (libev.go).
	libevHub: true,
	// A requests call's poll(0) in urllib3's _get_conn, and urllib's
	// getaddrinfo, which gevent's default resolver hands to the hub's
	// threadpool even for an IP address (gevent/resolver/thread.py:63,
	// self.pool.apply): one trip each (hubtrips.go). The CPU after the trip
	// was traced on the real worker (greenlet.settrace, mean run less about
	// 20 µs of the tracer's own): 322 µs from the poll to the request
	// written (median 192); 117 from the resolver's answer to the connect
	// and 66 from there to the request written. httpx's is_socket_readable
	// is requests' poll (not measured).
	trips: []trip{
		ClientRequests: {1, 300 * time.Microsecond},
		ClientURLlib:   {1, 140 * time.Microsecond},
		ClientHTTPX:    {1, 300 * time.Microsecond},
	},
	// A greenlet notifies the arbiter every second (ggevent.py:86-87), so the
	// worker's last notice is when the greenlet now on the hub took it.
	heartbeat: func(s *Sim, p *proc) time.Duration {
		if s.threads[p.loop].req >= 0 {
			return p.holdSince
		}
		return -1
	},
	real: gunicornServer("gevent", nil),
	// 321µs a request kept alive, 575µs on a new connection; requests under
	// gevent cost 1130µs a call. A further worker's private memory,
	// extraRSS, is fitted to row gevent-4w-blocking (four workers, 50
	// connections, the app with requests imported): smaps_rollup under
	// load gave each worker 29.7 MiB of Private_Dirty (RSS 45.7) and the
	// arbiter 14.9, and the rows' resident 152.2-153.5 MiB; with clientLib's
	// 12 MiB in every worker that leaves 17.7, where a lone worker of a bare
	// app at rest has 22.9 (docs/memory.md; the engine charged that, 172.1
	// MiB for the row). Which of the two a further worker saves on is not
	// measured: only their sum is.
	costs: costs{
		parse: 214 * time.Microsecond, respond: 107 * time.Microsecond, connect: 254 * time.Microsecond,
		resume:    1130 * time.Microsecond,
		keepalive: gunicornKeepalive, boot: gunicornBoot, exit: gunicornExit,
		clientLib: mb(12), procRSS: mb(38.7), procVSZ: mb(49.5), extraRSS: mb(17.7), masterRSS: mb(14.6), masterVSZ: mb(41.0),
		taskRSS: kb(18.1), taskVSZ: kb(30.2), connRSS: greenletConnRSS,
	},

	// No acceptStay or acceptLate: the burst's first hub takes a run of
	// it, drawn in hubaccept.go (burstRun), and otherwise every idle hub is
	// as likely to win each connection. With several workers _do_read
	// returns after its one accept (max_accept 1), but in a burst the
	// spawned greenlet's first read may give the hub back at once, and the
	// hub polls and accepts again. The real splits of 50 connections over
	// four workers ranged from 11/12/13/14 to one worker taking all
	// (calibrate/rows.go, gevent-4w-blocking).
}
