package engine

import "time"

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
		"there is no keep-alive.",
	host:       &werkzeug,
	unit:       unitProcess,
	threads:    one,
	mainThread: true,
	// serve_forever selects on the listener only between requests.
	accept: idleThread,
	real:   werkzeugServer("0"),
	// 348µs a request (docs/cpu.md), always a new connection.
	costs: costs{
		parse: 232 * time.Microsecond, respond: 116 * time.Microsecond, resume: 1600 * time.Microsecond,
		asyncView: 760 * time.Microsecond,
		clientLib: mb(8), procRSS: mb(29.6), procVSZ: mb(36.1),
	},
}
