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
	// asgiref 3.6's keep-alive failure (the wsgi-to-asgi-ka calibration row:
	// about half the requests got a 500). SyncToAsync.__call__ sets the
	// contextvar deadlock_context to True before it runs the app on the
	// single thread executor, and raises "Single thread executor already
	// being used, would deadlock" when it finds it True (sync.py:415-423).
	// The app sends its last, empty body message through AsyncToSync(send)
	// (wsgi.py:162) from the thread, so that send runs on the loop in a copy
	// of the thread's context, where the flag is True. uvicorn's send calls
	// on_response_complete (h11_impl.py:270-289): if the client's next
	// request came before it, h11 had answered PAUSED and reading was paused
	// (:140-145); now resume_reading adds the socket's reader again, in the
	// current context, and start_next_cycle runs handle_events, whose new
	// task (create_task copies the context) starts with the flag True: its
	// SyncToAsync raises, run_asgi answers 500 with "connection: close"
	// (:363-403), and the connection closes. A request that comes after the
	// cycle completed is read in the reader's old context and runs.
	//
	// When does the window close? The client has the whole response once
	// the body message (more_body=True, a Content-Length body) is written.
	// The loop then finishes that send's task (main_wrap sets the
	// concurrent Future the thread waits on); the thread wakes, leaves the
	// app's loop (bytes_sent reached Content-Length), builds the last
	// message's AsyncToSync (context copy, Future, CurrentThreadExecutor,
	// coroutine) and calls call_soon_threadsafe, which appends create_task
	// to the loop's ready queue and writes the self-pipe. The loop's
	// epoll_wait returns, and a request already in the socket is read in
	// that same turn, before the task that runs send (create_task only
	// schedules its first step for the next turn): h11 answers PAUSED and
	// the request fails. A request that arrives after that epoll_wait is
	// read after on_response_complete and runs. So the window is the
	// thread's half of one message's trip plus the loop's wake on the
	// self-pipe. The respond slice is three such trips (start, body, end),
	// 161µs each; the engine takes the thread's side as half a trip, 81µs,
	// and the wake as half an iteration of the loop (asyncioWake: the
	// epoll_wait return, before its events are handled), 30µs. Neither half
	// is measured apart. With the harness's rtt=200µs (a draw under 111µs
	// 43% of the time) the row wsgi-to-asgi-ka fails 43 of 150 (35-48 over
	// seeds 1-8; real 38-50); a whole trip, 161µs, would give 50-54, and
	// the whole respond slice 67-72.
	cycleGap: wsgiToAsgiRespond/6 + asyncioWake/2,
	// 1451µs a request kept alive, 1698µs on a new connection.
	costs: costs{
		parse: 967 * time.Microsecond, respond: wsgiToAsgiRespond, connect: 247 * time.Microsecond,
		resume:    1600 * time.Microsecond,
		keepalive: uvicornKeepalive, boot: uvicornBoot,
		clientLib: mb(6.5), procRSS: mb(33.8), procVSZ: mb(39.5), extraRSS: mb(23.3), masterRSS: mb(7.8), masterVSZ: mb(33.0),
		taskRSS: kb(9.8), taskVSZ: kb(9.9), connRSS: uvicornConnRSS,
	},

	// Not measured in a burst for this model: the gthread fit of an accept
	// loop (acceptStayLoop).
	acceptStay: acceptStayLoop,
}

// wsgiToAsgiRespond is the CPU of a WsgiToAsgi response: the app's three
// messages (start, body, end), each a trip through AsyncToSync from the
// WSGI thread to the loop and back.
const wsgiToAsgiRespond = 484 * time.Microsecond
