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
	master:     func(*Config) bool { return false },
}

// werkzeugServer is how the calibration harness starts Flask's server:
// calibrate/apps/dev_server.py, whose argument is threaded (0 or 1).
func werkzeugServer(threaded string) func(*Config) RealServer {
	return func(*Config) RealServer {
		return RealServer{Program: "werkzeug", Args: []string{threaded}, App: "dev_server.py"}
	}
}
