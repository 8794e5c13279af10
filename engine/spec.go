package engine

import "time"

// spec is everything that makes one server model: the shared machinery of
// the engine (the event queue, cores and the GIL, pools, traffic, metrics,
// the request's program) asks a model's spec and never names a model. Each
// model's spec lives in its own file (sync.go, gthread.go, ...) with the
// source lines of the real server that it follows; TestSpecsComplete checks
// that every registered spec is whole.
type spec struct {
	name   string // in scenario text: "gthread"
	title  string // one line for menus: "gunicorn -k gthread: a pool of threads per worker process"
	doc    string // one paragraph for menus and docs
	source string // the real server's file this model follows, under dist-packages/ (Node's: in its lib/)
	host   *host  // the server program it runs in (werkzeug, gunicorn, uvicorn)
	unit   unit   // what a request holds while it runs
	keys   keySet // scenario keys that only this model (among the host's) uses

	// threads returns the size of a worker's pool of threads that run the
	// app: 0 for no limit.
	threads func(c *Config) int
	// defaultThreads is the pool's size when the scenario sets no threads:
	// the real server's own default (gunicorn's and uWSGI's --threads 1,
	// anyio's 40 tokens). Only a model that owns keyThreads has one.
	defaultThreads int
	// mainThread says that the pool's first thread is the process's main
	// thread, so it costs no memory of its own.
	mainThread bool
	// wakeNewest says that a thread freed while requests wait for one goes
	// to the one that has waited least (a LIFO wait queue), not the longest.
	wakeNewest bool
	// pool is the default limit of upstream connections per worker (the
	// app's HTTP client's); 0 for none.
	pool int

	// accept is the worker's accept rule: whether worker p would take a new
	// connection now. p is alive.
	accept func(s *Sim, p *proc) bool
	// acceptStay is the chance that, in a burst, the worker that accepted a
	// connection less than acceptAwake ago wins the next one too (it is
	// still in its accept loop while the others wake): from the model's
	// accept path (pickWorker). 0: every ready worker is as likely.
	acceptStay float64
	// acceptLate, if not 0, replaces acceptStay with the burst race of
	// acceptBurst (burst.go): the chance that a worker woken by a burst's
	// first connection is queued behind a running task and joins the race
	// only acceptLateAfter connections later.
	acceptLate float64
	// maxAccept, if set, is how many connections a worker's gevent hub
	// accepts in one turn, for a server started with this many workers
	// (hubaccept.go); nil: the worker accepts whenever its accept rule
	// lets it.
	maxAccept func(workers int) int
	// slots says that a worker counts its open connections (p.conns)
	// against worker_connections.
	slots bool
	// tasks says when a worker makes a greenlet or coroutine, whose memory
	// counts (costs.taskRSS).
	tasks tasks
	// maxKept returns how many idle kept-alive connections a worker parks
	// before it closes new ones instead; nil for no limit.
	maxKept func(c *Config) int
	// termServesKept says that a worker told to stop (gunicorn's SIGTERM)
	// still serves a request that comes on a connection it keeps alive
	// (gevent's greenlet reads it), where other workers stop polling those
	// connections and they close.
	termServesKept bool
	// nextBuffered is the chance that, as a task per connection finishes a
	// response, its client's next request (sent at once, think=0) is
	// already in the socket: the task reads it and goes on without yielding
	// the loop (holdLoop). 0 for a model whose loop takes every request in
	// a turn of its own.
	nextBuffered float64
	// libevHub says that the worker's loop is gevent's hub on libev, which
	// runs its ready greenlets in libev's order (libev.go), not first in,
	// first out.
	libevHub bool
	// setHub says that the worker's loop is eventlet's hub, which runs the
	// green threads one poll reported in the order of a Python set
	// (eventlethub.go), not first in, first out.
	setHub bool
	// connectInTurn says that the app's HTTP client sends the first call
	// on a new upstream connection in a turn of the loop of its own, once
	// the connection is made (pool.go); other clients send it at once.
	connectInTurn bool
	// trips is, indexed by Client, what a call makes on this green hub
	// before it is sent: trips round the hub's loop (hubtrips.go). nil for
	// none.
	trips []trip
	// callSoonTurn says that the loop runs a task woken by a callback (a
	// timer's, the protocol's that parsed its request) in the iteration
	// after that callback: asyncio's call_soon (asyncioturns.go).
	callSoonTurn bool
	// freeThreadFirst says that the pool thread goes back to the pool as
	// the handler returns, before the response is written (the loop writes
	// it).
	freeThreadFirst bool
	// freeOnLoop says, with freeThreadFirst, that the task awaiting the
	// thread frees it on the loop: as it takes the loop to write the
	// response, before that CPU (anyio's limiter: run_sync_in_worker_thread
	// returns `await future` inside `async with limiter`). Without it the
	// thread frees itself as its handler returns.
	freeOnLoop bool
	// mainTurn is the CPU of one turn of the worker's main thread, which
	// admits new connections and requests on kept ones to its pool one turn
	// at a time (engine/mainthread.go), beyond its submits, with that many
	// futures in its deque, some of them done or none (gthread's
	// futures.wait); it runs on the GIL. nil: the model has no such
	// thread, and a request goes straight to its pool.
	mainTurn func(futures int, done bool) time.Duration
	// heartbeat is the worker timeout's rule: since when worker p has not
	// notified its master, or -1 if it is notifying. nil: nothing ever
	// kills a worker for a slow request.
	heartbeat func(s *Sim, p *proc) time.Duration
	// cycleGap: a request that comes on a kept-alive connection sooner than
	// this after the previous response there fails with HTTP 500
	// (wsgitoasgi.go); 0 for never.
	cycleGap time.Duration
	// appInMaster says that the master imports the app, and with it the
	// HTTP client, before it forks the workers (uWSGI without --lazy-apps),
	// so a further worker shares the client's pages: only the first worker
	// counts clientLib.
	appInMaster bool
	// real is how the calibration harness starts the real server.
	real func(c *Config) RealServer
	// asyncViews, if set, is the model with view=async: the same server
	// whose endpoints are async def (FastAPI), where view=async changes the
	// unit and the costs rather than adding Flask's asyncio loop. It is
	// named like the model and lives in the model's file.
	asyncViews *spec
	// forking, if set, is the model with workers > 1: the same server
	// forking a process per request, at most workers at once (Flask's
	// app.run(processes=N)). It is named like the model and lives in the
	// model's file.
	forking *spec

	costs costs
}

