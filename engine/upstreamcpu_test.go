package engine

import (
	"math"
	"strconv"
	"testing"
	"time"
)

// On idle cores the upstream's CPU lies on each call's path: the read
// before the latency starts and the write after it, so a lone client's
// request takes upstream-cpu longer for each of its calls, to the
// nanosecond (fixed latencies, no lateness, no client time).
func TestUpstreamCPUOnTheCallsPath(t *testing.T) {
	const text = "model=sync clients=1 io=20ms io-dist=fixed io-late=0s requests=50"
	for _, tc := range []struct {
		calls int
		d     time.Duration
	}{{1, 500 * time.Microsecond}, {3, 500 * time.Microsecond}, {2, 171 * time.Microsecond}, {1, time.Nanosecond}} {
		calls := " calls=" + strconv.Itoa(tc.calls)
		base := run1(t, text+calls)
		got := run1(t, text+calls+" upstream-cpu="+tc.d.String())
		want := base.LatencyMS.Mean + float64(tc.calls)*float64(tc.d)/1e6
		if math.Abs(got.LatencyMS.Mean-want) > 1e-3 {
			t.Errorf("calls=%d upstream-cpu=%v: mean latency %.4f ms; want %.4f + %d x %v = %.4f",
				tc.calls, tc.d, got.LatencyMS.Mean, base.LatencyMS.Mean, tc.calls, tc.d, want)
		}
	}
}

// With the cores saturated, the upstream's CPU takes its share of them like
// the clients' own: four CPU-bound sync workers with one call a request
// serve 2 cores / (server CPU + upstream CPU) a second. Sleeps (wait=sleep)
// call no upstream and cost it nothing.
func TestUpstreamCPUTakesCores(t *testing.T) {
	const text = "model=sync workers=4 clients=8 cpu=20ms calls=1 io=1ms io-late=0s requests=600"
	base := run1(t, text)
	if base.CPUUtil < 0.95 {
		t.Fatalf("%s: CPU utilisation %.3f; the test needs busy cores", text, base.CPUUtil)
	}
	const d = 4 * time.Millisecond
	s, got := runSim(t, text+" upstream-cpu="+d.String())
	perReq := base.CPUUtil * 2 / base.ThroughputRPS // seconds of server CPU a request
	want := 2 / (perReq + d.Seconds())
	if !near(got.ThroughputRPS, want, 0.03) {
		t.Errorf("upstream-cpu=%v: %.1f rps; want about 2 cores / (%.2f + %.2f ms) = %.1f",
			d, got.ThroughputRPS, perReq*1000, d.Seconds()*1000, want)
	}
	if n := got.Completed; s.cli.cpu < time.Duration(n)*d {
		t.Errorf("upstream-cpu=%v: the clients' threads ran %v for %d calls; want at least %v", d, s.cli.cpu, n, time.Duration(n)*d)
	}
	sleep := "model=gevent clients=4 cpu=20ms calls=1 io=1ms wait=sleep requests=200"
	if a, b := run1(t, sleep), run1(t, sleep+" upstream-cpu="+d.String()); a.ThroughputRPS != b.ThroughputRPS {
		t.Errorf("%s: %.3f rps, with upstream-cpu=%v %.3f; sleeps call no upstream", sleep, a.ThroughputRPS, d, b.ThroughputRPS)
	}
}

// An RQ job's calls go to the same upstream, and pay its CPU on their path
// as a request's do: with one RQ worker and jobs of fixed calls, a job's
// CPU-free path grows by upstream-cpu a call, which slows the jobs.
func TestUpstreamCPUForRQJobs(t *testing.T) {
	const text = "model=sync workers=2 background=1 clients=1 think=500ms io=20ms io-dist=fixed io-late=0s calls=2 duration=20s"
	base := run1(t, text)
	got := run1(t, text+" upstream-cpu=10ms")
	if base.Jobs == nil || got.Jobs == nil || base.Jobs.Finished == 0 {
		t.Fatalf("%s: no jobs finished (%v)", text, base.Jobs)
	}
	b, g := base.Jobs.LatencyMS.Mean, got.Jobs.LatencyMS.Mean
	if !near(g-b, 20, 0.05) {
		t.Errorf("%s: job mean latency %.2f ms, with upstream-cpu=10ms %.2f; want it 20 ms longer (2 calls x 10 ms)", text, b, g)
	}
}
