package engine

import "time"

// gevent is gunicorn -k gevent (gunicorn/workers/ggevent.py): a gevent
// StreamServer that spawns a greenlet per connection, all on the worker's
// one hub thread.
var gevent = spec{
	name:   "gevent",
	title:  "gunicorn -k gevent: a greenlet per connection on one hub",
	source: "gunicorn/workers/ggevent.py",
	doc: "Each worker process runs a greenlet per connection, up to worker_connections, " +
		"all taking turns on one hub thread. A patched call yields the hub to the other " +
		"greenlets; a call gevent cannot patch (blocking=true) holds it, and nothing " +
		"else in the worker runs or accepts until it returns. A greenlet that holds the " +
		"hub longer than the timeout gets the worker killed.",
	host:    &gunicorn,
	unit:    unitGreenlet,
	keys:    keyWorkerConns,
	threads: one, // the hub's thread; the pool serves no request
	// The StreamServer spawns into Pool(worker_connections) (ggevent.py:65)
	// and stops accepting while the pool is full; a blocked hub accepts
	// nothing.
	accept: func(s *Sim, p *proc) bool { return p.conns < s.cfg.WorkerConnections && !p.blocked },
	slots:  true,
	// The greenlet lives as long as its connection: it waits up to the
	// keep-alive for the next request (ggevent.py:54) and keeps its pool slot.
	tasks: tasksPerConn,
	// A greenlet notifies the arbiter every second (ggevent.py:86-87), so the
	// worker's last notice is when the greenlet now on the hub took it.
	heartbeat: func(s *Sim, p *proc) time.Duration {
		if s.threads[p.loop].req >= 0 {
			return p.holdSince
		}
		return -1
	},
	real: gunicornServer("gevent", nil),
	// 321µs a request kept alive, 575µs on a new connection; requests under
	// gevent cost 1130µs a call.
	costs: costs{
		parse: 214 * time.Microsecond, respond: 107 * time.Microsecond, connect: 254 * time.Microsecond,
		resume:    1130 * time.Microsecond,
		keepalive: gunicornKeepalive, boot: gunicornBoot,
		clientLib: mb(12), procRSS: mb(38.7), procVSZ: mb(49.5), extraRSS: mb(22.9), masterRSS: mb(14.6), masterVSZ: mb(41.0),
		taskRSS: kb(18.1), taskVSZ: kb(30.2),
	},
}
