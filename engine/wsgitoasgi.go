package engine

import "time"

// wsgiToAsgi is a Flask app wrapped by asgiref's WsgiToAsgi, on uvicorn.
// WsgiToAsgiInstance.run_wsgi_app is decorated @sync_to_async
// (asgiref/wsgi.py:130), thread-sensitive by default; under uvicorn none of
// the per-context cases in SyncToAsync.__call__ applies, so the call goes to
// single_thread_executor = ThreadPoolExecutor(max_workers=1)
// (asgiref/sync.py:346 and :421), shared by the whole process.
var wsgiToAsgi = spec{
	name:   "wsgi-to-asgi",
	title:  "Flask in asgiref's WsgiToAsgi on uvicorn: one WSGI thread per worker",
	source: "asgiref/wsgi.py",
	doc: "uvicorn's event loop accepts and parses, then hands each request to the " +
		"Flask app on asgiref's single thread executor, which the whole process " +
		"shares: each worker runs one WSGI request at a time, whatever the loop in " +
		"front of it could do. The app sends its response through AsyncToSync(send), " +
		"so its thread waits until the loop has written it.",
	host: &uvicorn,
	unit: unitBridge,
	// The single thread executor: one thread, not the main one (the loop's).
	threads: one,
	accept:  uvicornAccept,
	tasks:   tasksPerRequest,
	real:    uvicornServer("w2a_app:app"),
	// 1451µs a request kept alive, 1698µs on a new connection. Measured but
	// not modelled: with keep-alive, asgiref 3.6 fails a request that comes
	// on a connection before the previous one has finished (a 500, "Single
	// thread executor already being used, would deadlock").
	costs: costs{
		parse: 967 * time.Microsecond, respond: 484 * time.Microsecond, connect: 247 * time.Microsecond,
		resume:    1600 * time.Microsecond,
		keepalive: uvicornKeepalive, boot: uvicornBoot,
		clientLib: mb(6.5), procRSS: mb(33.8), procVSZ: mb(39.5), extraRSS: mb(23.3), masterRSS: mb(7.8), masterVSZ: mb(33.0),
		taskRSS: kb(9.8), taskVSZ: kb(9.9),
	},
}
