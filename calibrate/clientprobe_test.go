package calibrate

import (
	"context"
	"testing"
)

// The probe times every request after the first, kept alive or not, and a
// turn-around is never negative (the time is taken before the response is
// written, which the client waits for).
func TestProbeClient(t *testing.T) {
	for _, ka := range []bool{true, false} {
		ct, err := ProbeClient(context.Background(), 0, ka, 0, 30)
		if err != nil {
			t.Fatal(err)
		}
		if len(ct.Gaps) != 29 || ct.Quantile(0) < 0 || ct.Mean() <= 0 {
			t.Errorf("ProbeClient(keepalive %v): %d turn-arounds, smallest %v, mean %v; want 29, none negative",
				ka, len(ct.Gaps), ct.Quantile(0), ct.Mean())
		}
	}
}
