package calibrate

import (
	"strconv"
	"strings"
	"time"
)

// ClientRTT is what the harness's own client adds to each request, as the
// engine's key rtt says it: the time from an answer leaving the server to
// the client's next request reaching it (a mean; a new connection pays it
// twice). The harness appends it to every row's scenario (WithClient).
//
// The Go client (load.go) runs on the same cores as the server, over
// loopback. In the quiet run of 2026-12-02 its process spent 0.11-0.12 ms
// of CPU per request on a kept-alive connection (row asyncio-sleep: 0.36-0.43
// cores at 3,324-3,612 req/s, with no upstream calls) and 0.18-0.22 ms per
// request on a new connection (asyncio-limit: 0.66 cores at 3,000-3,700
// requests a second, nearly all refused at once). With the cores busy,
// the rest of the turn-around is small: cpu-hot's one client on a new
// connection each time (648.7 req/s, 1.54 ms a request, 1.25 ms of it the
// worker's CPU) left 0.29 ms for the client, the kernel and the upstream's
// answer together. 200µs is the mean that fits these: 0.2 ms on a kept-alive
// connection, 0.4 ms on a new one. With the cores idle, wake-ups add more:
// cpu-cold (one client, 20 ms calls, 41.7 req/s) left 1.4 ms a request
// outside the call and the worker's 2.57 ms of CPU, the upstream's and the
// worker's own wake-ups included. go run ./cmd/calibrate -client times the
// client directly (ProbeClient: from a do-nothing server's write to the
// next request's first line). Run here on a loaded machine (2026-12-02
// 06:10 UTC, load average 6.7-7.2), per draw of rtt: kept alive 57 µs
// with the cores busy and 299 µs when the server holds each request 20 ms;
// on a new connection 230 and 301 µs (half of 461 and 602). Rerun on a
// quiet machine (2026-12-02 07:39 UTC, load average 1.2, no other jobs):
// kept alive 34 µs after a 0 s hold and 277 µs after a 20 ms one (the
// client's wake-up from idle), a new connection 89 and 268 µs a trip; 200 µs
// stays the figure for the rows, whose calls are 20 ms or longer.
const ClientRTT = 200 * time.Microsecond

// ClientCPU is the CPU the harness's Go client spends per request on the
// server's own cores, as the engine's key client-cpu says it (twice on a
// new connection). The harness appends it beside ClientRTT (WithClient).
//
// Separated from the quiet run of 2026-12-02 (runs-2026-12-02.json,
// HarnessCPU: the harness process's CPU, which holds the client, the
// upstream and a sampler that reads the server's /proc every 200 ms). The
// row asyncio-sleep has no upstream call: 0.359-0.426 cores at 3,324-3,612
// req/s, less the sampler's 0.04 core (what the harness spends on rows of
// under 50 req/s: dev 0.041, cpu-threads 0.040-0.053), is 0.096-0.107 ms a
// request kept alive. A least-squares fit over every row (cores = base +
// a x requests kept alive + b x requests on new connections + c x upstream
// calls, per second) gives a = 0.093 ms, b = 0.169 ms (asyncio-limit: 0.66
// cores at 2,956-3,720 requests a second, nearly all refused: about twice a
// kept-alive one, as the key charges), c = 0.171 ms and base 0.068 cores.
// The upstream's CPU (c, per call, not per request) is not in this key:
// it is UpstreamCPU's, below. The sampler's (base: it grows with the
// server's processes, 0.09-0.12 core on cpu-procs' three) is the key
// sampler-cpu's (SamplerCPU, below). A short
// cross-check on a loaded machine (2026-12-02 06:57 UTC, uptime's load
// average 2.62-2.97, other processes on 1.2-1.3 cores during asyncio-sleep
// and 0.06-0.18 during asyncio-limit; -only asyncio-sleep,asyncio-limit
// -ports 21400): asyncio-sleep's harness 0.26-0.30 cores at 1,743-2,112
// req/s, 0.12 ms a request after the sampler's 0.04; asyncio-limit's
// 0.56-0.61 cores at about 2,300 requests a second on new connections,
// 0.22 ms a request. CPU time, unlike wall time, barely moves with the load.
const ClientCPU = 100 * time.Microsecond

// UpstreamCPU is the CPU the harness's upstream spends per call on the
// server's own cores, as the engine's key upstream-cpu says it (half to
// read the call before its hold, half to write the answer after it, on
// the clients' threads): c of the fit above, 0.171 ms. WithClient does
// NOT append it. Appended to every row (2026-12-02, docs/cpu.md "The
// upstream's CPU on the server's cores") it brings sync-4w-2ms (663.0 rps
// against the real median 621.8) and gevent-4w (1067.8 against 1061.3)
// into their goals and takes asyncio-pool (its bistable pool hand-over
// falls to 545.3 rps), cpu-hot (a serial row whose rtt already covers what
// the upstream costs on its path), asyncio-1000's p50, fastapi-def's p99,
// gevent-4w-blocking's p99 and articles-gevent's throughput out: 253
// checks of 274 pass without it, 251 with it. The fit's 0.171 ms also
// holds what runs off the call's path (the goroutine's next read and park,
// the runtime's own work), which no measurement here separates.
const UpstreamCPU = 171 * time.Microsecond

