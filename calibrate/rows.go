package calibrate

// Row is one calibration case. Scenario is engine scenario text without
// cores and seed (the harness adds cores=nproc seed=1); the real server, the
// app's route and the client all follow from it.
type Row struct {
	Name     string
	Scenario string
	Repeats  int    // real runs; CPU-bound rows and rows decided by a random draw repeat
	Why      string // what the model lacks, shown when the row misses
}

// Rows is the calibration, in the order it runs.
var Rows = []Row{
	{Name: "dev", Scenario: "model=dev clients=5 io=50ms requests=150 duration=15s"},
	{Name: "dev-threaded", Scenario: "model=dev-threaded clients=20 io=100ms requests=1000 duration=15s"},
	{Name: "dev-processes", Scenario: "model=dev workers=4 clients=8 io=100ms requests=400 duration=15s", Repeats: 3},
	{Name: "sync-4w", Scenario: "model=sync workers=4 clients=8 io=100ms requests=400 duration=15s"},
	{Name: "gthread-2x5-c10", Scenario: "model=gthread workers=2 threads=5 clients=10 io=100ms requests=600 duration=15s", Repeats: 3},
	{Name: "gthread-2x5-c10-noka", Scenario: "model=gthread workers=2 threads=5 clients=10 io=100ms keepalive=false requests=600 duration=15s"},
	{Name: "gthread-2x5-c11", Scenario: "model=gthread workers=2 threads=5 clients=11 io=100ms requests=600 duration=15s", Repeats: 3},
	{Name: "gthread-2x5-c11-noka", Scenario: "model=gthread workers=2 threads=5 clients=11 io=100ms keepalive=false requests=600 duration=15s"},
	{Name: "gthread-4x8-c64", Scenario: "model=gthread workers=4 threads=8 clients=64 io=100ms requests=3000 duration=15s", Repeats: 3},
	{Name: "gevent", Scenario: "model=gevent clients=50 io=100ms requests=2500 duration=15s"},
	{Name: "gevent-blocking", Scenario: "model=gevent clients=10 io=50ms blocking=true requests=150 duration=15s", Repeats: 3},
	{Name: "asyncio", Scenario: "model=asyncio clients=50 io=100ms requests=2500 duration=15s"},
	{Name: "asyncio-pool", Scenario: "model=asyncio clients=150 io=100ms requests=4000 duration=15s"},
	{Name: "asyncio-blocking", Scenario: "model=asyncio clients=10 io=20ms blocking=true requests=250 duration=15s"},
	{Name: "async-view", Scenario: "model=gthread workers=1 threads=4 clients=4 view=async calls=3 io=50ms requests=160 duration=15s"},
	{Name: "async-view-parallel", Scenario: "model=gthread workers=1 threads=4 clients=4 view=async calls=3 parallel=true io=50ms requests=400 duration=15s"},
	{Name: "wsgi-to-asgi", Scenario: "model=wsgi-to-asgi clients=10 io=50ms keepalive=false requests=150 duration=15s"},
	{Name: "wsgi-to-asgi-ka", Scenario: "model=wsgi-to-asgi clients=10 io=50ms requests=150 duration=15s"},
	{Name: "fastapi-def", Scenario: "model=fastapi clients=100 io=100ms requests=3000 duration=15s", Repeats: 3},
	{Name: "fastapi-def-exp", Scenario: "model=fastapi clients=100 io=100ms io-dist=exp requests=3000 duration=15s", Repeats: 3},
	{Name: "fastapi-async", Scenario: "model=fastapi view=async clients=50 io=100ms requests=2500 duration=15s", Repeats: 3},
	{Name: "node", Scenario: "model=node clients=50 io=100ms requests=2500 duration=15s", Repeats: 2},
	{Name: "node-cluster", Scenario: "model=node workers=2 clients=50 io=100ms requests=2500 duration=15s", Repeats: 2},
	{Name: "uwsgi-2x4", Scenario: "model=uwsgi workers=2 threads=4 clients=50 io=100ms requests=1000 duration=15s", Repeats: 3},
	{Name: "uwsgi-listen", Scenario: "model=uwsgi workers=1 threads=2 clients=150 io=50ms requests=600 duration=15s", Repeats: 2},
	{Name: "eventlet", Scenario: "model=eventlet clients=50 io=100ms requests=2500 duration=15s", Repeats: 2},
	{Name: "uvicorn-wsgi", Scenario: "model=uvicorn-wsgi clients=20 io=100ms requests=800 duration=15s"},
	{Name: "cpu-threads", Scenario: "model=gthread workers=1 threads=4 clients=4 cpu=20ms calls=0 requests=200 duration=15s", Repeats: 3},
	{Name: "cpu-procs", Scenario: "model=sync workers=2 clients=4 cpu=20ms calls=0 requests=400 duration=15s", Repeats: 3},
	{Name: "cpu-hot", Scenario: "model=sync clients=1 io=0s requests=1500 duration=10s"},
	{Name: "cpu-cold", Scenario: "model=sync clients=1 io=20ms requests=300 duration=10s"},
	{Name: "overload-timeout", Scenario: "model=sync workers=2 clients=30 io=100ms client-timeout=1s requests=400 duration=10s"},
}

