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
	// gunicornBoot is from the fork of a new worker to its accepting: the
	// child imports the app after the fork (no --preload: init_process,
	// load_wsgi, gunicorn/workers/base.py:134-146), Flask and the HTTP
	// client with it. docs/cpu.md measured a trivial Flask app's new worker
	// at 83-111 ms of CPU to its first answer (median 97; on idle cores its
	// wall time is its CPU), and importing a module that imports requests
	// takes 58 ms of CPU more (an RQ horse's, docs/models.md): 97 + 58.
	gunicornBoot = 155 * time.Millisecond
	// gunicornExit is from a Python worker's leaving its loop to the
	// arbiter's reaping it: the worker returns from init_process and calls
	// sys.exit(0) (arbiter.py:589-590; sys.exit(1) after SIGABRT,
	// workers/base.py handle_abort), and the interpreter tears down the
	// app's modules before the process ends. Only then does SIGCHLD wake
	// the arbiter (handle_chld writes to its pipe, so its 1 s select
	// returns at once), which reaps the worker and forks the replacement
	// (manage_workers). docs/cpu.md measured the arbiter's fork about 99 ms
	// after a graceful SIGTERM to an idle sync worker (the old worker ran
	// about 77 ms of CPU after the signal). Calibration row
	// sync-max-requests agrees on the sum: its runs spent 235-250 ms of CPU
	// a restart beyond the requests' (5.38-5.66 ms a request over 525-530
	// requests and 7-8 restarts), against 77 + 155.
	gunicornExit = 99 * time.Millisecond
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
