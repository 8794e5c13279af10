package engine

import "testing"

// eventlet's hub runs the green threads of one poll in a set's order, drawn
// afresh each turn: with a blocking call and think time (no request is ever
// already buffered, so each turn serves every client once) the mean wait is
// first in, first out's, the other nine calls, but a request may wait from
// one call to nearly two turns. gevent's hub keeps each connection's place
// from turn to turn, so there every request waits the same.
func TestEventletHubRunsATurnInASetsOrder(t *testing.T) {
	const base = " clients=10 io=50ms blocking=true think=1ms requests=600"
	ev := run1(t, "model=eventlet"+base)
	gv := run1(t, "model=gevent"+base)
	if gv.LatencyMS.P99 > 1.05*gv.LatencyMS.P50 {
		t.Fatalf("gevent: p50 %.0f, p99 %.0f ms; want first in, first out", gv.LatencyMS.P50, gv.LatencyMS.P99)
	}
	if !near(ev.LatencyMS.Mean, gv.LatencyMS.Mean, 0.05) {
		t.Errorf("eventlet: mean %.0f ms, gevent %.0f; want the same (one call at a time, ten clients: Little's law)", ev.LatencyMS.Mean, gv.LatencyMS.Mean)
	}
	if ev.LatencyMS.P99 < 1.5*ev.LatencyMS.P50 {
		t.Errorf("eventlet: p50 %.0f, p99 %.0f ms; want the tail well above the median (a turn's order is drawn afresh)", ev.LatencyMS.P50, ev.LatencyMS.P99)
	}
	if ev.LatencyMS.P99 > 2.1*gv.LatencyMS.P99 {
		t.Errorf("eventlet: p99 %.0f ms, gevent %.0f; want at most about two turns", ev.LatencyMS.P99, gv.LatencyMS.P99)
	}
}

// The set's order is the run's: the same scenario and seed give the same
// latencies, and another seed other ones.
func TestEventletHubOrderFollowsTheSeed(t *testing.T) {
	const base = "model=eventlet clients=10 io=50ms blocking=true think=1ms requests=300 seed="
	a, b, c := run1(t, base+"3"), run1(t, base+"3"), run1(t, base+"4")
	if a.LatencyMS != b.LatencyMS {
		t.Errorf("seed 3 twice: %+v and %+v; want the same", a.LatencyMS, b.LatencyMS)
	}
	if a.LatencyMS == c.LatencyMS {
		t.Errorf("seeds 3 and 4: both %+v; want the order drawn from the seed", a.LatencyMS)
	}
}
