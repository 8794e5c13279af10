package engine

import (
	"testing"
	"time"
)

// A run that ends by its request count ends when no request can come any
// more: before, each of these ran on forever on the arbiter's ticks (the
// CLI never returned). A burst's run ends as its last request does, a rate
// set to 0 at the next arbiter tick after its last request (once a
// second).
func TestRunEndsWhenTrafficStops(t *testing.T) {
	for _, tc := range []struct {
		text      string
		completed int64
		before    time.Duration // the run's end comes before this
	}{
		{"model=sync burst=10 requests=20", 10, 1100 * time.Millisecond},
		{"model=sync clients=5 clients@1s=0 requests=1000", 14, 1500 * time.Millisecond},
		{"model=sync rate=5 rate@1s=0 requests=1000", 6, 2001 * time.Millisecond},
		// Every client of the burst gives up at 0.1 s: a burst sends no
		// more, so the live change still to come at 2 s changes nothing.
		{"model=eventlet io=1s burst=100 client-timeout=100ms cpu@2s=5ms requests=300", 0, 101 * time.Millisecond},
	} {
		sc := mustParse(t, tc.text)
		s := NewLane(sc, 0, Options{})
		r := s.Run()
		if r.Completed != tc.completed || s.Now() >= tc.before {
			t.Errorf("%s: completed %d at %v, want %d before %v", tc.text, r.Completed, s.Now(), tc.completed, tc.before)
		}
	}
	// Traffic that comes back after a pause keeps the run going.
	s := NewLane(mustParse(t, "model=sync clients=5 clients@1s=0 clients@3s=2 requests=30"), 0, Options{})
	if r := s.Run(); r.Completed != 30 || s.Now() < 3*time.Second {
		t.Errorf("clients back at 3 s: completed %d at %v, want 30 after 3s", r.Completed, s.Now())
	}
}
