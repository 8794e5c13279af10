package engine

import (
	"math"
	"testing"
	"time"
)

// io-late is how much later than its latency each upstream call's answer
// comes: an exponential draw of mean io-late per call.
func TestIOLateLatency(t *testing.T) {
	// One sync client, fixed io, no rtt: every request takes the same time
	// but for its calls' lateness, so the added latency's mean and
	// quantiles are the exponential's (mean m, p50 m·ln 2, p90 m·ln 10).
	const text = "model=sync clients=1 io=20ms requests=4000"
	a, b := run1(t, text+" io-late=0"), run1(t, text+" io-late=1ms")
	for _, q := range []struct {
		name      string
		got, want float64
	}{
		{"mean", b.LatencyMS.Mean - a.LatencyMS.Mean, 1},
		{"p50", b.LatencyMS.P50 - a.LatencyMS.P50, math.Ln2},
		{"p90", b.LatencyMS.P90 - a.LatencyMS.P90, math.Ln10},
	} {
		if !near(q.got, q.want, 0.1) {
			t.Errorf("io-late=1ms, one call: %s latency %.3f ms more; want about %.3f (an exponential of mean 1 ms)", q.name, q.got, q.want)
		}
	}
	// Each call draws its own: three calls add three means.
	a = run1(t, text+" calls=3 io-late=0")
	b = run1(t, text+" calls=3 io-late=1ms")
	if got := b.LatencyMS.Mean - a.LatencyMS.Mean; !near(got, 3, 0.1) {
		t.Errorf("io-late=1ms, 3 calls: mean latency %.3f ms more; want about 3", got)
	}
}

// io-late=0 keeps every call exact; a call of no latency waits on no
// timer, and a sleep (wait=sleep) is the app's own timer, not the
// upstream's: neither comes late.
func TestIOLateNotAdded(t *testing.T) {
	for _, tc := range []struct{ text, late string }{
		{"model=gthread workers=2 threads=5 clients=11 io=100ms requests=600 io-late=0", ""},
		{"model=sync clients=2 io=0s requests=300", " io-late=5ms"},
		{"model=asyncio clients=50 io=100ms wait=sleep requests=1000", " io-late=5ms"},
	} {
		a, b := run1(t, tc.text), run1(t, tc.text+tc.late)
		if a.ThroughputRPS != b.ThroughputRPS || a.LatencyMS != b.LatencyMS {
			t.Errorf("%q with%s: %.3f rps, %+v; want the run without it: %.3f rps, %+v", tc.text, tc.late, b.ThroughputRPS, b.LatencyMS, a.ThroughputRPS, a.LatencyMS)
		}
	}
	// With io-late=0 one client's 20 ms calls take exactly 20 ms each, so
	// every request takes the same time.
	r := run1(t, "model=sync clients=1 io=20ms requests=200 io-late=0")
	if r.LatencyMS.P50 != r.LatencyMS.P99 {
		t.Errorf("one sync client, io=20ms io-late=0: p50 %.3f ms, p99 %.3f; want equal (every call exact)", r.LatencyMS.P50, r.LatencyMS.P99)
	}
}

// The default io-late is defaultIOLate: a scenario that does not name it
// runs as one that names that value, and its calls come late by that mean.
func TestIOLateDefault(t *testing.T) {
	const text = "model=sync clients=1 io=20ms requests=4000"
	a, b := run1(t, text), run1(t, text+" io-late=300µs")
	if a.ThroughputRPS != b.ThroughputRPS || a.LatencyMS != b.LatencyMS {
		t.Errorf("%q: %.3f rps, %+v; want as with io-late=300µs: %.3f rps, %+v", text, a.ThroughputRPS, a.LatencyMS, b.ThroughputRPS, b.LatencyMS)
	}
	z := run1(t, text+" io-late=0")
	if got, want := a.LatencyMS.Mean-z.LatencyMS.Mean, defaultIOLate.Seconds()*1000; !near(got, want, 0.1) {
		t.Errorf("%q: mean latency %.4f ms above io-late=0's; want about %.4f (the default lateness)", text, got, want)
	}
}

// Exact calls and exact CPU make the sync workers tie on the scheduler's
// deadlines and move in lock-step with its 4 ms tick: 4 workers, 2 ms
// calls and 20 clients give exactly three requests a tick and p90 = p99.
// The default lateness breaks the ties: the throughput is no longer a
// ratio of the tick and the tail spreads, as a real server's does.
func TestIOLateBreaksLockStep(t *testing.T) {
	const text = "model=sync workers=4 io=2ms clients=20 duration=20s"
	exact, late := run1(t, text+" io-late=0"), run1(t, text)
	if exact.ThroughputRPS != 750 || exact.LatencyMS.P90 != exact.LatencyMS.P99 {
		t.Errorf("%q io-late=0: %.1f rps, p90 %.1f p99 %.1f ms; want 750.0 (3 requests a 4 ms tick) and p90 = p99 (lock-step)", text, exact.ThroughputRPS, exact.LatencyMS.P90, exact.LatencyMS.P99)
	}
	if late.ThroughputRPS <= 770 || late.LatencyMS.P99-late.LatencyMS.P90 < 1 {
		t.Errorf("%q (default io-late): %.1f rps, p90 %.1f p99 %.1f ms; want above 770 and p99 at least 1 ms above p90 (no lock-step)", text, late.ThroughputRPS, late.LatencyMS.P90, late.LatencyMS.P99)
	}
}

// The lateness is drawn per request and call from the seed alone, so the
// lanes of a comparison draw the same, whatever else differs.
func TestIOLateSameInEveryLane(t *testing.T) {
	rs := run(t, "model=sync clients=1 io=20ms requests=500 io-late=2ms cpu=1ms,3ms")
	if len(rs) != 2 {
		t.Fatalf("%d lanes, want 2", len(rs))
	}
	// cpu adds the same 2 ms to every request of the second lane; the
	// lateness is the same draw in both, so the quantiles differ by 2 ms.
	for _, q := range []struct {
		name string
		a, b float64
	}{{"p50", rs[0].LatencyMS.P50, rs[1].LatencyMS.P50}, {"p90", rs[0].LatencyMS.P90, rs[1].LatencyMS.P90}, {"p99", rs[0].LatencyMS.P99, rs[1].LatencyMS.P99}} {
		if d := q.b - q.a; math.Abs(d-2) > 0.05 {
			t.Errorf("cpu=1ms against 3ms with io-late=2ms: %s %.3f against %.3f ms, %.3f apart; want 2 (the same lateness in both lanes)", q.name, q.a, q.b, d)
		}
	}
}

// BenchmarkIOLate runs the same scenario with and without io-late, each op
// one run of each side by side, and reports the run with io-late as a
// ratio of the time of the run without (the cost of the extra draw a call).
func BenchmarkIOLate(b *testing.B) {
	const text = "model=asyncio clients=100 io=100ms rtt=200µs requests=100000 duration=1h"
	var base, late time.Duration
	for b.Loop() {
		for _, side := range []struct {
			extra string
			sum   *time.Duration
		}{{"", &base}, {" io-late=300µs", &late}} {
			sc, err := ParseScenario(text + side.extra)
			if err != nil {
				b.Fatal(err)
			}
			t0 := time.Now()
			New(sc.Lanes[0], Options{}).Run()
			*side.sum += time.Since(t0)
		}
	}
	b.ReportMetric(late.Seconds()/base.Seconds(), "late/fixed")
	b.ReportMetric(0, "ns/op")
}
