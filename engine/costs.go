package engine

import "time"

// costs are the constants of one server model: the CPU the server itself
// spends on a request, its keep-alive behaviour, how long a replacement
// worker takes to boot, and the memory of its processes, threads and tasks.
// docs/models.md says where each figure comes from (docs/cpu.md and
// docs/memory.md hold the measurements). Each model's figures are in its own
// file (sync.go, gthread.go, ...).
//
// CPU: docs/cpu.md measured each server's worker process, one request at a
// time, on this project's machines (2-core AMD EPYC VM, Python 3.11, Debian's
// packages; uvicorn on asyncio and h11). parse + respond is the measured CPU
// per request with keep-alive on; connect is the extra CPU of a request that
// came on a new connection (keep-alive off minus on). The split between parse
// and respond is not measured: two thirds before the handler, one third after.
// resume is the CPU of one upstream call on the client's side. docs/cpu.md
// ("CPU of one upstream call") measured it back to back: a reused
// requests.Session 750µs, requests under gevent 870µs, a reused aiohttp
// session 260µs. After a real wait on the upstream the same call costs more
// (cold caches, another core): docs/calibration.md measured the extra on
// the real servers, on a quiet machine too (the median over its rows), and
// the figures here include it: 1600µs for the WSGI models, 1130µs for
// gevent, 540µs for asyncio. A Flask async view is charged the WSGI figure.
// Memory: docs/memory.md measured each server at rest and under load, with
// bare apps; clientLib adds what importing the HTTP client costs each worker
// (docs/calibration.md, section 3: requests about 8 MiB, aiohttp about 15).
// Resident memory is what the machine pays: the first worker's RSS, plus
// each further process's private memory (gunicorn's workers share about
// 19 MiB with the arbiter after fork; the sum of their Pss grows by 15.8 MiB
// a worker). A thread costs 33 KiB resident but 8 MiB of stack address
// space, and the first 8 x cores - 1 threads of a process each get a 64 MiB
// glibc malloc arena as well (threadMemory). A parked greenlet with its
// request costs 18.1 KiB, a parked coroutine 9.8 KiB.
// boot: see gunicornBoot.
type costs struct {
	parse     time.Duration // CPU from accepted to the handler's first line: HTTP parsing, environ/scope, framework dispatch
	respond   time.Duration // CPU from the handler's return to the last byte written, and closing or parking the connection
	connect   time.Duration // extra CPU when the request came on a new connection (accept, protocol set-up)
	resume    time.Duration // CPU to come back from one upstream call (the HTTP client's work, a greenlet or task switch)
	wake      time.Duration // of parse and resume, the CPU of one iteration of the event loop (epoll_wait and its bookkeeping), shared by the tasks ready in the same iteration (loopTurn); 0 for none
	asyncView time.Duration // extra CPU of a Flask async def view: asgiref's async_to_sync makes an event loop and a thread per request
	keepalive time.Duration // how long the server keeps an idle kept-alive connection; 0 if it closes after each response
	// (gunicorn's sync worker calls resp.force_close(); werkzeug 2.2 sends
	// "Connection: close" on every response, threaded or not)
	boot time.Duration // from a worker's death to its replacement accepting

	procRSS, procVSZ     int64 // one worker process at rest, bytes (a bare app)
	clientLib            int64 // the HTTP client library the app imports (requests or aiohttp), in every worker
	extraRSS             int64 // each further worker: its private memory (the rest it shares with the others)
	masterRSS, masterVSZ int64 // the supervising process (gunicorn's arbiter, uvicorn's multiprocess manager), if any: private memory
	taskRSS, taskVSZ     int64 // one more request in flight on a greenlet or coroutine
}

const (
	kib = 1 << 10
	mib = 1 << 20
)

// mb and kb turn measured MiB and KiB into bytes.
func mb(x float64) int64 { return int64(x*mib + 0.5) }
func kb(x float64) int64 { return int64(x*kib + 0.5) }

