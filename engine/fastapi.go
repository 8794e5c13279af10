package engine

import (
	"strconv"
	"time"
)

// fastapi is a FastAPI 0.92 (Starlette 0.26, anyio 3.6.2) app on uvicorn
// with plain def endpoints, view=sync, which is what FastAPI's own docs tell
// a user who is unsure to write ("If you just don't know, use normal def").
// get_request_handler resolves the dependencies on the loop
// (fastapi/routing.py:227), then run_endpoint_function awaits
// run_in_threadpool(dependant.call) for a def endpoint (routing.py:162-165),
// which is anyio.to_thread.run_sync (starlette/concurrency.py:35-41). That
// holds a token of anyio's default CapacityLimiter, 40 tokens
// (anyio/_backends/_asyncio.py:1977; threads sets them, as an app does with
// to_thread.current_default_thread_limiter().total_tokens = N), while the endpoint runs on a worker
// thread: an idle one, the newest first (idle_workers.pop(), :922), or a new
// one. A task that finds no token waits in the limiter's OrderedDict, and a
// released token wakes _wait_queue.popitem() (:1958): the LAST waiter, the
// one that came most recently. Under a queue, the newest request goes
// first and the oldest waits until the queue drains: the tail is LIFO's.
// The endpoint's return value is encoded on the loop (jsonable_encoder and
// JSONResponse, routing.py:266).
var fastapi = spec{
	name:   "fastapi",
	title:  "FastAPI on uvicorn: def endpoints on anyio's 40 threads, async def on the loop",
	source: "fastapi/routing.py",
	doc: "uvicorn's event loop accepts and parses, and FastAPI routes and resolves " +
		"dependencies on it. A plain def endpoint (view=sync) then runs on one of " +
		"anyio's worker threads, at most 40 at once per worker (the CapacityLimiter " +
		"nobody sets; threads sets its tokens); the rest wait for a token, and anyio 3.6 hands a freed token " +
		"to the request that has waited least, so under a queue the oldest requests " +
		"wait longest. An async def endpoint (view=async) runs on the loop itself, " +
		"like a bare ASGI app with FastAPI's own CPU on top.",
	host: &uvicorn,
	unit: unitBridge,
	keys: keyThreads,
	// CapacityLimiter(40) (anyio/_backends/_asyncio.py:1977). FastAPI 0.92
	// has no setting for it; an app sets
	// to_thread.current_default_thread_limiter().total_tokens at startup,
	// which is what threads does.
	threads:        func(c *Config) int { return c.threadsOr(anyioThreads) },
	defaultThreads: anyioThreads,
	// _wait_queue.popitem() pops the last waiter (:1958).
	wakeNewest: true,
	accept:     uvicornAccept,
	tasks:      tasksPerRequest,
	// The endpoint parses its call's response on its thread (resume), and
	// the token is released by the awaiting task on the loop, as the
	// endpoint's result comes back (anyio/_backends/_asyncio.py:912-937:
	// `return await future` inside `async with limiter`), before the
	// response is encoded and written.
	freeThreadFirst: true,
	freeOnLoop:      true,
	asyncViews:      &fastapiAsync,
	real:            fastapiServer,
	// 500µs a request kept alive (0.43-0.51 ms in 4 runs), 720µs on a new
	// connection (0.69-0.76 ms), measured with the calibration harness
	// (docs/models.md, "fastapi"); a call with the app's module-level
	// requests.Session is charged as on the Flask models. uvicorn with
	// FastAPI imported is 32.9 MiB resident. A further worker's memory was
	// not measured: asyncio's plus FastAPI's imports.
	costs: costs{
		parse: 333 * time.Microsecond, respond: 167 * time.Microsecond, connect: 220 * time.Microsecond,
		resume:    1250 * time.Microsecond,
		keepalive: uvicornKeepalive, boot: uvicornBoot,
		clientLib: mb(8), procRSS: mb(32.9), procVSZ: mb(39.0), extraRSS: mb(22.7), masterRSS: mb(7.8), masterVSZ: mb(33.0),
		taskRSS: kb(9.8), taskVSZ: kb(9.9), connRSS: uvicornConnRSS,
	},

	// Not measured in a burst for this model: the gthread fit of an accept
	// loop (acceptStayLoop).
	acceptStay: acceptStayLoop,
}

// fastapiAsync is fastapi with async def endpoints (view=async):
// run_endpoint_function awaits the endpoint on the loop
// (fastapi/routing.py:162-163), a task per request as on asyncio, calling
// the upstream with a module-level aiohttp session (limit 100).
var fastapiAsync = spec{
	name:   "fastapi",
	title:  "FastAPI on uvicorn, async def endpoints: a task per request on one event loop",
	source: "fastapi/routing.py",
	doc:    "Every request is a task on the worker's event loop, from parsing to the response, and its async def endpoint yields the loop at each await.",
	host:   &uvicorn,
	unit:   unitTask,
	// The loop's thread: threads does not apply (the key is fastapi's
	// only with view=sync), since an async def endpoint never enters
	// anyio's thread pool.
	threads: one,
	pool:    100,
	// The endpoint's aiohttp session: asyncio's rule (pool.go).
	connectInTurn: true,
	callSoonTurn:  true, // asyncioturns.go
	accept:        uvicornAccept,
	tasks:         tasksPerRequest,
	real:          uvicornServer("fastapi_app:app"), // anyio's limiter as it comes
	// 280µs a request kept alive (0.25-0.35 ms in 4 runs), 520µs on a new
	// connection (0.50-0.53 ms); a call with aiohttp is charged as on
	// asyncio, and so is an iteration of its loop (asyncioWake).
	costs: costs{
		parse: 187 * time.Microsecond, respond: 93 * time.Microsecond, connect: 240 * time.Microsecond,
		resume: 540 * time.Microsecond, wake: asyncioWake,
		keepalive: uvicornKeepalive, boot: uvicornBoot,
		clientLib: mb(15), procRSS: mb(32.9), procVSZ: mb(39.0), extraRSS: mb(22.7), masterRSS: mb(7.8), masterVSZ: mb(33.0),
		taskRSS: kb(9.8), taskVSZ: kb(9.9), connRSS: uvicornConnRSS,
	},

	// Not measured in a burst for this model: the gthread fit of an accept
	// loop (acceptStayLoop).
	acceptStay: acceptStayLoop,
}

// anyioThreads is the total_tokens of anyio's default thread limiter.
const anyioThreads = 40

// fastapiServer is uvicorn serving the calibration's FastAPI app, which sets
// the total_tokens of anyio's default thread limiter at startup from
// CALIBRATE_THREADS.
func fastapiServer(c *Config) RealServer {
	rs := uvicornServer("fastapi_app:app")(c)
	rs.Env = []string{"CALIBRATE_THREADS=" + strconv.Itoa(c.threadsOr(anyioThreads))}
	return rs
}
