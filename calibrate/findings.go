package calibrate

import (
	"fmt"
	"slices"
	"strings"

	"playground/engine"
)

// notCovered lists what the calibration does not measure yet.
const notCovered = `* uvicorn with several workers (its supervisor's memory is still copied from gunicorn's arbiter).
* Worker timeouts and restarts (gunicorn sync with a request longer than ` + "`timeout`" + `; gevent with a hub
  blocked longer than ` + "`timeout`" + `): docs/cpu.md measured the restart time, but no row drives a kill.
* A full listen queue (` + "`connect-failed`" + `): needs more clients than the backlog, beyond the few-thousand
  request budget of a run.
* Think time, ` + "`cache`" + `, ` + "`io-dist=exp`/`lognormal`" + `, open-loop ` + "`rate`" + ` and ` + "`burst`" + ` traffic.
* gevent's keep-alive pool limit (` + "`worker-connections`" + ` below the clients) and gthread's ` + "`_keep`" + ` limit.`

// Findings returns the closing section: how the measurements set (or would
// set) the engine's constants, with the evidence.
func Findings(ms []Measurement, imports []ImportCost) string {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	byName := map[string]Measurement{}
	for _, m := range ms {
		byName[m.Row.Name] = m
	}
	realCPU := func(name string) (float64, bool) {
		m, ok := byName[name]
		if !ok || len(m.Real) == 0 {
			return 0, false
		}
		var xs []float64
		for _, r := range m.Real {
			xs = append(xs, r.CPUPerReq)
		}
		return median(xs), true
	}
	// realResident is the median resident memory over the row's repeats,
	// as the results table shows it.
	realResident := func(m Measurement) float64 {
		var xs []float64
		for _, r := range m.Real {
			xs = append(xs, r.Mem.Resident)
		}
		return median(xs)
	}

	p("### 1. CPU per request: the server's constants, and the call's CPU with its cold surcharge\n\n")
	p("*In the engine:* each model's file (engine/sync.go, ...) charges the server's own CPU per request\n")
	p("(docs/cpu.md, measured back to back) and `resume` for each upstream call, which includes the\n")
	p("extra CPU of a process that comes back cold from a wait: %s a call (measured here\n", engineCallCPUs())
	p("by running the engine with one call and with none). `http-client` changes it by the measured\n")
	p("difference of the clients (engine/httpclient.go; urllib 290 µs more on a green thread, where its\n")
	p("new connection each call goes through the hub), and `wait=sleep` charges a sleep's wake-up\n")
	p("instead. The predicted columns are from that engine; the gaps below are what remains.\n\n")
	hot, okH := realCPU("cpu-hot")
	cold, okC := realCPU("cpu-cold")
	if okH && okC {
		p("Same gunicorn sync worker, one client, one `requests` call: back to back (io=0s) it costs\n")
		p("**%.2f ms** of CPU per request (engine %.2f ms), but with a 20 ms wait on the upstream it costs\n", hot, byName["cpu-hot"].PredCPU)
		p("**%.2f ms** (engine %.2f ms). The work is identical; after a wait the process runs cold (caches,\n", cold, byName["cpu-cold"].PredCPU)
		p("TLB, and possibly the idle vCPU's clock), and it does so on a quiet machine too (context table).\n")
		p("The engine charges the cold figure to a call that waits and, on gunicorn's sync and gthread workers\n")
		p("and the dev server, the back-to-back figure (`coldExtra` less, engine/costs.go) to one that answers\n")
		p("at once.\n\n")
	}
	p("Measured CPU per finished request (the workers' utime+stime) against the engine's:\n\n")
	p("| row | calls | real ms | engine ms | real − engine per call, ms |\n|---|---|---|---|---|\n")
	type gap struct {
		model   string
		perCall float64
	}
	var gaps []gap
	for _, m := range ms {
		c, ok := realCPU(m.Row.Name)
		cfg, _, _, err := Predict(m.Scenario)
		if !ok || err != nil || cfg.CPU > 0 || m.Row.Name == "cpu-hot" {
			continue
		}
		if cfg.Blocking { // the blocking call uses a raw socket, not the client library
			p("| %s | %d | %.2f | %.2f | (raw socket) |\n", m.Row.Name, cfg.Calls, c, m.PredCPU)
			continue
		}
		if c < 0 {
			p("| %s | %d | %.2f | %.2f | (measured before the harness counted exited workers) |\n", m.Row.Name, cfg.Calls, c, m.PredCPU)
			continue
		}
		calls := cfg.Calls
		per := "—"
		if calls > 0 {
			d := (c - m.PredCPU) / float64(calls)
			per = fmt.Sprintf("%+.2f", d)
			if !cfg.AsyncView && !strings.HasPrefix(m.Row.Name, "wsgi-to-asgi") && cfg.HTTPClient == engine.ClientDefault && cfg.Wait == engine.WaitUpstream {
				gaps = append(gaps, gap{cfg.Model.String(), d})
			}
		}
		p("| %s | %d | %.2f | %.2f | %s |\n", m.Row.Name, calls, c, m.PredCPU, per)
	}
	p("\n")
	med := func(pred func(string) bool) (float64, int) {
		var xs []float64
		for _, g := range gaps {
			if pred(g.model) {
				xs = append(xs, g.perCall)
			}
		}
		if len(xs) == 0 {
			return 0, 0
		}
		return median(xs), len(xs)
	}
	wsgi, nw := med(func(m string) bool { return m != "asyncio" && m != "gevent" && m != "node" && m != "fastapi" })
	gev, ng := med(func(m string) bool { return m == "gevent" })
	aio, na := med(func(m string) bool { return m == "asyncio" })
	p("**What these runs say about `resume`.** The median gap per call, with the default client:\n\n")
	if nw > 0 {
		p("* WSGI models (requests.Session): %+.0f µs a call (median of %d rows).\n", wsgi*1000, nw)
	}
	if ng > 0 {
		p("* gevent: %+.0f µs a call (%d row(s)).\n", gev*1000, ng)
	}
	if na > 0 {
		p("* asyncio (aiohttp): %+.0f µs a call (median of %d rows).\n", aio*1000, na)
	}
	p("\nThe surcharge was fitted to earlier runs on a loaded machine; a single surcharge is an average\n")
	p("of cold and hot calls, and the per-call column above is what to refit. The extra CPU costs\n")
	p("throughput only where one process does much of the work (gevent, asyncio-pool, async views,\n")
	p("CPU-heavy rows). The Flask async view (async-view rows) makes an aiohttp session per request,\n")
	p("which costs more a call than the engine's WSGI figure.\n\n")

	p("### 2. Accept: random is right for spaced arrivals, wrong for a burst\n\n")
	p("Requests per worker in the real runs (completed requests, largest first):\n\n")
	for _, m := range ms {
		cfg, _, _, err := Predict(m.Scenario)
		if err != nil || cfg.Workers < 2 || len(m.Real) == 0 || forksPerRequest(cfg, m) {
			continue
		}
		var runs []string
		for _, r := range m.Real {
			runs = append(runs, splitText(PadSplit(r.Split, cfg.Workers)))
		}
		p("* %s (keep-alive %v): %s\n", m.Row.Name, cfg.Keepalive, strings.Join(runs, "; "))
	}
	p("\nWith keep-alive off every request is a new connection, and the splits are even (within a few\n")
	p("percent), as a fair draw gives over hundreds of connections; the engine matches those rows. With\n")
	p("keep-alive on, the split of the first connections is kept for the whole run, and the real splits\n")
	p("of a burst are far more lopsided than a fair draw: gthread-2x5-c11 put all 11 connections on one\n")
	p("worker in two of six quiet runs (probability 0.1%% a run under a fair draw), gthread-2x5-c10 put\n")
	p("9 or 10 of its 10 on one worker in three of six, and gthread-4x8-c64 left one worker with ~6 of\n")
	p("64 in every run of an earlier quiet set (on 2026-12-02: three even splits of six, the smallest\n")
	p("worker 575, 516 and 600 of 3000 requests in the others), where a fair draw uses all 32\n")
	p("threads for every seed from 1 to 10. A worker that is on a core accepts again before a sleeping one wakes (the gthread\n")
	p("main thread accepts one connection per poller event and goes straight back to `select`, which\n")
	p("finds the next one queued), and a woken worker that the kernel queued behind a running task gets\n")
	p("none until its turn.\n\n")
	p("*Applied* (`acceptBurst` in engine/burst.go, for gthread): the first connection of a burst wakes\n")
	p("every worker and goes to one drawn uniformly; the others race at once, sharing the burst by fair\n")
	p("draws, or, with probability 0.46, are all late together and join 40 connections in, or, in a\n")
	p("shorter burst, draw for its last one or two (`lateJoin`): a late burst of 10 ends 10/0, 9/1 or\n")
	p("8/2 in 3/8, 1/2 and 1/8, as the 11 lopsided quiet runs of c10 and c11 ended N/0 4 times, N-1/1 6\n")
	p("and N-2/2 once. 0.46 is the likelihood fit to the quiet runs' c10 and c11 splits (8 of 18 nearly\n")
	p("all on one worker, with an earlier quiet set's 11/0, 11/0, 10/1 and 7/3, 5/5, 7/3; the rerun of\n")
	p("2026-12-02 15:54 gave 6 of 10), and 40 to the gthread-4x8-c64 run whose late workers ended with\n")
	p("7, 6 and 5 connections; over seeds 1-10 the engine leaves c10's and c11's second worker at most\n")
	p("two in 3 each, and gthread-4x8-c64's three late workers with few in 3. Sync\n")
	p("and dev workers, busy with the request they accepted, share a burst fairly; a Node.js cluster's\n")
	p("primary hands connections round robin; the other event-loop models and uWSGI, whose bursts were\n")
	p("not measured, keep the earlier fit (`pickWorker`, engine/listen.go): a\n")
	p("connection within 0.5 ms of the previous accept goes to the same worker with probability 0.75.\n")
	p("On a loaded machine the real splits are more even (12 more runs of c10 and c11 with other jobs\n")
	p("on 1.1-1.8 cores: 5/5 in 6 of 12). The two quiet runs of 2026-12-02 disagree with each other on\n")
	p("c10: 5/5, 5/5 and 6/4 in the first, 9/1, 10/0 and 9/1 in the second (requests 500/100, 600/0,\n")
	p("500/100), so a run's split is a draw either way. Spaced arrivals (keep-alive\n")
	p("off) stay uniform: the noka rows are unchanged.\n\n")

	p("### 3. Memory: the HTTP client library, and what a worker holds open\n\n")
	p("*In the engine:* each model's file adds `clientLib` to every worker, what importing its default\n")
	p("HTTP client costs (8 MiB for the WSGI models, 12 for gevent, 15 for asyncio, 6.5 for the uvicorn\n")
	p("bridges; 10 MiB more for a Flask async view), and `http-client` swaps in the measured import of\n")
	p("another client (engine/httpclient.go, docs/models.md). Each request in flight adds its task or\n")
	p("greenlet and its call (20.8 KiB for a `requests` call, 15.9 for aiohttp's), each thread 33 KiB.\n")
	p("What a worker holds open is charged as well (engine/memory.go): an open connection, idle, queued\n")
	p("for a thread or served (gthread 4.4 KiB; gevent and eventlet 23 KiB beyond the greenlet; uvicorn\n")
	p("2.6 KiB beyond the task), a call waiting for a connection of aiohttp's pool (7.6 KiB), and, on\n")
	p("gunicorn's sync and gthread workers, the pages a worker stops sharing with the arbiter: the\n")
	p("arbiter is 10.7 MiB private beside workers that have booted the app (7.8-7.9 at rest), and each\n")
	p("worker adds 4 MiB once it has served 670 requests (sync) or 450 (gthread).\n\n")
	if len(imports) > 0 {
		p("RSS of a fresh `/usr/bin/python3` after importing (MiB):\n\n| imports | RSS MiB |\n|---|---|\n")
		for _, ic := range imports {
			p("| `%s` | %.1f |\n", ic.Modules, ic.RSSMiB)
		}
		p("\n")
	}
	p("Real resident minus predicted, per worker process, with the open connections and threads the\n")
	p("scenario asks of each worker:\n\n| row | real − engine MiB | workers | per worker | clients a worker | threads a worker |\n|---|---|---|---|---|---|\n")
	for _, m := range ms {
		if len(m.Real) == 0 {
			continue
		}
		cfg, _, _, _ := Predict(m.Scenario)
		d := realResident(m) - m.Pred.MemoryMB.Resident
		w := float64(cfg.Workers)
		p("| %s | %+.1f | %d | %+.1f | %.0f | %d |\n", m.Row.Name, d, cfg.Workers, d/w, float64(cfg.Clients)/w, cfg.ThreadsPerWorker())
	}
	var small []float64
	for _, m := range ms {
		if cfg, _, _, err := Predict(m.Scenario); err == nil && len(m.Real) > 0 && cfg.Workers == 1 && cfg.Clients <= 50 {
			small = append(small, realResident(m)-m.Pred.MemoryMB.Resident)
		}
	}
	if len(small) > 0 {
		p("\nThe imports are charged: with one worker and at most 50 clients the gap is %+.1f MiB (median of\n", median(small))
		p("%d rows, %+.1f to %+.1f), whatever the client library.\n\n", len(small), slices.Min(small), slices.Max(small))
	} else {
		p("\n")
	}
	p("What remains came from what a worker holds open; the figures were fitted to the rows that\n")
	p("differ in one thing each. A connection: gthread's worker RSS was 42.6-42.8 MiB with 8\n")
	p("connections (cpu-threads-1), 49.8-50.7 with 1000 and 50 threads (articles-threads), 66.4 with\n")
	p("1000 and 370 threads (articles-threads-1000's first run; 75.8 with 544 in its second): after the\n")
	p("threads and calls, 4.3-4.5 KiB a connection (first run); gevent's went from 45.7-46.0 (10\n")
	p("connections, gevent-blocking) to 90.5-91.6 (1000, articles-gevent), 41 KiB a\n")
	p("connection with its greenlet; uvicorn's 1000 sleeping requests (asyncio-sleep) were 12.4 KiB each\n")
	p("with their tasks, and articles-async's 900 requests waiting for aiohttp's 100 connections 7.6 KiB\n")
	p("each more. The arbiter: with one sync or gthread worker, resident less the worker's RSS was\n")
	var before, after []string
	for _, m := range ms {
		cfg, _, _, err := Predict(m.Scenario)
		if err != nil || len(m.Real) == 0 || cfg.Workers != 1 || cfg.Background > 0 || cfg.MaxRequests > 0 ||
			(cfg.Model != engine.ModelSync && cfg.Model != engine.ModelGthread) || cfg.AsyncView {
			continue
		}
		r := m.Real[0]
		t := fmt.Sprintf("%s %.1f", m.Row.Name, r.Mem.Resident-r.Mem.WorkerRSS)
		if r.Completed < 450 {
			before = append(before, t)
		} else {
			after = append(after, t)
		}
	}
	p("%s MiB below 450 requests and\n%s above (the worker's RSS stayed the same)", orNone(before), orNone(after))
	p(": the worker's writes turn the pages it shares with the arbiter\n")
	p("private in both, a step rather than a slope (gthread-2x5-c11's and c10's summed Pss were 3.8-4.1\n")
	p("MiB higher where one worker served 500 or all 600 requests than where each served 300). Rows\n")
	p("whose threads or calls in flight differ between the two sides miss with them: articles-threads-1000\n")
	p("did while the engine let all 1000 requests in at once (1000 threads and 1000 calls, against the\n")
	p("real worker's at most 370 threads and 369 calls in one run, 544 and 542 in the other); with the\n")
	p("worker's main thread admitting them turn by turn (engine/mainthread.go) it holds about as many.\n\n")
	p("Pss sums agree with *resident* within a few MiB in every row, so the choice between the engine's\n")
	p("definition (the largest worker's RSS plus everyone else's private pages) and summed Pss does not\n")
	p("explain the gaps.\n\n")

	p("### 4. What the engine cannot know, and scheduling order\n\n")
	p("* **Other jobs.** This 2-core machine is shared: in earlier runs of this harness other processes\n")
	p("  used up to 1.8 cores during a row (this run's context table shows what they used this time).\n")
	p("  CPU-bound rows then track (cores − others) / CPU per request, not\n")
	p("  cores / CPU. Nothing to change in the engine; set `cores=` to the free cores when comparing.\n")
	p("* **The client and the network.** *Applied:* the key `rtt` puts each request's time outside the\n")
	p("  server into the engine (a draw of mean rtt per request, twice on a new connection), and the\n")
	p("  harness appends its own client's, `rtt=%v` (calibrate/client.go): invisible at 100 ms calls,\n", ClientRTT)
	p("  a fifth of a 1 ms request, and it decides races such as asgiref's keep-alive window.\n")
	p("  *Applied:* the key `client-cpu` puts the client's CPU on the server's cores (its threads in the\n")
	p("  kernel's run queue, inside its turn-around), and the harness appends `client-cpu=%v`, the Go\n", ClientCPU)
	p("  client's CPU a request kept alive (twice on a new connection), separated from the upstream's on\n")
	p("  asyncio-sleep. It moves the rows it was meant for by under 1%% (asyncio-sleep, asyncio-limit,\n")
	p("  gevent, eventlet, gevent-urllib; cpu-procs 97.8 to 96.9 rps against the real 88-91): the\n")
	p("  engine's clients find a free core. *Applied:* the key `sampler-cpu` runs a monitor's CPU every\n")
	p("  200 ms on the clients' threads, and the harness appends its sampler's, %v + %v a worker\n", SamplerBase, SamplerPerWorker)
	p("  (calibrate/client.go, SamplerCPU: it walks /proc once per worker and twice more): on saturated\n")
	p("  cores it takes a worker's core for its sample (cpu-procs' p99). Left out: the upstream's CPU a\n")
	p("  call (about 0.17 ms), the real client's waves, and that a client turns around faster when the\n")
	p("  cores are busy than when they idle.\n")
	p("* **Order is not FIFO.** *Applied:* the engine gives a free GIL to the thread that has waited\n")
	p("  longest with probability 0.15 and otherwise to a waiting thread drawn at random, and each\n")
	p("  forced switch costs the new holder 100 µs of CPU; a gevent greenlet whose client's next request is\n")
	p("  already buffered serves it without yielding the hub (probability 0.4, eventlet's too), which lets a few clients\n")
	p("  win again and again while the hub is blocked, and eventlet's hub runs each turn's green threads in\n")
	p("  a Python set's order, drawn afresh each turn (engine/eventlethub.go; eventlet-blocking's p50 418 ms\n")
	p("  against gevent-blocking's 625). cpu-threads and gevent-blocking now show the\n")
	p("  real tails (cpu-threads-8: p99 266-307 ms over seeds against the real 275-338; a uniform draw\n")
	p("  gave 332-379). The event loop still runs its ready tasks first in, first out (asyncio's ready\n")
	p("  queue is a deque), and a freed sync worker takes the oldest connection.\n")
	p("* **Which process gets a core.** *Applied:* the engine hands the cores out as Linux 6.x's EEVDF\n")
	p("  does (engine/kernel.go, from kernel/sched/fair.c): the eligible process with the earliest\n")
	p("  deadline runs, a process that slept keeps its lag, and a woken one preempts after the running\n")
	p("  one's protected slice, at once or at the next 4 ms tick. A web worker that waits on calls\n")
	p("  thus runs ahead of RQ horses that have used their share (background, background-backlog).\n")
	p("  Each core has its own run queue: a woken process goes to its previous core if idle, else an\n")
	p("  idle one, else the less loaded (a client thread that a server's answer wakes, a sync wake-up,\n")
	p("  goes to the waker's core when none is idle: wake_affine_idle), and preempts only there, taking\n")
	p("  the core on a tie of deadlines; an event loop keeps its core while callbacks are ready; an\n")
	p("  emptied core pulls the waiting\n")
	p("  process at the tail of the other's cfs_tasks that is not cache-hot. A thread that asks for CPU\n")
	p("  again at once keeps its core: a sync worker sleeps once a request, on its call, as the real\n")
	p("  ones did (/proc/PID/sched); sleeping twice kept 50 workers in step (sync-50w, sync-20w).\n")
	p("* **A busy event loop costs less per request.** *Applied:* asyncio's _run_once polls once and\n")
	p("  runs every callback ready as it began; the engine charges each turn's cost once and shares it\n")
	p("  among the tasks in it, so CPU per request falls as the loop fills (asyncio-1000, asyncio-sleep).\n")
	p("  gevent's hub showed none in the first quiet run (1.43 ms a request at 50 clients, 1.51-1.69 at\n")
	p("  1000) and a small one in the second (1.39 at 50, 1.30-1.34 at 1000).\n")
	p("* **Lock-step with io-dist=fixed.** With a fixed io and a full aiohttp pool, the engine's clients\n")
	p("  fall into batches (fastapi-def p50). Real jitter breaks them up; io-dist=exp or lognormal, or\n")
	p("  a little jitter on CPU slices, would be closer to a real machine.\n")
	return b.String()
}

