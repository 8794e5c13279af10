package engine

import "time"

// asyncio is a bare ASGI app on uvicorn: every request is a task
// (uvicorn's RequestResponseCycle) on the worker's one asyncio event loop.
var asyncio = spec{
	name:   "asyncio",
	title:  "an ASGI app on uvicorn: a task per request on one event loop",
	source: "uvicorn/protocols/http/h11_impl.py",
	doc: "Each worker process runs one asyncio event loop, and every request is a " +
		"task on it. A task runs until it awaits; the tasks' CPU slices take turns, " +
		"first in, first out, and nothing preempts a slice. Each turn of the loop polls " +
		"the sockets once for every task then ready, so a busy loop spends less CPU per " +
		"request than an idle one. A blocking call " +
		"(time.sleep, a synchronous driver) holds the loop: it accepts nothing and " +
		"runs no other task until the call returns. The app's aiohttp client opens at " +
		"most 100 upstream connections at once, and sends a call on a new connection " +
		"only once it is made, a turn of the loop later. With http-client=httpx a call " +
		"runs through ten turns of the loop (httpcore's locks each yield once), and calls " +
		"that start together pass its pool's lock one every two turns.",
	host:    &uvicorn,
	unit:    unitTask,
	threads: one, // the loop's thread; the pool serves no request
	// aiohttp's TCPConnector defaults to limit=100 connections (httpx's
	// default is also 100).
	pool:          100,
	connectInTurn: true, // aiohttp (pool.go)
	callSoonTurn:  true, // asyncioturns.go
	accept:        uvicornAccept,
	tasks:         tasksPerRequest,
	real:          uvicornServer("asgi_app:app"),
	// 238µs a request kept alive, 504µs on a new connection; a reused
	// aiohttp session costs 540µs a call; each figure includes its
	// iterations of the loop, which busy tasks share (asyncioWake). uvicorn's supervisor (--workers > 1)
	// was not measured: its private memory is taken as gunicorn's arbiter's.
	costs: costs{
		parse: 159 * time.Microsecond, respond: 79 * time.Microsecond, connect: 266 * time.Microsecond,
		resume: 540 * time.Microsecond, wake: asyncioWake,
		keepalive: uvicornKeepalive, boot: uvicornBoot,
		clientLib: mb(15), procRSS: mb(26.6), procVSZ: mb(33.0), extraRSS: mb(16.4), masterRSS: mb(7.8), masterVSZ: mb(33.0),
		taskRSS: kb(9.8), taskVSZ: kb(9.9), connRSS: uvicornConnRSS,
	},

	// Not measured in a burst for this model: the gthread fit of an accept
	// loop (acceptStayLoop).
	acceptStay: acceptStayLoop,
}
