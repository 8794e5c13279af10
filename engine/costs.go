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
// coldExtra is the part of resume that comes with the wait: a call that
// answers at once (io=0s) costs resume - coldExtra, the back-to-back
// figure. The real sync worker spent 1.25 ms a request there, its 447µs
// plus about 750µs for a hot requests.Session call (calibration row
// cpu-hot); other models have no hot row and keep 0.
// Memory: docs/memory.md measured each server at rest and under load, with
// bare apps; clientLib adds what importing the HTTP client costs each worker
// (docs/calibration.md, section 3: requests about 8 MiB, aiohttp about 15).
// Resident memory is what the machine pays: the first worker's RSS, plus
// each further process's private memory (gunicorn's workers share about
// 19 MiB with the arbiter after fork; the sum of their Pss grows by 15.8 MiB
// a worker). A thread costs 33 KiB resident but 8 MiB of stack address
// space, and the first 8 x cores - 1 threads of a process each get a 64 MiB
// glibc malloc arena as well (threadMemory). A parked greenlet with its
// request costs 18.1 KiB, a parked coroutine 9.8 KiB. What a worker holds
// open (connections, calls waiting for the client's pool, the pages it
// stops sharing with gunicorn's arbiter) is in memory.go.
// boot and exit: see gunicornBoot and gunicornExit.
type costs struct {
	parse     time.Duration // CPU from accepted to the handler's first line: HTTP parsing, environ/scope, framework dispatch
	respond   time.Duration // CPU from the handler's return to the last byte written, and closing or parking the connection
	connect   time.Duration // extra CPU when the request came on a new connection (accept, protocol set-up)
	resume    time.Duration // CPU to come back from one upstream call (the HTTP client's work, a greenlet or task switch)
	coldExtra time.Duration // of resume, what a call that waited costs more than one that answered at once (the process still hot on its core)
	send      time.Duration // of resume, what the HTTP client runs before its call goes out (sendsplit.go); 0: all of it after
	upConnect time.Duration // extra CPU before a call for which the client opens a new upstream connection (sendsplit.go); 0 for none
	wake      time.Duration // of parse and resume, the CPU of one iteration of the event loop (epoll_wait and its bookkeeping), shared by the tasks ready in the same iteration (loopTurn); 0 for none
	trips     uint8         // times a call on a green hub goes round the hub's loop before it is sent (hubtrips.go); 0 for none
	tripCPU   time.Duration // of resume, the CPU each trip's turn runs, after the hub gives the greenlet back
	asyncView time.Duration // extra CPU of a Flask async def view: asgiref's async_to_sync makes an event loop and a thread per request
	keepalive time.Duration // how long the server keeps an idle kept-alive connection; 0 if it closes after each response
	// (gunicorn's sync worker calls resp.force_close(); werkzeug 2.2 sends
	// "Connection: close" on every response, threaded or not)
	boot time.Duration // from a new worker's fork to its accepting
	exit time.Duration // from a worker's leaving its loop (done, or killed) to its parent's reaping it

	procRSS, procVSZ     int64 // one worker process at rest, bytes (a bare app)
	clientLib            int64 // the HTTP client library the app imports (requests or aiohttp), in every worker
	extraRSS             int64 // each further worker: its private memory (the rest it shares with the others)
	masterRSS, masterVSZ int64 // the supervising process (gunicorn's arbiter, uvicorn's multiprocess manager), if any: private memory
	taskRSS, taskVSZ     int64 // one more request in flight on a greenlet or coroutine
	connRSS              int64 // one more open connection in a worker, beyond its task (memory.go)
	unshareRSS           int64 // what a worker stops sharing with its master once it has served unshareAfter requests (memory.go)
	unshareAfter         int   // 0 for never
}

