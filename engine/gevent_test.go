package engine

import "testing"

// A greenlet whose client's next request is already there serves it
// without yielding the hub (holdLoop), so with a blocking call the hub's
// turns are unfair: the same throughput as first in, first out, a wider
// spread of latencies. With think time the next request is never already
// there, and every request waits for the other nine calls. (eventlet's
// worker serves a buffered request the same way, but its hub's turns are
// not first in, first out: eventlethub_test.go.)
func TestGeventServesABufferedRequestWithoutYielding(t *testing.T) {
	for _, model := range []string{"gevent"} {
		t.Run(model, func(t *testing.T) {
			base := "model=" + model + " clients=10 io=50ms blocking=true requests=300"
			r := run1(t, base)
			fair := run1(t, base+" think=1ms")
			if r.LatencyMS.P99 < 1.5*fair.LatencyMS.P99 {
				t.Errorf("blocking %s: p99 %.0f ms, with think time %.0f ms; want the unfair hub's tail well above", model, r.LatencyMS.P99, fair.LatencyMS.P99)
			}
			if fair.LatencyMS.P99 > 1.05*fair.LatencyMS.P50 {
				t.Errorf("blocking %s with think time: p50 %.0f, p99 %.0f ms; want first in, first out (every request waits for the other nine)", model, fair.LatencyMS.P50, fair.LatencyMS.P99)
			}
			if !near(r.ThroughputRPS, fair.ThroughputRPS, 0.1) {
				t.Errorf("blocking %s: %.1f req/s, with think time %.1f; want about the same (one call at a time either way)", model, r.ThroughputRPS, fair.ThroughputRPS)
			}
		})
	}
}
