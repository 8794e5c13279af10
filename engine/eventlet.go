package engine

import "time"

// eventlet is gunicorn -k eventlet (gunicorn 20.1, gunicorn/workers/
// geventlet.py) on Debian's eventlet 0.33.1, which run together: the
// worker's patch() calls eventlet.monkey_patch() (every module: socket,
// select, thread, time) on the default hub, epolls (eventlet/hubs/
// __init__.py:18). run() spawns _eventlet_serve (geventlet.py:70-90), a
// green thread that accepts one connection at a time and spawns a green
// thread for it into GreenPool(worker_connections); GreenPool.spawn blocks
// while the pool is full (eventlet/greenpool.py:56-67), so the worker
// accepts nothing then. The green thread runs AsyncWorker.handle
// (base_async.py), which keeps a connection for its keep-alive (2s, the
// eventlet.Timeout of timeout_ctx, geventlet.py:151-152) and holds its pool
// slot as long as the connection lives. The worker's main green thread
// notifies the arbiter every second (geventlet.py:161-175): a call that
// holds the hub stops it, and the arbiter kills the worker after the
// timeout. Told to stop, the acceptors stop and the pool is waited for
// (pool.waitall()), so a kept connection's next request is still served,
// with Connection: close. These are gevent's rules, so the spec takes them
// from gevent's; the costs are eventlet's own.
var eventlet = spec{
	name:   "eventlet",
	title:  "gunicorn -k eventlet: a green thread per connection on one eventlet hub",
	source: "gunicorn/workers/geventlet.py",
	doc: "Each worker process runs an eventlet green thread per connection, up to " +
		"worker_connections, all taking turns on one hub (epoll). eventlet.monkey_patch() " +
		"makes socket calls yield the hub; a call it cannot patch (blocking=true) holds " +
		"it, and nothing else in the worker runs or accepts until it returns. A green " +
		"thread keeps its connection alive for 2s. A call that holds the hub longer than " +
		"the timeout gets the worker killed. Turns are not fair: a green thread whose " +
		"client's next request has already arrived serves it without giving the hub back.",
	host:    &gunicorn,
	unit:    unitGreenlet,
	keys:    keyWorkerConns,
	threads: one, // the hub's thread
	// _eventlet_serve accepts, then GreenPool.spawn blocks while the pool
	// is full (a full pool or a blocked hub accepts nothing). Unlike
	// gevent's StreamServer it has no max_accept, with one worker or
	// several: GreenSocket.accept tries accept() before it trampolines to
	// the hub (eventlet/greenio/base.py:219-233), and GreenPool.spawn with
	// room schedules the green thread (hub.schedule_call_global(0), eventlet/
	// greenthread.py:51-54) without switching, so the acceptor drains the
	// listen queue each time it runs. The engine lets a worker take a
	// connection as it arrives; that the acceptor runs only when the hub
	// gets to it is not modelled.
	accept:         greenAccept,
	slots:          true,
	tasks:          tasksPerConn,
	termServesKept: true,
	// The keep-alive loop is gevent's (EventletWorker.handle calls
	// AsyncWorker.handle, geventlet.py:154), and eventlet's GreenSocket
	// recv() tries the socket before it trampolines to the hub
	// (eventlet/greenio/base.py:338-361, _recv_loop), so a kept-alive
	// client's next request that is already buffered is served without a
	// hub switch, as on gevent. The race is gevent's (the same parser after
	// the same response, the same client), so is its chance, fitted to
	// gevent-blocking; what sets eventlet-blocking apart (p50 260-467 ms
	// where gevent's hub gives 572-678) is the order of the hub's turn.
	nextBuffered: gevent.nextBuffered,
	// The hub runs a poll's green threads in a set's order (eventlethub.go).
	setHub: true,
	// A requests call's select(0) in urllib3's _get_conn (eventlet.green.
	// select schedules a 0 s timer and switches to the hub): one trip
	// (hubtrips.go). The CPU after it, traced on the real worker
	// (greenlet.settrace, mean run less about 20 µs of the tracer's own):
	// 210 µs from the select to the request written (median 161). urllib
	// makes none: eventlet's greendns answers an IP address without a
	// lookup (eventlet/support/greendns.py getaddrinfo, is_ip_addr). httpx
	// is taken as requests (not measured).
	trips: []trip{
		ClientRequests: {1, 190 * time.Microsecond},
		ClientHTTPX:    {1, 190 * time.Microsecond},
	},
	// The main green thread's notify every second: gevent's rule.
	heartbeat: gevent.heartbeat,
	real:      gunicornServer("eventlet", nil),
	// Measured with the calibration harness (docs/models.md): 410µs of CPU
	// a request kept alive (0.34-0.44 ms in 3 runs), 530µs on a new
	// connection (0.46-0.55 ms). With one call after a real 100 ms wait a
	// request cost 2.62-2.75 ms against gevent's 2.50-2.88 beside it, so a
	// call is charged gevent's figure. Memory (smaps_rollup, after 200
	// requests): a worker 64.5 MiB resident (79.4 MiB virtual), 35.6 MiB of
	// it private, so each further worker adds that; the arbiter 32.4 MiB
	// private (73.8 MiB virtual), twice gevent's, as it imports eventlet
	// with the worker class. requests under eventlet is taken as under
	// gevent (12 MiB), and a parked green thread and its connection as
	// gevent's greenlet and connection (not measured: eventlet.wsgi's
	// HttpProtocol also reads through a buffered rfile).
	costs: costs{
		parse: 273 * time.Microsecond, respond: 137 * time.Microsecond, connect: 120 * time.Microsecond,
		resume:    1130 * time.Microsecond,
		keepalive: gunicornKeepalive, boot: gunicornBoot, exit: gunicornExit,
		clientLib: mb(12), procRSS: mb(52.5), procVSZ: mb(67.4), extraRSS: mb(23.6), masterRSS: mb(32.4), masterVSZ: mb(73.8),
		taskRSS: kb(18.1), taskVSZ: kb(30.2), connRSS: greenletConnRSS,
	},

	// Not measured in a burst for this model: the gthread fit of an accept
	// loop (acceptStayLoop).
	acceptStay: acceptStayLoop,
}
