package engine

import (
	"testing"
	"time"
)

// A call that answers at once leaves the worker hot on its core: it costs
// the back-to-back CPU of a requests.Session call, not the cold figure of a
// call that waited (calibration rows cpu-hot and cpu-cold). With one client
// the latency is the CPU of the request.
func TestResumeHotAfterZeroWait(t *testing.T) {
	c := specOf(ModelSync).costs
	for _, tc := range []struct {
		io   time.Duration
		want time.Duration
	}{
		{0, c.parse + c.respond + c.resume - requestsCold},
		{time.Millisecond, time.Millisecond + c.parse + c.respond + c.resume},
		{20 * time.Millisecond, 20*time.Millisecond + c.parse + c.respond + c.resume},
	} {
		r := run1(t, "model=sync clients=1 requests=50 seed=1 io-late=0 io="+tc.io.String())
		if got := r.LatencyMS.P50; !near(got, ms(tc.want), 0.01) {
			t.Errorf("io=%v: p50 = %.4f ms, want %.4f ms", tc.io, got, ms(tc.want))
		}
	}
	// The hot call is the back-to-back figure of docs/cpu.md, about 750µs.
	if hot := c.resume - c.coldExtra; hot != 750*time.Microsecond {
		t.Errorf("a hot requests call costs %v, want 750µs", hot)
	}
}
