package engine

import (
	"testing"
	"time"
)

// cpuSlicesAfterCall counts the CPU slices request seq runs after its last
// upstream call (or sleep) ends, in a run of text.
func cpuSlicesAfterCall(t *testing.T, text string, seq int64) int {
	t.Helper()
	tl := timelineOf(t, text, seq, 2*time.Second)
	n, seen := 0, false
	for _, g := range tl.Segments {
		switch {
		case g.State == StateIO:
			n, seen = 0, true
		case g.State == StateCPU:
			n++
		}
	}
	if !seen {
		t.Fatalf("%q: request %d made no call: %v", text, seq, tl.Segments)
	}
	return n
}

// On asyncio's loop the callback that ends a task's wait (the response's
// read, a sleep's timer) runs in one iteration and the task's step in the
// next: two slices after the call. gevent's hub switches to the greenlet
// from the watcher's callback: one slice.
func TestCallbackRunsInAnIterationOfItsOwn(t *testing.T) {
	for _, tc := range []struct {
		text string
		want int
	}{
		{"model=asyncio clients=1 io=100ms requests=3", 2},
		{"model=asyncio clients=1 io=100ms wait=sleep requests=3", 2},
		{"model=fastapi view=async clients=1 io=100ms requests=3", 2},
		{"model=gevent clients=1 io=100ms requests=3", 1},
	} {
		if n := cpuSlicesAfterCall(t, tc.text, 2); n != tc.want {
			t.Errorf("%q: %d CPU slices after the call, want %d", tc.text, n, tc.want)
		}
	}
}

// One request at a time, the split costs nothing: each iteration runs
// alone and charges its share of the measured figures, so a request's
// latency on asyncio is the same with its hand-offs apart.
func TestIterationsApartCostTheMeasuredFigures(t *testing.T) {
	c := asyncio.costs
	r := run1(t, "model=asyncio clients=1 io=100ms io-late=0 requests=2 keepalive=true")
	// The second request: parse, its call, the response's read and the
	// task's step with the response, each of its iterations charged in
	// full (nothing else is ready).
	want := 100*time.Millisecond + c.parse + c.resume + c.respond
	first := run1(t, "model=asyncio clients=1 io=100ms io-late=0 requests=1")
	got := time.Duration((2*r.LatencyMS.Mean - first.LatencyMS.Mean) * float64(time.Millisecond))
	if d := got - want; d < -time.Microsecond || d > time.Microsecond {
		t.Errorf("second request alone: %v, want %v (100 ms, parse %v, resume %v, respond %v)", got, want, c.parse, c.resume, c.respond)
	}
}
