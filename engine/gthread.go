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
	// enqueue_req: gthread.py:117-128, :193-221), so in a burst the
	// workers on a core take the connections, and one that the kernel
	// queued behind a running task gets none for a while (burst.go).
	acceptLate: gthreadAcceptLate,
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
		keepalive: gunicornKeepalive, boot: gunicornBoot, exit: gunicornExit,
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

// gthreadAcceptLate is the chance that the gthread workers woken by a
// burst of connections, all but the first, are queued behind a running
// task and join the race late (acceptBurst). Fitted by likelihood to the
// quiet runs' splits of a burst of kept-alive clients, read off the
// requests each worker served: on gthread -w 2 --threads 5, 8 of 18 runs
// left one worker with all or all but one of the connections (10 clients:
// 9/1, 10/0, 9/1; 11 clients: 11/0 four times, 10/1), and 10 split between
// 5/5 and 7/3; on -w 4 --threads 8 with 64 clients, 3 of 6 split evenly
// (about 16 each, p50 173-208 ms) and 3 left one worker with most of them
// and one or three with 5-7 (p50 104-157 ms, p99 524-627 ms). The
// likelihood q^11 (1-q)^13 is best at 11/24. The late workers are late
// together (they wait on the same core): drawn one by one, a 4-worker
// burst would mostly leave one worker late and spread the rest evenly (p50
// about 250 ms), which no run showed. The 10 and 11 client rows do not
// differ: the first quiet run split 10 clients 5/5, 5/5, 6/4 and 11
// clients 11/0, 11/0, 6/5, and the second the other way round (9/1, 10/0,
// 9/1 and 6/5, 7/4, 6/5).
const gthreadAcceptLate = 0.46

// gunicornThreads is gunicorn's --threads default (gunicorn/config.py,
// class Threads).
const gunicornThreads = 1
