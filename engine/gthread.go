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
	// Its main thread accepts one connection per poller event, hands it to
	// the executor and goes straight back to select (run, accept,
	// enqueue_req: gthread.py:117-128, :193-221), so in a burst it finds
	// the next connection queued while the other workers are still waking.
	acceptStay: gthreadAcceptStay,
	slots:      true,
	// The main loop (run, gthread.py:193-221) turns once for each poller
	// event, a request on a kept connection or a new one, and each turn
	// calls futures.wait(self.futures, timeout=0, ...) (:206), which makes
	// a set of every pending future, takes each one's condition lock and
	// scans their states, then removes the finished ones from the deque
	// self.futures (:215, deque.remove). So each request costs the main
	// thread, on the GIL, CPU in proportion to the requests the worker
	// holds: gthreadPerFuture for each.
	dispatch: func(s *Sim, p *proc) time.Duration {
		return time.Duration(max(0, p.conns-p.kept)) * gthreadPerFuture
	},
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
		clientLib: mb(8), procRSS: mb(34.2), procVSZ: mb(42.1), extraRSS: mb(15.8), masterRSS: gunicornArbiterRSS, masterVSZ: mb(34.3),
		connRSS: gthreadConnRSS, unshareRSS: gunicornUnshare, unshareAfter: gthreadUnshareAfter,
	},
}

// gthreadPerFuture is the main loop's CPU per request for each request
// the worker holds (its futures). Fitted to the quiet run: with 1000
// clients each keeping a request in one worker, the worker spent 3.30 ms
// of CPU per request with 50 threads (row articles-threads) and 3.37 ms
// with 1000 (articles-threads-1000), about 1.1 ms above the engine's 2.23
// and 2.28 in both, so it grows with the requests held, not the threads;
// gthread rows holding 5-16 requests a worker show no such rise. On this
// machine, loaded (load average 2.3), futures.wait(timeout=0) over 1000
// pending futures took 0.33 ms of CPU with one of them done and 0.77 ms
// with none (Python 3.11, time.thread_time); the rest is the deque's
// remove, the condition locks shared with up to 1000 threads, and turns
// of the loop that found no finished future.
const gthreadPerFuture = 1100 * time.Nanosecond

// gthreadAcceptStay is the chance that the worker that accepted less than
// acceptAwake ago wins the next connection of a burst. Fitted by
// likelihood (400 seeds a value) to the twelve quiet runs of gthread -w 2
// --threads 5 with kept-alive clients, largest worker's share of the
// connections: 10 clients 5, 5, 6, 7, 5, 7; 11 clients 11, 11, 6, 11, 11,
// 10. 0.75 fits best (log-likelihood -21.6; 0.5 gives -25.8, 0.9 -23.9,
// a fair draw -39.6). No single value fits both: alone, the 10-client runs
// want a weak pull (0.3 or less) and the 11-client runs a strong one (0.85
// or more), and no difference between the two bursts in the server's
// accept path explains it (the harness warms both up the same way, with 10
// clients); with 4 workers of 8 threads and 64 clients, 0.75 gives the
// X
const gthreadAcceptStay = 0.75

// gunicornThreads is gunicorn's --threads default (gunicorn/config.py,
// class Threads).
const gunicornThreads = 1
