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
	doc: "Each worker process has a pool of threads. Its main thread accepts one " +
		"connection per turn of its loop whenever it holds fewer than worker_connections, " +
		"whether or not a thread is free, and queues each one in its own executor, so " +
		"requests wait inside the worker that won them and the workers' queues are " +
		"uneven. The main thread shares the GIL with the pool, and each turn looks over " +
		"every request the worker holds, so a busy worker admits new ones slowly. A kept " +
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
	// The main loop (run, gthread.py:193-221) is a thread of its own on
	// the GIL (engine/mainthread.go): it admits one new connection a turn,
	// and each turn calls futures.wait(self.futures, timeout=0, ...)
	// (:206) over every future it has submitted, which makes a set of them,
	// takes each one's condition lock and scans their states, then removes
	// the finished ones from the deque self.futures (:215, deque.remove).
	mainTurn: futuresWait,
	// handle_request: force_close when len(self._keep) >= max_keepalived,
	// which is worker_connections - threads (gthread.py:320).
	maxKept: func(c *Config) int { return c.WorkerConnections - c.threadsOr(gunicornThreads) },
	// No heartbeat rule: the main thread notifies the arbiter on every loop,
	// at least once a second, whatever its pool threads do, so a slow
	// request never kills the worker and the engine runs no arbiter for it.
	real: gunicornServer("gthread", func(c *Config) []string { return []string{"--threads", strconv.Itoa(c.threadsOr(gunicornThreads))} }),
	// 514µs a request kept alive, 583µs on a new connection.
	costs: costs{
		parse: 343*time.Microsecond - gthreadTurnFew, respond: 171 * time.Microsecond, connect: 69 * time.Microsecond,
		resume: 1600 * time.Microsecond, coldExtra: requestsCold, send: requestsSend, upConnect: requestsConnect, asyncView: 760 * time.Microsecond,
		keepalive: gunicornKeepalive, boot: gunicornBoot, exit: gunicornExit,
		clientLib: mb(8), procRSS: mb(34.2), procVSZ: mb(42.1), extraRSS: mb(15.8), masterRSS: gunicornArbiterRSS, masterVSZ: mb(34.3),
		connRSS: gthreadConnRSS, unshareRSS: gunicornUnshare, unshareAfter: gthreadUnshareAfter,
	},
}

// futuresWait is the CPU of a turn of gthread's main loop beyond its
// submits: futures.wait(timeout=0, return_when=FIRST_COMPLETED) over the n
// futures of its deque, and the rest of the turn (select's return, notify,
// the deque's remove, murder_keepalived). Measured on this machine (Python
// 3.11, time.thread_time, load average 1.0-1.8), futures.wait over 10, 100,
// 369 and 1000 pending futures took 49, 148, 629 and 1789µs of CPU; the
// engine joins the points with straight lines, below 10 on the line through
// the first two (38µs at none) and beyond 1000 on the last one's. With a
// future done (done) it costs futuresDoneShare of that:
// concurrent/futures/_base.py's wait makes the set and takes every
// future's condition in both cases, but returns there when one is done;
// with none it installs a waiter on each future, waits (timeout 0), and
// takes each condition again to remove it. Measured over 1000 pending
// futures, loaded (load average 2.3): 0.33 ms with one of them done, 0.77
// ms with none.
func futuresWait(n int, done bool) time.Duration {
	pts := futuresWaitAt
	i := 1
	for i < len(pts)-1 && n > pts[i].n {
		i++
	}
	a, b := pts[i-1], pts[i]
	d := a.d + (b.d-a.d)*time.Duration(n-a.n)/time.Duration(b.n-a.n)
	if done {
		return d * futuresDoneShare / 100
	}
	return d
}

// futuresDoneShare is the share, in percent, of futures.wait's CPU that it
// costs when a future is done: 0.33 / 0.77 ms (futuresWait).
const futuresDoneShare = 43

// futuresWaitAt are futuresWait's measured points.
var futuresWaitAt = [...]struct {
	n int
	d time.Duration
}{{10, 49 * time.Microsecond}, {100, 148 * time.Microsecond}, {369, 629 * time.Microsecond}, {1000, 1789 * time.Microsecond}}

// gthreadSubmit is the main thread's CPU to hand one event to an idle pool
// thread (accept and TConn, or unregister and _keep.remove; then
// tpool.submit and _wrap_future): measured 8µs for a submit to an idle
// ThreadPoolExecutor thread (Python 3.11, this machine, load average 1.0).
const gthreadSubmit = 8 * time.Microsecond

// gthreadTurnFew is a turn of the main loop with about 10 futures pending,
// one submit included: what the CPU that the calibration rows measured
// before the handler (343µs a request, on rows that hold 5-25 requests a
// worker) counted of the main thread's turn. The engine takes it out of
// parse, so that a request with a turn of its own costs what it did there.
const gthreadTurnFew = 49*time.Microsecond + gthreadSubmit

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
// 9/1 and 6/5, 7/4, 6/5). The quiet rerun of 2026-12-02 15:54 agrees: 10
// clients 9/1, 10/0, 9/1, 9/1, 7/3 and 11 clients 6/5, 7/4, 6/5, 9/2,
// 10/1 (6 of 10 lopsided; with them 17 of 34 runs, best at 0.50, within
// the fit's error). How many of the burst a late worker still gets is
// lateJoin's (burst.go).
const gthreadAcceptLate = 0.46

// gunicornThreads is gunicorn's --threads default (gunicorn/config.py,
// class Threads).
const gunicornThreads = 1
