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