// why holds what each row's misses (other than memory, which docgen
// explains once) say about the model, written from the measurements;
// docs/calibration.md prints it under a row that misses.
var why = map[string]string{
	"dev":                 "The dev server serves one request at a time, so its p50 and p99 are the sum of the other clients' services: each real service is ~1 ms longer than the engine's (its per-request CPU runs cache-cold after the wait, see cpu-hot and cpu-cold, and the client and loopback add ~0.5 ms).",
	"dev-threaded":        "The tail: the real server starts an OS thread per connection, and up to 20 threads wake together on 2 cores; the GIL goes to whichever thread the OS wakes, not first in first out, so a few requests wait several turns (real p99 well above the engine's 115 ms). Each new thread also runs cache-cold (see cpu-cold), which the engine's 611 µs per request, measured back to back, does not include.",
	"dev-processes":       "Flask's app.run(processes=4): a fork per request. Each request cost 15-17 ms of CPU (the parent with its reaped children), against ~2.2 ms for the dev row's one process: the fork, copy-on-write faults, a new upstream connection from every child, and its exit; the engine's constants for this model are fitted to that. Other jobs used 1.7-1.85 of the 2 cores during the runs, which leaves about 0.2 core: 0.2 / 16.4 ms is about 12 rps, what the real server did (10-16 rps). The engine, which assumes the cores are free, predicts the 4 processes' limit instead. Memory agrees: the parent plus 6.4 MiB of private pages for each busy child.",
	"fastapi-def":         "anyio's limiter wakes the newest waiter, and the real server shows it: half the requests wait for no token (p50 115-175 ms for a 100 ms call) while the oldest waiters wait seconds (p99 2.1-2.7 s). The engine wakes the newest waiter too, but with io-dist=fixed its 100 clients fall into lock-step batches: a wave of 40 calls returns together, the stack drains to the bottom, and everyone waits about one wave (p50 184, p99 251 ms). Real jitter breaks the waves up; with exponential upstream latencies on both sides (row fastapi-def-exp) the engine shows the real shape. Throughput is lower than the engine's because other jobs used 1.1-1.5 cores during the runs.",
	"fastapi-def-exp":     "The same server with the harness's upstream drawing exponential latencies (mean 100 ms), as the engine's io-dist=exp does: no lock-step on either side. The shape agrees: a median below one mean call (real 100-136 ms, engine 89 ms; a first-in-first-out pool of 40 gives 213 ms) and a tail of seconds for the requests left at the bottom of the stack (real p99 0.85-2.1 s, engine 0.61 s, engine max 7.2 s). The real tail is longer; other jobs used 1.1-1.2 cores, which slows every service and deepens the queue, and the real loop wakes the popped waiter only on its next turn, when a newcomer can take the token first (docs/models.md).",
	"fastapi-async":       "async def endpoints on the loop: the engine's CPU per request (0.83 ms) matches the real 0.77-0.82 ms; throughput and the tail follow how much of the 2 cores other jobs left (0.8-1.45 cores used elsewhere).",
	"sync-4w":             "8 clients on 4 sync workers: in the engine every request waits for exactly one other (p99 = 2 × 100 ms). Really, a freed worker goes back to `select` on the shared socket and the kernel wakes all four; when other jobs hold the cores, the woken worker is not always the one that has been free longest, and a few requests wait for two services. In a run where other jobs used 1.8 cores, p99 was 338 ms; on a quiet machine it was 224 ms.",
	"gthread-2x5-c10":     "With keep-alive each client's connection stays with the worker that accepted it for the whole run, so the split of the first 10 connections decides the result: every connection beyond 5 on one worker waits for a thread on every request. Requests per worker (below) show the connection split: 430/170 is 7/3 connections, 300/300 is 5/5. The real runs gave 7/3, 5/5 and 7/3 here, and 5/5, 6/4 and 9/1 in two earlier runs; the engine's seed 1 draws a split that gives 9 calls at once, and seeds 1-10 give 78-97 rps. So the rule (connections queue inside the worker that won them) is right, and this row's miss is mostly the draw; but the next row shows the draw itself is not uniform.",
	"gthread-2x5-c11":     "All 11 connections arrive at once. On a quiet machine one worker accepted all of them in two of three runs (600/0 requests: one worker served everything, the other nothing, so only 5 calls ran at once and throughput halved) and 10 of 11 in the third. Under the engine's fair draw an 11/0 split has probability 2/2048 (0.1%) and 10/1 about 1%. The gthread main thread accepts one connection per poller event and loops straight back to `select`, which finds the next connection already queued; the other worker is still waking up. (On a loaded machine, in earlier runs, the same row split 300/300 and 335/265: the worker that is running is the one that wins, and load decides which one that is.)",
	"gthread-4x8-c64":     "64 connections arrive at once on 4 workers of 8 threads. In all three real runs one worker ended up with about 6 connections and the others with ~19 each (requests per worker below: 800/800/800/600), so at most 30 calls ran at once and the three busy workers queued ~11 connections each for their 8 threads; p50 rose by most of one call. In an earlier run with other jobs on the machine the split was worse (926/925/916/233, peak 26). The engine's uniform draw spreads 64 connections well enough that every seed from 1 to 10 uses all 32 threads (peak 32, 311 rps). The same burst effect as gthread-2x5-c11.",
	"gevent":              "One gevent hub, 50 greenlets. Real throughput is ~12% lower and p50 ~13 ms higher than the engine's. The measured CPU per request (1.6 ms against the engine's 1.2 ms) is part of it, but not most: the engine with cpu=400µs added still predicts 477 rps. What the model lacks here is not pinned down; candidates are the cost of the many hub switches per request (a patched send, a patched recv that waits, a keep-alive read that waits), each a trip through libev's queue of ready watchers, which the engine charges as three slices only, and libev's non-FIFO dispatch order, which widens the tail (p99).",
	"gevent-blocking":     "Throughput matches (the blocked hub serves one call at a time), but the order does not: the engine hands the hub to waiting greenlets first in, first out, so every request waits exactly for the other nine calls (p50 ≈ p99 ≈ 513 ms). Real p99 was 1.1-1.7 s in three runs, and an earlier run had p50 65 ms with p99 2.0 s. When the blocked call returns, libev dispatches the ready connections in its own order (by watcher and fd), so some clients are served several times while others wait for many calls.",
	"asyncio":             "Throughput and median agree; the tail is a little wider in reality because the loop's CPU per request is ~0.8 ms against the engine's 0.5 ms (section 1).",
	"asyncio-pool":        "150 clients through aiohttp's 100-connection pool. The loop's real CPU per request (~0.8 ms against the engine's 0.5 ms) keeps the loop busier, so each pooled connection is held longer than the 100 ms call while its response waits for the loop. The engine with cpu=300µs added predicts p50 143 ms and 981 rps, closer to the real 155 ms. The rest is shape: with io-dist=fixed the engine keeps the clients in lock-step (the same 100 calls start together every 100 ms and 50 requests wait exactly one call); real jitter spreads them around the mean.",
	"asyncio-blocking":    "The blocking call serialises the loop as the engine says; the extra ~10 ms at p50 is the client and loopback time of the 9 requests ahead plus the cold CPU after each wait.",
	"async-view":          "A Flask async view runs a new event loop on a new thread per request and, here, an aiohttp session per request: the measured CPU per request is ~4.7 ms against the engine's ~3.5 ms.",
	"async-view-parallel": "As for async-view, the view costs more CPU than the engine charges (about 4.9 ms a request against 2.0 ms: the engine charges 760 µs for the view and 750 µs per call, but a session per request and three gathered aiohttp calls on a fresh loop cost more). Four threads share one GIL, so the extra CPU lowers throughput.",
	"wsgi-to-asgi":        "WsgiToAsgi serialises the process as the engine says (peak upstream 1); each real service is ~3 ms longer than the engine's, mostly CPU (3.9 ms measured against 2.6 ms).",
	"wsgi-to-asgi-ka":     "The asgiref 3.6 keep-alive bug (docs/models.md): a request that arrives on a connection before the previous request's task has finished gets a 500, \"Single thread executor already being used, would deadlock\", and the connection closes. Almost half the requests failed. The engine does not model it, so it predicts no failures.",
	"node":                "One Node.js event loop with the built-in fetch. The median agrees; the tail and throughput follow the CPU left by other jobs (1.2-1.3 cores used elsewhere) and a fetch call that costs more than the engine's figure from back-to-back calls when the machine is busy.",
	"node-cluster":        "Two cluster workers. The primary hands connections round-robin, but only to a worker that has acknowledged its previous one over IPC (round_robin_handle.js handoff): in the burst of 50 kept-alive connections at the start, the worker that acknowledges faster gets more, and requests per worker split 1351/1149 and 1686/814 where the engine's ack-free round robin splits 25/25 connections. The busier worker's loop queues, which widens the tail (real p99 419-492 ms). Memory is within the fit (the primary's 7.7 MiB private and a worker's 49.9 MiB under load).",
	"uwsgi-2x4":           "uWSGI, 2 processes of 4 threads, 50 clients: 8 calls at once and the other 42 connections in the kernel's listen queue, as the engine says (peak upstream 8; requests per worker split 503/497 to 501/499, an even draw). The CPU per request agrees (1.64-1.85 ms against 1.84). Other jobs used 1.76-1.79 of the 2 cores, which costs throughput and the median a few percent. Memory is fitted to this row and uwsgi-listen (docs/models.md).",
	"uwsgi-listen":        "150 clients on 2 threads: 2 calls run, 100 connections wait in uWSGI's listen queue of 100 and the rest retry their SYN. Real throughput is a fifth lower: other jobs used 1.88-1.91 of the 2 cores (load average 15), so each request's 1.7-1.9 ms of CPU waited for a core in pieces, and with only two threads every such wait idles half the server; the engine assumes free cores. The median follows (2.96-3.34 s against 2.73 s: each request waits for the 100 ahead of it). The engine's clients retry in lock-step (fixed io, every dropped SYN resent exactly 1 s later), so its p99 equals its p50; real retries spread (and this kernel resends the first four SYNs 1 s apart, tcp_syn_linear_timeouts, where the engine doubles), so the real p99 is 5.3 s.",
	"eventlet":            "One eventlet hub, 50 green threads. Other jobs used 1.52-1.53 of the 2 cores: about 0.5 core at 1.48 ms a request is 330 rps at most, and the real server did 220-226, where the engine (two free cores) predicts 466. The CPU per request agrees (1.47-1.48 ms against 1.55) and so does memory (99.9 MiB against 97.8); the p50 and the tail follow the missing cores.",
	"uvicorn-wsgi":        "The 10-thread pool bounds the calls as the engine says; the services are slightly longer than the engine's (CPU per request ~2.2-2.4 ms against ~1.5 ms).",
	"cpu-threads":         "One gthread worker, 4 threads spinning 20 ms each: one core's worth at best, as the engine says, and the median agrees. The tail does not: the engine passes the GIL round-robin, so every request takes exactly 4 × 20 ms; CPython hands the GIL to whichever waiting thread the OS wakes first, so some requests wait several rounds (p99 ~150 ms). When other jobs take a core, the worker does not always get even one, and throughput drops too.",
	"cpu-procs":           "Two sync workers on 2 cores do at most 2 / 20.5 ms ≈ 98 rps, which the engine predicts. The machine is shared: when other processes use part of the cores (context table), real throughput tracks (2 − others) / 21 ms (in an earlier run, with 0.31, 0.75 and 0.81 cores used elsewhere: 78, 57 and 54 rps, against 80, 60 and 57 by that formula). The engine cannot know about other jobs; with `cores=` set to the free cores it would agree.",
	"cpu-hot":             "The engine has no network and no client: its latency starts when the server gets the request. On loopback the Go client, the kernel and two wake-ups add ~0.2-0.5 ms per request, which at 1.2 ms requests is 20-40% of the throughput. The CPU per request agrees with the engine's constant (this is how docs/cpu.md measured it: back to back, caches hot).",
	"cpu-cold":            "The same server and request as cpu-hot, but the handler waits 20 ms on the upstream. The CPU per request rises from ~1.2-1.3 ms to ~2.1-2.4 ms (three harness runs), on a quiet machine too: after a wait the process runs cold (caches, TLB, and possibly the idle vCPU's clock). The engine's constants come from back-to-back requests, so it undercounts every request that waits on I/O by ~0.9 ms; see section 1.",
	"overload-timeout":    "Both collapse the same way: 30 clients on 2 sync workers with 100 ms requests queue for ~1.5 s, longer than the 1 s client timeout, so after the first second the workers serve only requests whose clients have gone.",
}

func init() {
	for i := range Rows {
		if w, ok := why[Rows[i].Name]; ok {
			Rows[i].Why = w
		}
	}
}
