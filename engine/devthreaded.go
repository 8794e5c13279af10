package engine

import "time"

// devThreaded is Flask's built-in server with threaded=True (Flask's
// default since 1.0): werkzeug's ThreadedWSGIServer, whose
// socketserver.ThreadingMixIn starts a thread for each connection.
var devThreaded = spec{
	name:   "dev-threaded",
	title:  "Flask's built-in server, threaded=True: a thread per connection",
	source: "werkzeug/serving.py",
	doc: "One process that starts a new thread for each connection, with no limit, " +
		"and accepts whenever a connection comes. The thread exits when its response " +
		"is sent, because the server closes every connection. Threads share the GIL, " +
		"so they overlap their waits on the upstream, not their CPU.",
	host: &werkzeug,
	unit: unitThread,
	// ThreadingMixIn.process_request: a new thread per connection, no limit.
	threads: func(*Config) int { return 0 },
	accept:  func(*Sim, *proc) bool { return true },
	// acceptStay 0: one process, nothing to choose.
	real: werkzeugServer("1"),
	// 611µs a request with a thread started per connection; closes.
	costs: costs{
		parse: 407 * time.Microsecond, respond: 204 * time.Microsecond, resume: 1600 * time.Microsecond, coldExtra: requestsCold,
		asyncView: 760 * time.Microsecond,
		clientLib: mb(8), procRSS: mb(29.6), procVSZ: mb(36.1),
	},
}
