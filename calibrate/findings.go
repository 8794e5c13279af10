package calibrate

import (
	"fmt"
	"slices"
	"strings"
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

	p("### 1. CPU per request: keep the server constants, charge more per upstream call\n\n")
	p("*Applied:* the model files (engine/sync.go, ...) now charge `resume` 1600 µs per call for the WSGI models, 1130 µs for\n")
	p("gevent and 540 µs for asyncio (the medians below, rounded); the predicted columns are from that\n")
	p("engine, so the gaps below are what remains after the change.\n\n")
	hot, okH := realCPU("cpu-hot")
	cold, okC := realCPU("cpu-cold")
	if okH && okC {
		p("Same gunicorn sync worker, one client, one `requests` call: back to back (io=0s) it costs\n")
		p("**%.2f ms** of CPU per request (engine %.2f ms), but with a 20 ms wait on the upstream it costs\n", hot, byName["cpu-hot"].PredCPU)
		p("**%.2f ms** (engine %.2f ms). The work is identical; after a wait the process runs cold (caches,\n", cold, byName["cpu-cold"].PredCPU)
		p("TLB, and possibly the idle vCPU's clock), and it does so on a quiet machine too (context table).\n")
		p("docs/cpu.md measured back to back, so its constants are the hot figure, and they hold when hot.\n\n")
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
		calls := cfg.Calls
		per := "—"
		if calls > 0 {
			d := (c - m.PredCPU) / float64(calls)
			per = fmt.Sprintf("%+.2f", d)
			if !cfg.AsyncView && !strings.HasPrefix(m.Row.Name, "wsgi-to-asgi") {
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
	wsgi, nw := med(func(m string) bool { return m != "asyncio" && m != "gevent" })
	gev, ng := med(func(m string) bool { return m == "gevent" })
	aio, na := med(func(m string) bool { return m == "asyncio" })
	p("**Recommendation.** The extra CPU comes with the wait, so it belongs in `resume` (the CPU to come\n")
	p("back from one upstream call) in each model's file (`engine/sync.go`, ...). From the median gap per call of the rows above:\n\n")
	if nw > 0 {
		p("* WSGI models (requests.Session): `resume` 750 µs → about **%.0f µs** (median of %d rows, +%.0f µs).\n", 750+wsgi*1000, nw, wsgi*1000)
	}
	if ng > 0 {
		p("* gevent: 870 µs → about **%.0f µs** (%d row(s), +%.0f µs).\n", 870+gev*1000, ng, gev*1000)
	}
	if na > 0 {
		p("* asyncio (aiohttp): 260 µs → about **%.0f µs** (median of %d rows, +%.0f µs).\n", 260+aio*1000, na, aio*1000)
	}
	p("\nThe surcharge was fitted to earlier runs on a loaded machine. On the quiet run of 2026-12-02 most\n")
	p("rows spent less than the engine charges (gthread 2x5 and 4x8: -0.3 to -0.6 ms a call, asyncio\n")
	p("-0.2 to -0.3), and cpu-hot, which never waits, spent 1.25 ms against the engine's 2.05: the\n")
	p("engine charges `resume` even when the call takes 0 s, so it is too high there. A single\n")
	p("surcharge is an average; the per-call column above is what to refit. The extra CPU costs throughput only where one process does\n")
	p("much of the work (gevent, asyncio-pool, async views, CPU-heavy rows). The Flask async view\n")
	p("(async-view rows) costs more than the engine's\n")
	p("760 µs + 750 µs a call when it makes an aiohttp session per request: charge its calls the\n")
	p("\"aiohttp new session per call\" figure (~0.7 ms, docs/cpu.md) plus the same cold surcharge.\n\n")

	p("### 2. Accept: random is right for spaced arrivals, wrong for a burst\n\n")
	p("Requests per worker in the real runs (completed requests, largest first):\n\n")
	for _, m := range ms {
		cfg, _, _, err := Predict(m.Scenario)
		if err != nil || cfg.Workers < 2 || len(m.Real) == 0 {
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
	p("worker in two of three runs (probability 0.1%% under a fair draw), and gthread-4x8-c64 left one\n")
	p("worker with ~6 of 64 in every run of an earlier quiet set (on 2026-12-02: one even split of three,\n")
	p("the smallest worker 575 and 516 of 3000 requests in the others), where a fair draw uses all 32\n")
	p("threads for every seed from 1 to 10. A worker that is on a core accepts again before a sleeping one wakes (the gthread\n")
	p("main thread accepts one connection per poller event and goes straight back to `select`, which\n")
	p("finds the next one queued). docs/models.md already lists \"a busy gthread worker accepts as readily\n")
	p("as an idle one\" as not modelled; this is the measurable consequence.\n\n")
	p("*Applied* (`pickWorker` in engine/listen.go): a connection that arrives within 0.5 ms of the\n")
	p("previous accept goes to the worker that accepted it with probability 0.75 (it is still running\n")
	p("its accept loop); otherwise the winner is drawn uniformly. 0.75 is the likelihood fit to the\n")
	p("quiet-machine splits of the c10 and c11 rows (11/0, 11/0, 10/1; 7/3, 5/5, 7/3; 0.75-0.8 fit\n")
	p("best) and gives gthread-4x8-c64 a smallest worker of about 6 connections (median over draws).\n")
	p("On a loaded machine the real splits are more even (12 more runs of c10 and c11 with other jobs\n")
	p("on 1.1-1.8 cores: 5/5 in 6 of 12), and so were the quiet c10 runs of 2026-12-02 (5/5, 5/5, 6/4),\n")
	p("so 0.75 may be too strong for c10. Spaced arrivals (keep-alive\n")
	p("off) stay uniform: the noka rows are unchanged.\n\n")

	p("### 3. Memory: add the HTTP client library to the base\n\n")
	p("*Applied:* the model files (engine/sync.go, ...) now add `clientLib` to every worker (8 MiB for the WSGI models, 12 for\n")
	p("gevent, 15 for asyncio, 6.5 for the uvicorn bridges) and 13 MiB for a Flask async view; the\n")
	p("predicted column above and the table below are from that engine.\n\n")
	if len(imports) > 0 {
		p("RSS of a fresh `/usr/bin/python3` after importing (MiB):\n\n| imports | RSS MiB |\n|---|---|\n")
		for _, ic := range imports {
			p("| `%s` | %.1f |\n", ic.Modules, ic.RSSMiB)
		}
		p("\n")
	}
	p("The engine's per-process constants (docs/memory.md) were measured with a bare Flask app and a bare\n")
	p("ASGI app. The engine already charges every WSGI model for a `requests.Session` and asyncio for an\n")
	p("aiohttp session in CPU, so it should charge their memory too. Real resident minus predicted, per\n")
	p("worker process:\n\n| row | real − engine MiB | workers | per worker |\n|---|---|---|---|\n")
	for _, m := range ms {
		if len(m.Real) == 0 {
			continue
		}
		cfg, _, _, _ := Predict(m.Scenario)
		d := m.Real[0].Mem.Resident - m.Pred.MemoryMB.Resident
		p("| %s | %+.1f | %d | %+.1f |\n", m.Row.Name, d, cfg.Workers, d/float64(cfg.Workers))
	}
	p("\n**Recommendation:** procRSS and extraRSS +6 MiB for the WSGI models (requests, urllib3, idna,\n")
	p("charset_normalizer, plus a session with its pool); +15 to 18 MiB for asyncio (aiohttp, yarl,\n")
	p("multidict, frozenlist); and +13 MiB more for a Flask async view that imports aiohttp. Or add a\n")
	p("scenario key for the app's own memory, since a real app imports far more than either library.\n")
	p("Pss sums agree with *resident* within a few MiB in every row (table), so the choice between the\n")
	p("engine's definition (the largest worker's RSS plus everyone else's private pages) and summed Pss\n")
	p("does not explain the gap; the imports do.\n\n")

	p("### 4. What the engine cannot know, and scheduling order\n\n")
	p("* **Other jobs.** This 2-core machine is shared: in earlier runs of this harness other processes\n")
	p("  used up to 1.8 cores during a row (this run's context table shows what they used this time).\n")
	p("  CPU-bound rows then track (cores − others) / CPU per request, not\n")
	p("  cores / CPU. Nothing to change in the engine; set `cores=` to the free cores when comparing.\n")
	p("* **No network or client in the model.** On loopback the Go client and kernel add ~0.3-0.5 ms\n")
	p("  per request (cpu-hot: 1 / 648.7 rps is 1.54 ms a request against 1.25 ms of CPU). Invisible at\n")
	p("  100 ms calls, 20-40%% of a 1 ms request. A constant per-request `rtt` would close it.\n")
	p("* **Order is not FIFO.** *Applied:* the engine gives a free GIL to the thread that has waited\n")
	p("  longest with probability 0.15 and otherwise to a waiting thread drawn at random, and each\n")
	p("  forced switch costs the new holder 100 µs of CPU; a gevent greenlet whose client's next request is\n")
	p("  already buffered serves it without yielding the hub (probability 0.4), which lets a few clients\n")
	p("  win again and again while the hub is blocked. cpu-threads and gevent-blocking now show the\n")
	p("  real tails (cpu-threads-8: p99 250-290 ms over seeds against the real 275-299; a uniform draw\n")
	p("  gave 332-379). The event loop still runs its ready tasks first in, first out (asyncio's ready\n")
	p("  queue is a deque), and a freed sync worker takes the oldest connection.\n")
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
