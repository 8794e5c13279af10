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

// On one core an RQ horse forks (about 67 ms of CPU) while the web worker
// serves one client. The request that enqueued the job has used no more
// than its share when the horse takes the core, so its response waits for
// the first tick that finds the horse's protected slice over (4 ms), not
// for the horse's slice to end. The next request comes after the client's
// 20 ms think: the web worker slept, is owed CPU, and preempts the horse at
// once.
func TestKernelWakePreempt(t *testing.T) {
	sc := mustParse(t, "model=sync workers=1 cores=1 background=1 calls=1 io=1s clients=1 think=20ms requests=3")
	s := NewLane(sc, 0, Options{Timelines: 3})
	s.Run()
	waits := func(seq int64) []Segment {
		tl, ok := s.Timeline(seq)
		if !ok {
			t.Fatalf("no timeline for request %d", seq)
		}
		var w []Segment
		for _, g := range tl.Segments {
			if g.State == stWaitCore || g.State == stWaitGIL {
				w = append(w, g)
			}
		}
		return w
	}
	if w := waits(1); len(w) != 1 || w[0].End != kernelTick {
		t.Errorf("request 1 waits for a core %+v, want one wait that ends at the tick, %v", w, kernelTick)
	}
	for seq := int64(2); seq <= 3; seq++ {
		if w := waits(seq); len(w) != 0 {
			t.Errorf("request %d waits for a core %+v, want none: it preempts the horse", seq, w)
		}
	}
}
