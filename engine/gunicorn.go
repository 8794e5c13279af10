package engine

import "time"

// gunicorn runs the sync, gthread and gevent models: an arbiter process
// (gunicorn/arbiter.py) forks the workers, which share the listen socket,
// and kills a worker that has not notified it for longer than the timeout.
var gunicorn = host{
	name: "gunicorn",
	keys: keyWorkers | keyBacklog | keyTimeout | keyPyApp | keyMaxRequests,
	// --backlog defaults to 2048 (gunicorn/config.py:614-620).
	listenQueue: 2048,
	// The arbiter always runs beside the workers.
	master: func(*Config) bool { return true },
	// TTIN and TTOU change the number of workers while it runs
	// (arbiter.py:269-285); the engine's manageWorkers follows.
	fixedWorkers: "",
}

const (
	// gunicornKeepalive is gunicorn's keepalive default, 2s: how long the
	// gthread and gevent workers keep an idle connection.
	gunicornKeepalive = 2 * time.Second
	// gunicornBoot is from a worker's death to its replacement accepting:
	// gunicorn replaced a killed sync worker in 116ms (SIGKILL) to 183ms
	// (SIGTERM) on the median.
	gunicornBoot = 150 * time.Millisecond
	// gunicornGraceful is gunicorn's graceful_timeout default
	// (gunicorn/config.py:792-799): how long a worker told to stop may go on finishing
	// its requests before it exits all the same.
	gunicornGraceful = 30 * time.Second
)

// gunicornServer is how the calibration harness starts worker class k,
// with extra arguments.
func gunicornServer(k string, extra func(c *Config) []string) func(*Config) RealServer {
	return func(c *Config) RealServer {
		args := []string{"-k", k}
		if extra != nil {
			args = append(args, extra(c)...)
		}
		return RealServer{Program: "gunicorn", Args: args, App: "wsgi_app:app"}
	}
}