// requestsCold is what a requests.Session call that waited on its
// upstream costs more than one made back to back: the WSGI models' resume
// (1600µs) less the back-to-back figure, about 750µs (docs/cpu.md, "CPU
// of one upstream call").
const requestsCold = 850 * time.Microsecond

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
// That includes the pages the worker stops sharing with the arbiter
// (gunicornUnshare), which async views reach within their first requests.
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
	// gilSwitchCPU is the CPU a forced GIL switch costs: the woken thread's
	// trip through the condition variable and the mutex, and the caches it
	// refills. It is CPU, not idle time: on a quiet machine (20 ms handler,
	// gthread -w 1, docs/calibration.md rows cpu-threads-1, cpu-threads,
	// cpu-threads-8) the worker's CPU per request rose from 21.20-21.45 ms
	// with 1 thread to 21.75-21.90 with 4 and 21.70-22.05 with 8, while the
	// process kept one core busy (rps x CPU = 1.00 core in every run), so
	// throughput fell by as much: 4 threads served 0.972 and 8 threads 0.970
	// of one thread's 47.1 rps. The loss does not grow from 4 threads to 8,
	// so the cost is per switch, not per waiter. A request of 20.5 ms sees
	// about 4 forced switches; 100µs a switch gives 0.976 and 0.962 (160µs,
	// the whole rise in CPU over 4 switches, gives 0.965 and 0.952: part of
	// that rise is the partial work of the requests in flight at the end).
	// Earlier runs on a loaded machine, and an outside set (8 threads at
	// 0.61-0.88 of 1), lost more: other jobs on the cores make each wake-up
	// slower, which the engine does not model.
	gilSwitchCPU = 100 * time.Microsecond
	// gilOldest is the chance that a free GIL goes to the thread that has
	// waited longest (glibc's condition variable wakes the oldest waiter;
	// the timed waits of take_gil reshuffle the rest). Fitted to the quiet
	// runs' tails, 3 each: 8 threads of 20 ms CPU (p50 166-172, p90 233-250,
	// p99 275-299 ms) and 4 (p90 117-119, p99 139-154 ms). 0.15 gives,
	// over seeds 1-10 with the harness's rtt, client-cpu and io-late, 8
	// threads p50 162-167, p90 213-234, p99 266-307 ms and 4 threads p90
	// 104-110, p99 125-152 ms (as fitted, before those keys and EEVDF: p99
	// 250-290 and 126-162 ms). A uniform draw (0) gave 8
	// threads p99 297-353 ms; 0.35 gives 4 threads p99 116-127 ms; first
	// in, first out (1) gives p99 = p50.
	gilOldest = 0.15
	// acceptAwake is the kernel's accept in a burst (pickWorker): a worker
	// that took a connection less than acceptAwake ago is still running its
	// accept loop and may win the next one (with its model's acceptStay).
	// acceptAwake is about one turn of gthread's accept loop: accept, set up
	// the connection and hand it to the executor (the gthread model's
	// connect and parse CPU).
	acceptAwake = 500 * time.Microsecond
	// acceptStayLoop is the acceptStay of the models whose accept path was
	// not measured in a burst, that loop back to their poller after an
	// accept as gthread does: the first fit on gthread -w 2 --threads 5,
	// which gthread itself no longer uses (acceptBurst)
	// (quiet splits 11/0, 11/0, 10/1 of 11 clients and 7/3, 5/5, 7/3 of
	// 10, likelihood best at 0.75-0.8).
	acceptStayLoop = 0.75
	// arbiterTick is how often gunicorn's arbiter wakes to check worker
	// timeouts: Arbiter.sleep waits on select with a 1.0s timeout.
	arbiterTick = time.Second
	// somaxconn caps every listen backlog (net.core.somaxconn on Linux 5.4+).
	somaxconn = 4096
	// The client's kernel resends a SYN that the full accept queue dropped
	// (Linux 6.12, net/ipv4/tcp_timer.c): in SYN_SENT the RTO stays at its
	// first 1s while tp->total_rto <= tcp_syn_linear_timeouts (default 4,
	// since 6.7) and doubles after that (tcp_retransmit_timer), and
	// tcp_write_timeout gives up after tcp_syn_retries + tcp_syn_linear_timeouts
	// resends (6 + 4). So the resends go out 1, 2, 3, 4 and 5s after the
	// first SYN, then at 7, 11, 19, 35 and 67s, and the client gives up 64s
	// after the last, 131s in (this machine's sysctl net.ipv4: 6 and 4);
	// each wait ends on the timer wheel's next tick (synResendAt), which
	// makes those 1.024, 2.048, ... 69.632s and 135.168s.
	synRetries       = 6
	synLinearRetries = 4
	synRTO           = time.Second
	// jiffy is one tick of this machine's kernel (CONFIG_HZ=250), the unit
	// of its timer wheel (synResendAt).
	jiffy = 4 * time.Millisecond
)
