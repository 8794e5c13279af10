package engine

import "time"

// uvicorn runs the asyncio, wsgi-to-asgi and uvicorn-wsgi models: one
// asyncio event loop per worker process, with a supervisor process
// (uvicorn/supervisors/multiprocess.py) when --workers > 1. It has no worker
// timeout; its backlog defaults to 2048 and its keep-alive to 5s
// (uvicorn/config.py:230-231).
var uvicorn = host{
	name: "uvicorn",
	keys: keyWorkers | keyBacklog | keyPyApp | keyLimitConc,
	// --backlog defaults to 2048 (uvicorn/config.py:230).
	listenQueue: 2048,
	master:      func(c *Config) bool { return c.Workers > 1 },
	// Multiprocess.startup starts --workers processes once
	// (uvicorn/supervisors/multiprocess.py:58-63), and the supervisor
	// handles only SIGINT and SIGTERM (:15-18, :55-56): no TTIN, no TTOU.
	fixedWorkers: "uvicorn 0.17 cannot change --workers while running: its supervisor starts the workers once " +
		"and handles only SIGINT and SIGTERM (uvicorn/supervisors/multiprocess.py:15-18, 58-63); restart it with the new value",
}

const (
	// uvicornKeepalive is uvicorn's --timeout-keep-alive default.
	uvicornKeepalive = 5 * time.Second
	// uvicornBoot is taken as gunicorn's (not measured).
	uvicornBoot = gunicornBoot
	// asyncioWake is the CPU of one iteration of an asyncio loop
	// (BaseEventLoop._run_once: epoll_wait, turning its events into ready
	// callbacks, the timer heap), which the tasks run in that iteration
	// share (loopTurn). The measured figures (docs/cpu.md, one request at a
	// time) include one for each of a request's iterations: the read of
	// the request, an accept before it on a new connection, and the
	// response of each upstream call with the task's step after it.
	// Fitted to the quiet calibration run of 2026-12-02: at 1000 clients
	// (asyncio-1000) the real loop spent 0.59-0.61 ms of CPU a request
	// against 0.85 measured one at a time, and with asyncio.sleep
	// (asyncio-sleep) 0.19-0.20 against 0.33. 60µs gave 1396 rps (real
	// 1531-1588) at 0.65 ms, and 3828 rps (real 3324-3612) at 0.23 ms;
	// 55µs gave asyncio-1000 1369 rps, 75µs matched its CPU, 0.60 ms, but
	// gave asyncio-sleep 3917 rps: the real runs also lose time outside
	// the loop (the client, loopback). With a new connection's three
	// turns (acceptTurns, added after the fit) 60µs gives asyncio-1000 1444 rps
	// at 0.63 ms and asyncio-sleep 4205 rps at 0.22 ms: both loops cost a
	// little more than the real ones, and asyncio-sleep's real loop was
	// busy two thirds of the time, so its shortfall is the Go client's
	// CPU on the same cores, not this figure (calibrate/rows.go). With each
	// of a request's iterations a slice of its own (asyncioturns.go), the
	// same 60µs gives asyncio-1000 1429 rps at 0.63 ms and asyncio-sleep
	// 3599 rps at 0.18 ms. One request at a time nothing
	// changes. With fixed io the 50 clients of asyncio-httpx fall into
	// lock-step waves (their calls leave together once their connections
	// are made, pool.go), which the shared cost tightens: 387 rps and p50
	// 120 ms against the real 447 and 107.
	asyncioWake = 60 * time.Microsecond
	// acceptTurns is how many iterations of an asyncio loop a new
	// connection takes before the one that reads its request: the
	// iteration whose epoll_wait reports the listening socket
	// (BaseSelectorEventLoop._accept_connection accepts every queued
	// connection and makes a task of _accept_connection2 for each), the
	// next, which runs that task's first step (it builds the transport,
	// whose __init__ schedules connection_made and _add_reader with
	// call_soon), and the one after, which runs them (asyncio/
	// selector_events.py). On asyncio's own models each is a slice of its
	// own (asyncioturns.go); on the bridges they are wake-ups of the parse. The measured connect (266µs for asyncio, one
	// connection at a time) includes their three wakes, 180µs; a busy loop
	// shares them, so a new connection then costs it about 90µs more than a
	// kept-alive request: in the row asyncio-limit the real loop spent
	// 0.25-0.31 ms a request, nearly all of them 503s on new connections,
	// against about 0.19 for a kept-alive request on a busy loop
	// (asyncio-sleep).
	acceptTurns = 3
)

// uvicornAccept is the accept rule of every uvicorn model: the event loop
// accepts whenever it runs, so a loop held by a call it cannot yield on
// accepts nothing.
func uvicornAccept(_ *Sim, p *proc) bool { return !p.blocked }

// uvicornServer is how the calibration harness starts app on uvicorn, with
// extra arguments.
func uvicornServer(app string, args ...string) func(*Config) RealServer {
	return func(*Config) RealServer { return RealServer{Program: "uvicorn", Args: args, App: app} }
}
