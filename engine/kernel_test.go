package engine

import (
	"testing"
	"time"
)

// sysctl_sched_base_slice is 0.7 ms times 1 + ilog2(min(cores, 8)).
func TestBaseSlice(t *testing.T) {
	for _, c := range []struct {
		cores int
		want  time.Duration
	}{{1, 700 * time.Microsecond}, {2, 1400 * time.Microsecond}, {3, 1400 * time.Microsecond},
		{4, 2100 * time.Microsecond}, {8, 2800 * time.Microsecond}, {64, 2800 * time.Microsecond}} {
		if got := baseSlice(c.cores); got != c.want {
			t.Errorf("baseSlice(%d) = %v, want %v", c.cores, got, c.want)
		}
	}
}

// On one core an RQ horse forks (about 67 ms of CPU) when the web worker's
// first request enqueues its job. The web worker keeps its core through the
// enqueue to its response (it does not sleep in between), so request 1 does
// not wait. With a client that comes back 100 µs later, the worker wakes
// inside the horse's protected slice (one base slice, 1.4 ms, from its
// pick) and waits for the first tick that finds it over: 4 ms for request
// 2, and 8 ms for request 3, whose worker woke just after the horse took the
// core back. With a 20 ms think the web worker slept long enough to be owed
// CPU, the horse's protection is over, and it preempts the horse at once.
func TestKernelWakePreempt(t *testing.T) {
	waits := func(sc string) [][]Segment {
		s := NewLane(mustParse(t, sc), 0, Options{Timelines: 3})
		s.Run()
		var all [][]Segment
		for seq := int64(1); seq <= 3; seq++ {
			tl, ok := s.Timeline(seq)
			if !ok {
				t.Fatalf("%s: no timeline for request %d", sc, seq)
			}
			var w []Segment
			for _, g := range tl.Segments {
				if g.State == stWaitCore || g.State == stWaitGIL {
					w = append(w, g)
				}
			}
			all = append(all, w)
		}
		return all
	}
	const base = "model=sync workers=1 cores=1 background=1 calls=1 io=1s clients=1 requests=3 "
	w := waits(base + "think=100us")
	if len(w[0]) != 0 {
		t.Errorf("think=100us: request 1 waits for a core %+v, want none", w[0])
	}
	for i, tick := range []time.Duration{kernelTick, 2 * kernelTick} {
		if g := w[i+1]; len(g) != 1 || g[0].End != tick {
			t.Errorf("think=100us: request %d waits for a core %+v, want one wait that ends at the tick, %v", i+2, g, tick)
		}
	}
	for i, g := range waits(base + "think=20ms") {
		if len(g) != 0 {
			t.Errorf("think=20ms: request %d waits for a core %+v, want none: it preempts the horse", i+1, g)
		}
	}
}
