package engine

import "time"

// syncWorker is gunicorn -k sync (gunicorn/workers/sync.py): each worker
// process serves one request at a time on its main thread.
var syncWorker = spec{
	name:   "sync",
	title:  "gunicorn -k sync: one request at a time per worker process",
	source: "gunicorn/workers/sync.py",
	doc: "Each worker process serves one request at a time and polls the listener " +
		"only between requests, so a connection waits in the shared listen queue " +
		"until a worker is free. The worker closes the connection after every " +
		"response. A request that runs longer than the timeout gets its worker " +
		"killed by the arbiter, and a replacement boots.",
	host:       &gunicorn,
	unit:       unitProcess,
	threads:    one,
	mainThread: true,
	// run_for_one (sync.py:59) selects on the listener only when it is not
	// handling a request.
	accept: idleThread,
	// acceptStay 0: the worker that accepted is busy with that request
	// until it has answered (sync.py:59-85), so it never wins the next
	// connection of a burst; the idle ones are as likely as each other.
	// The worker notifies the arbiter only between requests, in its accept
	// loop, so a busy worker's last notice is when it took its request. The arbiter kills a worker whose notice is
	// older than the timeout (arbiter.py:486-495).
	heartbeat: func(s *Sim, p *proc) time.Duration {
		if len(p.pool.idle) == 0 && p.pool.n == 1 {
			return p.busySince
		}
		return -1
	},
	real: gunicornServer("sync", nil),
	// 447µs a request; the sync worker always closes (sync.py:174,
	// resp.force_close()), so it has no keep-alive.
	costs: costs{
		parse: 298 * time.Microsecond, respond: 149 * time.Microsecond, resume: 1600 * time.Microsecond, coldExtra: requestsCold,
		asyncView: 760 * time.Microsecond, boot: gunicornBoot, exit: gunicornExit,
		clientLib: mb(8), procRSS: mb(34.0), procVSZ: mb(42.0), extraRSS: mb(15.8), masterRSS: gunicornArbiterRSS, masterVSZ: mb(34.3),
		unshareRSS: gunicornUnshare, unshareAfter: syncUnshareAfter,
	},
}