// unit is a model's unit of concurrency: where a request's server work
// (parsing, writing the response) and its handler run.
type unit struct {
	name        string // what a request holds: "process", "thread", "greenlet", "task"
	serverLoop  bool   // parse and respond run on the worker's event loop (or hub), not on a thread of the request's own
	handlerLoop bool   // the handler runs on the loop too, and yields it at each call
}

// The units of concurrency.
var (
	// unitProcess: one request at a time holds the worker's only thread.
	unitProcess = unit{name: "process"}
	// unitThread: each request holds an OS thread of a pool for its whole life.
	unitThread = unit{name: "thread"}
	// unitGreenlet and unitTask: one thread runs every request in turns.
	unitGreenlet = unit{name: "greenlet", serverLoop: true, handlerLoop: true}
	unitTask     = unit{name: "task", serverLoop: true, handlerLoop: true}
	// unitBridge: an event loop in front of a pool of threads that run a
	// WSGI app; the request holds a thread while the app runs.
	unitBridge = unit{name: "thread behind a loop", serverLoop: true}
)

// tasks says when a worker makes a greenlet or coroutine.
type tasks uint8

const (
	tasksNone       tasks = iota // requests run on threads
	tasksPerConn                 // one per connection, alive while the connection is (gevent's greenlet)
	tasksPerRequest              // one per request (uvicorn's RequestResponseCycle)
	// tasksForked: a child process forked per connection
	// (socketserver.ForkingMixIn). A worker slot is a place for a child, with
	// no memory at rest; a request adds a child's private memory (extraRSS)
	// and the address space it maps (procVSZ plus clientLib) while it runs.
	tasksForked
)

// keySet is a set of the scenario keys that only some models use.
type keySet uint8

// The keys a model or its host may own.
const (
	keyWorkers     keySet = 1 << iota // workers: several worker processes
	keyBacklog                        // backlog: a listen queue of the scenario's length
	keyTimeout                        // timeout: a worker timeout
	keyThreads                        // threads: the size of the pool of threads
	keyWorkerConns                    // worker-connections: a limit on connections per worker
	keyPyApp                          // http-client and wait: the app is Python, with its HTTP client
	keyLimitConc                      // limit-concurrency: uvicorn's 503 above a number of connections or tasks
	keyMaxRequests                    // max-requests and its jitter: gunicorn recycles a worker
)

// owns reports whether lanes of this model use key k.
func (sp *spec) owns(k keySet) bool { return (sp.keys|sp.host.keys)&k != 0 }

// host is the server program that runs a model's workers: what the models
// it runs share, as gunicorn's worker classes share workers/base.py.
type host struct {
	name       string
	oneProcess bool // the server is one process, whatever workers says
	backlog    int  // a fixed listen queue length; 0: the scenario's backlog
	// listenQueue is the listen queue when the scenario sets no backlog:
	// the server's own default.
	listenQueue int
	keys        keySet
	// master reports whether a supervising process runs beside the workers.
	master func(c *Config) bool
	// fixedWorkers says why the number of workers cannot change while the
	// server runs, or is "" when it can (gunicorn's TTIN and TTOU).
	fixedWorkers string
	// roundRobin says that a primary process accepts every connection and
	// hands each to the ready worker that has waited longest since its last
	// one (Node's cluster), instead of the workers racing for accept().
	roundRobin bool
	// deferAccept says that the server sets TCP_DEFER_ACCEPT on its listen
	// socket, so a connection enters the accept queue only with its
	// request's bytes, and half-open connections follow halfopen.go.
	deferAccept bool
}

// RealServer is how to start the real server that a model follows, as the
// calibration harness runs it.
type RealServer struct {
	Program string   // "werkzeug" (a script that runs Flask's server), "gunicorn", "uvicorn" or "node"
	Args    []string // the model's own arguments (worker class, threads, interface)
	App     string   // what the server loads: module:attribute, or werkzeug's script
	Env     []string // NAME=value pairs the app reads at startup (anyio's thread limit for FastAPI)
}

// RealServer returns how to start the real server that lane c follows.
func (c Config) RealServer() RealServer { return c.spec().real(&c) }

// one is a pool of one thread.
func one(*Config) int { return 1 }
