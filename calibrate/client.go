package calibrate

import (
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
// on a new connection 230 and 301 µs (half of 461 and 602). Rerun it on a
// quiet machine with the next full run.
const ClientRTT = 200 * time.Microsecond

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
// is the floor's mean; the rest is load and varies with it. Rerun it on a
// quiet machine with the next full run.
const IOLate = 300 * time.Microsecond

// WithClient returns scenario text with the harness's client time (rtt)
// and its upstream's lateness (io-late) appended, before its seed, each
// unless it names one already.
func WithClient(scenario string) string {
	add := ""
	for _, k := range []struct {
		key string
		val time.Duration
	}{{"rtt", ClientRTT}, {"io-late", IOLate}} {
		if !namesKey(scenario, k.key) {
			add += " " + k.key + "=" + k.val.String()
		}
	}
	if head, ok := strings.CutSuffix(scenario, " seed=1"); ok {
		return head + add + " seed=1"
	}
	return scenario + add
}

// namesKey reports whether scenario sets key, at the start or live.
func namesKey(scenario, key string) bool {
	for _, f := range strings.Fields(scenario) {
		if strings.HasPrefix(f, key+"=") || strings.HasPrefix(f, key+"@") {
			return true
		}
	}
	return false
}
