package engine

import "time"

// costs are the constants of one server model: the CPU the server itself
// spends on a request, its keep-alive behaviour, how long a replacement
// worker takes to boot, and the memory of its processes, threads and tasks.
// docs/models.md says where each figure comes from (docs/cpu.md and
// docs/memory.md hold the measurements).
type costs struct {
	parse     time.Duration // CPU from accepted to the handler's first line: HTTP parsing, environ/scope, framework dispatch
	respond   time.Duration // CPU from the handler's return to the last byte written, and closing or parking the connection
	resume    time.Duration // CPU to come back from one upstream call (the HTTP client's work, a greenlet or task switch)
	asyncView time.Duration // extra CPU of a Flask async def view: asgiref's async_to_sync makes an event loop and a thread per request
	keepalive time.Duration // how long the server keeps an idle kept-alive connection; 0 if it closes after each response
	boot      time.Duration // from a worker's death to its replacement accepting

	procRSS, procVSZ     int64 // one worker process at rest, bytes
	masterRSS, masterVSZ int64 // the supervising process (gunicorn's arbiter, uvicorn's multiprocess manager), if any
	threadRSS, threadVSZ int64 // one more OS thread
	taskRSS, taskVSZ     int64 // one more request in flight on a greenlet or coroutine
}

const (
	kib = 1 << 10
	mib = 1 << 20
)

// costTable holds each model's constants.
var costTable = [numModels]costs{
	ModelDev: {
		parse: 600 * time.Microsecond, respond: 300 * time.Microsecond, resume: 30 * time.Microsecond,
		asyncView: 400 * time.Microsecond,
		procRSS:   30 * mib, procVSZ: 40 * mib,
		threadRSS: 64 * kib, threadVSZ: 8 * mib,
	},
	ModelDevThreaded: {
		parse: 650 * time.Microsecond, respond: 300 * time.Microsecond, resume: 30 * time.Microsecond,
		asyncView: 400 * time.Microsecond,
		procRSS:   30 * mib, procVSZ: 40 * mib,
		threadRSS: 64 * kib, threadVSZ: 8 * mib,
	},
	ModelSync: {
		parse: 300 * time.Microsecond, respond: 150 * time.Microsecond, resume: 30 * time.Microsecond,
		asyncView: 400 * time.Microsecond, keepalive: 0, boot: 300 * time.Millisecond,
		procRSS: 30 * mib, procVSZ: 40 * mib, masterRSS: 25 * mib, masterVSZ: 35 * mib,
		threadRSS: 64 * kib, threadVSZ: 8 * mib,
	},
	ModelGthread: {
		parse: 350 * time.Microsecond, respond: 200 * time.Microsecond, resume: 30 * time.Microsecond,
		asyncView: 400 * time.Microsecond, keepalive: 2 * time.Second, boot: 300 * time.Millisecond,
		procRSS: 30 * mib, procVSZ: 40 * mib, masterRSS: 25 * mib, masterVSZ: 35 * mib,
		threadRSS: 64 * kib, threadVSZ: 8 * mib,
	},
	ModelGevent: {
		parse: 350 * time.Microsecond, respond: 200 * time.Microsecond, resume: 20 * time.Microsecond,
		keepalive: 2 * time.Second, boot: 400 * time.Millisecond,
		procRSS: 35 * mib, procVSZ: 50 * mib, masterRSS: 25 * mib, masterVSZ: 35 * mib,
		taskRSS: 20 * kib, taskVSZ: 20 * kib,
	},
	ModelAsyncio: {
		parse: 80 * time.Microsecond, respond: 40 * time.Microsecond, resume: 15 * time.Microsecond,
		keepalive: 5 * time.Second, boot: 300 * time.Millisecond,
		procRSS: 25 * mib, procVSZ: 40 * mib, masterRSS: 20 * mib, masterVSZ: 30 * mib,
		taskRSS: 10 * kib, taskVSZ: 10 * kib,
	},
	ModelWsgiToAsgi: {
		parse: 300 * time.Microsecond, respond: 200 * time.Microsecond, resume: 30 * time.Microsecond,
		keepalive: 5 * time.Second, boot: 400 * time.Millisecond,
		procRSS: 35 * mib, procVSZ: 50 * mib, masterRSS: 20 * mib, masterVSZ: 30 * mib,
		threadRSS: 64 * kib, threadVSZ: 8 * mib, taskRSS: 10 * kib, taskVSZ: 10 * kib,
	},
	ModelUvicornWsgi: {
		parse: 250 * time.Microsecond, respond: 200 * time.Microsecond, resume: 30 * time.Microsecond,
		keepalive: 5 * time.Second, boot: 400 * time.Millisecond,
		procRSS: 35 * mib, procVSZ: 50 * mib, masterRSS: 20 * mib, masterVSZ: 30 * mib,
		threadRSS: 64 * kib, threadVSZ: 8 * mib, taskRSS: 10 * kib, taskVSZ: 10 * kib,
	},
}

// Scheduling constants of CPython and Linux.
const (
	// switchInterval is CPython's sys.getswitchinterval(): a thread that
	// holds the GIL while another waits for it is asked to drop it after 5ms.
	// The engine also uses it as the time slice when processes outnumber cores.
	switchInterval = 5 * time.Millisecond
	// arbiterTick is how often gunicorn's arbiter wakes to check worker
	// timeouts: Arbiter.sleep waits on select with a 1.0s timeout.
	arbiterTick = time.Second
	// somaxconn caps every listen backlog (net.core.somaxconn on Linux 5.4+).
	somaxconn = 4096
	// devBacklog is werkzeug's LISTEN_QUEUE, the dev server's fixed backlog.
	devBacklog = 128
	// uvicornWsgiThreads is the thread pool of uvicorn's WSGIMiddleware
	// (workers=10 in uvicorn/middleware/wsgi.py).
	uvicornWsgiThreads = 10
	// synRetries is Linux's tcp_syn_retries: a connection attempt whose SYN
	// is dropped (the accept queue is full) is retried after 1s, then 2s,
	// 4s, ... and fails after the sixth retry, about 127s after the first.
	synRetries = 6
	synRTO     = time.Second
)
