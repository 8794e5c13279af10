package engine

import (
	"testing"
	"time"
)

// A call on a green hub goes round the hub's loop before it is sent when
// its client makes the hub wait on nothing (hubtrips.go): requests'
// poll(0) on gevent and select(0) on eventlet, urllib's resolver on gevent.
// The trip is a CPU slice of its own before the call; a sleep, eventlet's
// urllib and a thread make none (a call that cannot yield: TestHubTripAddsNoCPU).
func TestHubTripSlicesBeforeCall(t *testing.T) {
	for _, tc := range []struct {
		text string
		want int
	}{
		{"model=gevent clients=1 io=100ms requests=3", 2},
		{"model=eventlet clients=1 io=100ms requests=3", 2},
		{"model=gevent http-client=urllib clients=1 io=100ms requests=3", 2},
		{"model=gevent http-client=httpx clients=1 io=100ms requests=3", 2},
		{"model=eventlet http-client=urllib clients=1 io=100ms requests=3", 1},
		{"model=gevent wait=sleep clients=1 io=100ms requests=3", 1},
		{"model=gthread clients=1 io=100ms requests=3", 1},
	} {
		for _, seq := range []int64{1, 2} {
			if n := cpuSlicesBeforeCall(t, tc.text, seq); n != tc.want {
				t.Errorf("%q request %d: %d CPU slices before its call, want %d", tc.text, seq, n, tc.want)
			}
		}
	}
}

// cpuOf returns the CPU time request seq of a run of text was given, and
// the timeline.
func cpuOf(t *testing.T, text string, seq int64) (time.Duration, Timeline) {
	t.Helper()
	tl := timelineOf(t, text, seq, time.Second)
	var d time.Duration
	for _, g := range tl.Segments {
		if g.State == StateCPU && g.End > g.Start {
			d += g.End - g.Start
		}
	}
	return d, tl
}

// The trip moves part of the call's CPU before the send; it adds none: a
// lone client's kept-alive request costs the same with a blocking call
// (no trip) and with one that yields, on gevent and on eventlet.
func TestHubTripAddsNoCPU(t *testing.T) {
	for _, m := range []string{"gevent", "eventlet"} {
		base := "model=" + m + " clients=1 io=50ms requests=4"
		yielding, tl := cpuOf(t, base, 3)
		blocking, _ := cpuOf(t, base+" blocking=true", 3)
		if yielding == 0 || yielding != blocking {
			t.Errorf("%s: request 3 ran %v of CPU with a yielding call and %v with a blocking one, want the same, not 0 (%v)",
				m, yielding, blocking, tl.Segments)
		}
	}
}

// The trip's turn queues behind the tasks that were ready before it: two
// clients that send at once on one gevent hub run both handlers before
// the first request's trip, so the first call goes out after the second
// request's first slice.
func TestHubTripQueuesBehindReadyTasks(t *testing.T) {
	const text = "model=gevent clients=2 io=100ms requests=4"
	_, first := cpuOf(t, text, 1)
	_, second := cpuOf(t, text, 2)
	var firstCPU []Segment
	for _, g := range first.Segments {
		if g.State == StateCPU {
			firstCPU = append(firstCPU, g)
		}
	}
	var secondStart time.Duration = -1
	for _, g := range second.Segments {
		if g.State == StateCPU {
			secondStart = g.Start
			break
		}
	}
	if len(firstCPU) < 2 || secondStart < 0 {
		t.Fatalf("%q: request 1 ran %d CPU slices, request 2 started at %v: %v / %v", text, len(firstCPU), secondStart, first.Segments, second.Segments)
	}
	if !(firstCPU[0].End <= secondStart && secondStart < firstCPU[1].Start) {
		t.Errorf("%q: request 2's handler began at %v, want between request 1's handler (ended %v) and its trip (began %v)",
			text, secondStart, firstCPU[0].End, firstCPU[1].Start)
	}
}