// IOLate is how much later than asked the harness's upstream answers, as
// the engine's key io-late says it (the mean of an exponential draw per
// call). The upstream (upstream.go) holds each call with time.Sleep, and a
// Go timer fires late: go run ./cmd/calibrate -upstream (ProbeUpstream)
// records each hold. Run on a machine loaded by other jobs (2026-12-02
// 06:48 and 06:52 UTC, load average 1.5-2.7): an idle timer of one
// goroutine came 0.29-0.36 ms late on average (p10 0.21-0.23, p50
// 0.26-0.31, p90 0.37-0.43 ms; 0.34-0.40 before 100 ms holds), and the
// upstream's holds with one client calling it (20 ms, as row cpu-cold) the
// same, 0.30-0.37 ms (p99 1.1-1.2 ms): with nothing else due the lateness
// is the timer's floor, not the load's. With 40 clients calling at once
// (100 ms, as fastapi-def) the holds came 0.82-1.0 ms late on average (p10
// 17-42 µs, p50 0.69 ms, p99 4.0-8.7 ms), the upstream's 40 goroutines
// waking beside the probe's 40 clients on 2 loaded cores; in a row the
// server takes those cores instead, which the engine charges itself. 300µs
// is the floor's mean; the rest is load and varies with it. Rerun on a quiet
// machine (2026-12-02 07:40 UTC, load average 0.7-1.2): an idle timer came
// 313 µs late (p10 257, p90 350 µs) and the upstream's 20 ms holds 312 µs
// with one client; with 40 clients at once 685 µs (p99 1.9 ms), the holds
// waking together beside the probe's own clients.
const IOLate = 300 * time.Microsecond

// SamplerBase and SamplerPerWorker give the CPU of one sample of the
// harness's sampler, as the engine's key sampler-cpu says it: base +
// per worker x the server's workers (SamplerCPU). Every 200 ms the sampler
// (run.go) reads each server process's smaps_rollup and stat, and walks the
// whole of /proc (every process's stat) to find the arbiter's children
// once for the memory, once for the threads and once per worker for that
// worker's children (server.go: liveWorkers, Children): so a sample grows
// with the workers. Separated from the quiet runs of 2026-12-02
// (runs-2026-12-02.json, HarnessCPU): for every run of the sync rows (16
// runs, 1 to 50 workers, every request on a new connection), the harness's
// cores less the client's and the upstream's share by the fit above
// (0.169 ms a request on a new connection, 0.171 ms an upstream call),
// over 5 samples a second, is 13.8-15.8 ms a sample with 1 worker
// (cpu-cold), 12.5-22.9 with 2 (overload-timeout, sync-max-requests,
// cpu-procs), 15.6-15.9 with 4 (sync-4w), 58.3-60.9 with 20 (sync-20w) and
// 102.4-110.0 with 50 (sync-50w); cpu-hot's one worker reads 25.9-29.0,
// where the client's 650 requests a second leave the most to misfit. A
// least-squares line through all 16 runs gives 15.2 ms + 1.86 ms a worker.
// It is not the sampler alone but all of the harness that the per-request
// and per-call figures do not cover (its Go runtime's own work, timers).
const (
	SamplerBase      = 15200 * time.Microsecond
	SamplerPerWorker = 1860 * time.Microsecond
)

// SamplerCPU returns the CPU of one sample of the harness's sampler for a
// scenario's server: SamplerBase and SamplerPerWorker for its workers (1
// when the scenario does not say, or says a list).
func SamplerCPU(scenario string) time.Duration {
	w := 1
	for _, f := range strings.Fields(scenario) {
		if v, ok := strings.CutPrefix(f, "workers="); ok {
			if n, err := strconv.Atoi(v); err == nil && n > 0 {
				w = n
			}
		}
	}
	return SamplerBase + time.Duration(w)*SamplerPerWorker
}

// NewidleBalance is whether a core of the calibration machine that goes
// idle pulls a waiting process at once, as the engine's key newidle says
// it: mostly not. In a run of sync-4w-2ms traced with ftrace
// (scripts/measure/schedtrace and wakeplace.py, 2026-12-02 16:44 UTC, other
// jobs at nice 19 on 0.6 cores) a core went idle 456 times while two or
// more workers were runnable on the other and pulled one 18 times; 4
// processes spinning 2 ms and sleeping 2 ms, 16 times in 104. The engine's
// choice is all or nothing, and nothing is nearer (docs/cpu.md).
const NewidleBalance = false

// WithClient returns scenario text with the harness's client time (rtt),
// its client's CPU on these cores (client-cpu), its upstream's lateness
// (io-late), its sampler's CPU (sampler-cpu) and its kernel's newly-idle
// balance (newidle) appended, before its seed,
// each unless it names one already.
func WithClient(scenario string) string {
	add := ""
	for _, kv := range []struct{ key, val string }{
		{"rtt", ClientRTT.String()}, {"client-cpu", ClientCPU.String()}, {"io-late", IOLate.String()},
		{"sampler-cpu", SamplerCPU(scenario).String()}, {"newidle", strconv.FormatBool(NewidleBalance)},
	} {
		if !names(scenario, kv.key) {
			add += " " + kv.key + "=" + kv.val
		}
	}
	if head, ok := strings.CutSuffix(scenario, " seed=1"); ok {
		return head + add + " seed=1"
	}
	return scenario + add
}

// names reports whether scenario text sets key (or changes it live).
func names(scenario, key string) bool {
	for _, f := range strings.Fields(scenario) {
		if strings.HasPrefix(f, key+"=") || strings.HasPrefix(f, key+"@") {
			return true
		}
	}
	return false
}
