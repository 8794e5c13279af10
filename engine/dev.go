package engine

import (
	"strconv"
	"time"
)

// dev is Flask's built-in server with threaded=False: werkzeug's
// BaseWSGIServer, a socketserver.TCPServer that serves one request at a
// time on the process's main thread.
var dev = spec{
	name:   "dev",
	title:  "Flask's built-in server, threaded=False: one request at a time",
	source: "werkzeug/serving.py",
	doc: "One process with one thread, which serves one request at a time. It accepts " +
		"only when it is idle, so every other connection waits in the listen queue " +
		"(fixed at 128). Werkzeug 2.2 closes the connection after every response: " +
		"there is no keep-alive. With workers=N it is app.run(processes=N): a child " +
		"process forked per request, at most N at once.",
	host:       &werkzeug,
	keys:       keyWorkers, // workers > 1 runs devForking
	forking:    &devForking,
	unit:       unitProcess,
	threads:    one,
	mainThread: true,
	// serve_forever selects on the listener only between requests.
	// acceptStay 0: one process, busy while it serves.
	accept: idleThread,
	real:   werkzeugServer("0"),
	// 348µs a request (docs/cpu.md), always a new connection.
	costs: costs{
		parse: 232 * time.Microsecond, respond: 116 * time.Microsecond, resume: 1600 * time.Microsecond, coldExtra: requestsCold,
		asyncView: 760 * time.Microsecond,
		clientLib: mb(8), procRSS: mb(29.6), procVSZ: mb(36.1),
	},
}

// devForking is dev with workers=N, Flask's app.run(processes=N):
// werkzeug's ForkingWSGIServer (werkzeug/serving.py:801-825), whose
// socketserver.ForkingMixIn (Python 3.11, socketserver.py:551-632) forks a
// child for every connection it accepts (process_request, :609-632); the
// child serves the one request and exits with os._exit. After each accept,
// service_actions calls collect_children (:560-593), which blocks in
// os.waitpid(-1, 0) while len(active_children) >= max_children: with N
// children alive the parent accepts nothing, and connections wait in the
// listen queue (128) until a child exits. So at most N requests run at
// once, each in a process of its own, with a GIL of its own.
var devForking = spec{
	name:   "dev",
	title:  "Flask's built-in server, processes=N: a process forked per request, at most N",
	source: "werkzeug/serving.py",
	doc: "One parent process accepts a connection and forks a child to serve it, " +
		"while fewer than N children are alive; with N alive it waits for one to " +
		"exit, and other connections wait in the listen queue (fixed at 128). Each " +
		"child has its own GIL, pays for the fork and a cold start, and exits after " +
		"its one response.",
	host:       &werkzeugForking,
	unit:       unitProcess,
	threads:    one,
	mainThread: true,
	// A child slot is free when its child has exited and been reaped.
	accept: idleThread,
	tasks:  tasksForked,
	real: func(c *Config) RealServer {
		return RealServer{Program: "werkzeug", Args: []string{"0", strconv.Itoa(c.Workers)}, App: "dev_server.py"}
	},
	// CPU: 8.61 ms a request (8.50-8.64 in 3 runs, one client, no calls;
	// the parent's CPU with its reaped children's) against 0.45 ms for
	// threaded=False measured beside it (0.40-0.46): the fork, the child's
	// copy-on-write faults as Python touches its objects, and its exit cost
	// 8.16 ms. The engine charges it with the parse, in the child (how it
	// splits with the parent was not measured). An upstream call from a
	// fresh child costs far more than from a long-lived process: the
	// session it inherits has no pooled connection, and requests' and
	// urllib3's pages fault in anew. With one call a request took 16.4 ms
	// (15.1-17.2, the dev-processes calibration row), so a call is charged
	// 7.9 ms here, fitted to that row. Memory: the parent is the Flask
	// process at rest (37.0 MiB measured); a child adds its private,
	// copied-on-write pages while it serves: 6.4 MiB each with 4 children
	// serving a call (62.4-63.1 MiB in all).
	costs: costs{
		parse: (232 + 8160) * time.Microsecond, respond: 116 * time.Microsecond, resume: 7900 * time.Microsecond,
		asyncView: 760 * time.Microsecond,
		clientLib: mb(8), procRSS: mb(29.6), procVSZ: mb(36.1),
		extraRSS: mb(6.4), masterRSS: mb(37.0), masterVSZ: mb(44.1),
	},
}
