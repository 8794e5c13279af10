package engine

import (
	"strconv"
	"time"
)

// node is a Node.js 20 node:http server calling the upstream with the
// built-in fetch (undici): one event loop per process, every request a
// callback chain on it. With workers > 1 a node:cluster primary forks the
// workers and, with the default schedulingPolicy SCHED_RR on Linux
// (internal/cluster/primary.js), accepts every connection itself and hands
// it to a worker (internal/cluster/round_robin_handle.js): distribute()
// appends the connection and takes the first worker of its `free` map,
// which a worker rejoins, at the end, once it has acknowledged its last
// connection (handoff, :115-134). So connections go round-robin to the
// workers whose loop is running; a loop held by blocking code acknowledges
// nothing and gets none.
var node = spec{
	name:   "node",
	title:  "Node.js http: one event loop per process, cluster workers get connections round-robin",
	source: "internal/cluster/round_robin_handle.js",
	doc: "Each process runs one event loop, and every request is a chain of callbacks " +
		"on it that yields at each await, as on asyncio. With workers=N the cluster's " +
		"primary process accepts every connection and hands them to the workers in " +
		"turn, so the split is even, not a race for accept(). fetch opens as many " +
		"upstream connections as there are calls. Idle kept-alive connections close " +
		"after 5s.",
	host:    &nodeHost,
	unit:    unitTask,
	threads: one, // the loop's thread (libuv's pool serves no request here)
	// undici's Pool: connections null, so a new client whenever none is
	// free (internal/deps/undici/undici.js:8263, :8283).
	pool:   0,
	accept: func(_ *Sim, p *proc) bool { return !p.blocked },
	tasks:  tasksPerRequest,
	real: func(c *Config) RealServer {
		return RealServer{Program: "node", Args: []string{strconv.Itoa(c.Workers)}, App: "node_app.js"}
	},
	// 200µs a request kept alive (0.18-0.22 ms in 3 runs), 370µs on a new
	// connection (0.35-0.41 ms), measured with the calibration harness
	// (docs/models.md). A fetch call costs 700µs back to back (0.83-0.94 ms
	// a request with one call at io=0) and 890µs after a real 100 ms wait
	// (1.05-1.14 ms a request, the node calibration row), which the engine
	// charges. Memory, fitted to the node and node-cluster rows: a worker
	// is 52.6 MiB resident after serving without calls (712 MiB virtual at
	// rest) and 110-112 MiB under the node row's load, once fetch has
	// loaded undici and the heap has grown. Node's processes share most
	// pages: an idle primary or worker has 7.7 MiB private, and a second
	// worker under load adds 49.9 MiB in all (162-175 MiB for node-cluster).
	// So the engine takes 42.2 MiB of private memory per worker for fetch
	// and its heap (clientLib), 7.7 for a further worker and the primary,
	// and 68.9 for the first worker (with the shared pages fetch's code
	// brings in). A boot is taken as gunicorn's (not measured; workers do
	// not change live).
	costs: costs{
		parse: 133 * time.Microsecond, respond: 67 * time.Microsecond, connect: 170 * time.Microsecond,
		resume:    890 * time.Microsecond,
		keepalive: nodeKeepalive, boot: gunicornBoot,
		clientLib: mb(42.2), procRSS: mb(68.9), procVSZ: mb(712), extraRSS: mb(7.7), masterRSS: mb(7.7), masterVSZ: mb(712),
		taskRSS: kb(9.8), taskVSZ: kb(9.9),
	},

	// Not measured in a burst for this model: the gthread fit of an accept
	// loop (acceptStayLoop).
	acceptStay: acceptStayLoop,
}

// nodeHost is Node's process model: one process, or a node:cluster primary
// with workers. Its listen queue is listen(backlog || 511) (lib/net.js).
var nodeHost = host{
	name:       "node",
	backlog:    511,
	keys:       keyWorkers,
	master:     func(c *Config) bool { return c.Workers > 1 },
	roundRobin: true,
	fixedWorkers: "a Node.js cluster forks its workers in the app's own code (cluster.fork); " +
		"nothing outside the app adds or retires one: restart it with the new number",
}

// nodeKeepalive is http.Server's keepAliveTimeout default (lib/_http_server.js:468).
const nodeKeepalive = 5 * time.Second
