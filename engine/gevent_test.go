package engine

import "testing"

// A greenlet whose client's next request is already there serves it
// without yielding the hub (holdLoop), so with a blocking call the hub's
// turns are unfair: the same throughput as first in, first out, a wider
// spread of latencies. With think time the next request is never already
// there, and every request waits for the other nine calls.
func TestGeventServesABufferedRequestWithoutYielding(t *testing.T) {
	const base = "model=gevent clients=10 io=50ms blocking=true requests=300"
	r := run1(t, base)
	fair := run1(t, base+" think=1ms")
	if r.LatencyMS.P99 < 1.5*fair.LatencyMS.P99 {
		t.Errorf("blocking gevent: p99 %.0f ms, with think time %.0f ms; want the unfair hub's tail well above", r.LatencyMS.P99, fair.LatencyMS.P99)
	}
	if fair.LatencyMS.P99 > 1.05*fair.LatencyMS.P50 {
		t.Errorf("blocking gevent with think time: p50 %.0f, p99 %.0f ms; want first in, first out (every request waits for the other nine)", fair.LatencyMS.P50, fair.LatencyMS.P99)
	}
	if !near(r.ThroughputRPS, fair.ThroughputRPS, 0.1) {
		t.Errorf("blocking gevent: %.1f req/s, with think time %.1f; want about the same (one call at a time either way)", r.ThroughputRPS, fair.ThroughputRPS)
	}
}