// asyncViewLib is what importing aiohttp adds to a worker whose Flask views
// are async def. A fresh interpreter grows by 13.5 MiB (docs/calibration.md,
// section 3), but on the real gthread worker the difference is smaller: one
// worker with sync views was 52.3 MiB (row cpu-threads), with async views
// 61.8 and 62.3 (rows async-view, async-view-parallel), about 10 MiB more.
var asyncViewLib = mb(10)

// Thread memory, the same in every model (docs/memory.md, section 2).
const (
	threadRSS   = 33 * kib
	threadStack = 8221 * kib // 8 MiB stack reservation, a guard page, a little heap
	arenaVSZ    = 64 * mib   // glibc's per-thread malloc arena, while arenas last
)

// threadMemory returns what the n-th extra thread of a process (n from 1)
// adds to its resident and virtual memory on a machine of the given cores:
// glibc gives threads their own 64 MiB arena until 8 x cores arenas exist,
// counting the main thread's.
func threadMemory(n, cores int) (rss, vsz int64) {
	vsz = threadStack
	if n < 8*cores {
		vsz += arenaVSZ
	}
	return threadRSS, vsz
}

// Scheduling constants of CPython and Linux.
const (
	// switchInterval is CPython's sys.getswitchinterval(): a thread that
	// holds the GIL while another waits for it is asked to drop it after 5ms.
	// The engine also uses it as the time slice when processes outnumber cores.
	switchInterval = 5 * time.Millisecond
	// gilWake is how long a forced GIL switch leaves the core idle for each
	// thread that waited for the GIL during the slice, up to gilWakeMax
	// waiters. CPython 3.11's take_gil waits on the GIL's condition with a
	// timeout of the switch interval (COND_TIMED_WAIT), so every waiting
	// thread wakes once an interval to ask for a drop; drop_gil then signals
	// one, which the OS must wake and schedule before it runs. It is time,
	// not CPU: on this machine the workers' CPU per request hardly moved with
	// threads (20 ms handler, gthread -w 1: 21.30-21.45 ms with 1 thread,
	// 21.55-21.70 with 4, 21.55-21.95 with 8; docs/calibration.md rows
	// cpu-threads-1, cpu-threads, cpu-threads-8). Throughput is not pinned
	// down: here, with other jobs on the cores, 8 threads served 27-43 rps
	// and 1 thread 15-44 in six runs each; an outside set of runs found 8
	// threads at 0.61-0.88 of 1 thread, and 4 threads lost nothing
	// measurable on a quiet machine. 60µs a waiter gives 8 threads 0.90 of
	// one and 4 threads 0.96; the engine does not extrapolate past the 7
	// waiters measured.
	gilWake    = 60 * time.Microsecond
	gilWakeMax = 7
	// acceptAwake and acceptStay are the kernel's accept in a burst
	// (pickWorker): a worker that took a connection less than acceptAwake
	// ago is still running its accept loop and wins the next one with
	// probability acceptStay. acceptStay is fitted by likelihood to the
	// quiet-machine splits of gthread -w 2 --threads 5 with 10 and 11
	// kept-alive clients (11/0, 11/0, 10/1; 7/3, 5/5, 7/3: best at 0.75-0.8)
	// and gives gthread -w 4 with 64 clients a smallest worker of about 6
	// connections (median), as its three quiet runs had. acceptAwake is
	// about one turn of the accept loop: accept, set up the connection and
	// hand it to the executor (the gthread model's connect and parse CPU).
	acceptAwake = 500 * time.Microsecond
	acceptStay  = 0.75
	// arbiterTick is how often gunicorn's arbiter wakes to check worker
	// timeouts: Arbiter.sleep waits on select with a 1.0s timeout.
	arbiterTick = time.Second
	// somaxconn caps every listen backlog (net.core.somaxconn on Linux 5.4+).
	somaxconn = 4096
	// synRetries is Linux's tcp_syn_retries: a connection attempt whose SYN
	// is dropped (the accept queue is full) is retried after 1s, then 2s,
	// 4s, ... up to six retries (the last at 63s); if that one is dropped
	// too, the client gives up 64s later, 127s after the first SYN.
	synRetries = 6
	synRTO     = time.Second
)
