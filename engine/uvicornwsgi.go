package engine

import "time"

// uvicornWsgi is a Flask app on uvicorn --interface wsgi: uvicorn's
// WSGIMiddleware runs the app on a ThreadPoolExecutor(max_workers=10)
// (uvicorn/middleware/wsgi.py:76).
var uvicornWsgi = spec{
	name:   "uvicorn-wsgi",
	title:  "Flask on uvicorn --interface wsgi: a pool of 10 threads behind the loop",
	source: "uvicorn/middleware/wsgi.py",
	doc: "uvicorn's event loop accepts and parses, then runs the Flask app on a pool " +
		"of 10 threads per worker. A thread hands the response to the loop and goes " +
		"back to the pool at once, so each worker runs up to 10 requests at a time; " +
		"the rest wait for a thread.",
	host:    &uvicorn,
	unit:    unitBridge,
	threads: func(*Config) int { return uvicornWsgiThreads },
	accept:  uvicornAccept,
	tasks:   tasksPerRequest,
	// WSGIMiddleware queues the response for the loop and returns the
	// thread to the pool at once.
	freeThreadFirst: true,
	real:            uvicornServer("wsgi_app:app", "--interface", "wsgi"),
	// 716µs a request kept alive, 1061µs on a new connection. Its memory was
	// not measured: it is taken as WsgiToAsgi's (both are uvicorn with Flask).
	costs: costs{
		parse: 477 * time.Microsecond, respond: 239 * time.Microsecond, connect: 345 * time.Microsecond,
		resume:    1600 * time.Microsecond,
		keepalive: uvicornKeepalive, boot: uvicornBoot,
		clientLib: mb(6.5), procRSS: mb(33.8), procVSZ: mb(39.5), extraRSS: mb(23.3), masterRSS: mb(7.8), masterVSZ: mb(33.0),
		taskRSS: kb(9.8), taskVSZ: kb(9.9), connRSS: uvicornConnRSS,
	},

	// Not measured in a burst for this model: the gthread fit of an accept
	// loop (acceptStayLoop).
	acceptStay: acceptStayLoop,
}

// uvicornWsgiThreads is the thread pool of uvicorn's WSGIMiddleware
// (workers=10 in uvicorn/middleware/wsgi.py).
const uvicornWsgiThreads = 10
