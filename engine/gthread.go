package engine

import (
	"strconv"
	"time"
)

// gthread is gunicorn -k gthread (gunicorn/workers/gthread.py): a main
// thread that accepts and polls connections, and a ThreadPoolExecutor of
// --threads threads that run the app.
var gthread = spec{
	name:   "gthread",
	title:  "gunicorn -k gthread: a pool of threads per worker process",
	source: "gunicorn/workers/gthread.py",
	doc: "Each worker process has a pool of threads. Its main thread accepts " +
		"whenever it holds fewer than worker_connections connections, whether or not " +
		"a thread is free, and queues each one in its own executor, so requests wait " +
		"inside the worker that won them and the workers' queues are uneven. A kept " +
		"connection parks in the worker's poller for 2s. The main thread notifies the " +
		"arbiter whatever the pool does, so a slow request never kills the worker.",
	host: &gunicorn,
	unit: unitThread,
	keys: keyThreads | keyWorkerConns,
	// ThreadPoolExecutor(max_workers=self.cfg.threads) (gthread.py:111).
	threads:        func(c *Config) int { return c.threadsOr(gunicornThreads) },
	defaultThreads: gunicornThreads,
	// run(): "if self.nr_conns < self.worker_connections" (gthread.py:198)
	// it polls the listener and accepts, whether or not a thread is free;
	// enqueue_req submits the connection to the executor.
	accept: func(s *Sim, p *proc) bool { return p.conns < s.cfg.WorkerConnections },
	slots:  true,
	// handle_request: force_close when len(self._keep) >= max_keepalived,
	// which is worker_connections - threads (gthread.py:320).
	maxKept: func(c *Config) int { return c.WorkerConnections - c.threadsOr(gunicornThreads) },
	// No heartbeat rule: the main thread notifies the arbiter on every loop,
	// at least once a second, whatever its pool threads do, so a slow
	// request never kills the worker and the engine runs no arbiter for it.
	real: gunicornServer("gthread", func(c *Config) []string { return []string{"--threads", strconv.Itoa(c.threadsOr(gunicornThreads))} }),
	// 514µs a request kept alive, 583µs on a new connection.
	costs: costs{
		parse: 343 * time.Microsecond, respond: 171 * time.Microsecond, connect: 69 * time.Microsecond,
		resume: 1600 * time.Microsecond, coldExtra: requestsCold, asyncView: 760 * time.Microsecond,
		keepalive: gunicornKeepalive, boot: gunicornBoot,
		clientLib: mb(8), procRSS: mb(34.2), procVSZ: mb(42.1), extraRSS: mb(15.8), masterRSS: mb(7.9), masterVSZ: mb(34.3),
	},
}

// gunicornThreads is gunicorn's --threads default (gunicorn/config.py,
// class Threads).
const gunicornThreads = 1