func splitText(split []int) string {
	total := 0
	for _, v := range split {
		total += v
	}
	var s []string
	for _, v := range slices.Clone(split) {
		s = append(s, fmt.Sprintf("%d (%.0f%%)", v, 100*float64(v)/float64(total)))
	}
	return strings.Join(s, " / ")
}

// PadSplit returns split with zeros appended up to workers entries: a worker
// that served nothing sent no response body, so the client never saw it.
func PadSplit(split []int, workers int) []int {
	out := slices.Clone(split)
	for len(out) < workers {
		out = append(out, 0)
	}
	return out
}

// engineCallCPUs says what the engine charges for one upstream call on the
// main models, read from the engine itself: the CPU per request of a run
// with one call less that of a run with none.
func engineCallCPUs() string {
	var out []string
	for _, m := range []struct{ name, model string }{{"sync", "sync"}, {"gevent", "gevent"}, {"asyncio", "asyncio"}} {
		base := "model=" + m.model + " clients=1 io=20ms requests=200 cores=2 seed=1 calls="
		_, _, with, err1 := Predict(base + "1")
		_, _, without, err2 := Predict(base + "0")
		if err1 != nil || err2 != nil {
			continue
		}
		out = append(out, fmt.Sprintf("%.0f µs on %s", (with-without)*1000, m.name))
	}
	return strings.Join(out, ", ")
}

// forksPerRequest reports whether m's server served each request in a
// child of its own (Flask's processes=N), so that its responses name a
// process per request rather than a worker.
func forksPerRequest(cfg engine.Config, m Measurement) bool {
	return cfg.Model == engine.ModelDev && cfg.Workers > 1
}
