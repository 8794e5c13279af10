package engine

// werkzeug is Flask's built-in development server (werkzeug.serving), which
// runs the dev and dev-threaded models: one process, no master, and a fixed
// listen queue of LISTEN_QUEUE = 128 (werkzeug/serving.py:70). Werkzeug 2.2
// sends "Connection: close" on every response (werkzeug/serving.py:286-290),
// threaded or not, so neither model keeps a connection alive.
var werkzeug = host{
	name:       "werkzeug",
	oneProcess: true,
	backlog:    128,
	keys:       keyPyApp,
	master:     func(*Config) bool { return false },
	// make_server returns one server object in one process
	// (werkzeug/serving.py:828-863): there are no workers to add, and
	// processes=N fixes max_children when it starts (:825).
	fixedWorkers: werkzeugFixed,
}

// werkzeugForking is Flask's built-in server with processes=N (dev with
// workers > 1): werkzeug's ForkingWSGIServer, one parent process that forks
// a child per connection (werkzeug/serving.py:801-825, 856-866), with the
// same listen queue of 128.
var werkzeugForking = host{
	name:    "werkzeug",
	backlog: 128,
	keys:    keyWorkers | keyPyApp,
	// The parent accepts and forks; it serves no request itself.
	master:       func(*Config) bool { return true },
	fixedWorkers: werkzeugFixed,
}

// werkzeugFixed says why Flask's server cannot change workers while it runs.
const werkzeugFixed = "Flask's built-in server is one process (werkzeug/serving.py:828-863, make_server), " +
	"or with processes=N forks at most N children, fixed when it starts (:825); " +
	"it has no workers to add or retire: restart it, or run it under gunicorn to change workers while it runs"

// werkzeugServer is how the calibration harness starts Flask's server:
// calibrate/apps/dev_server.py, whose argument is threaded (0 or 1).
func werkzeugServer(threaded string) func(*Config) RealServer {
	return func(*Config) RealServer {
		return RealServer{Program: "werkzeug", Args: []string{threaded}, App: "dev_server.py"}
	}
}
