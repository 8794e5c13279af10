package engine

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// The queue must give events in (time, scheduling order) order: ties are
// first in, first out, arrivals whether they
// wait in their lane (pushed in time order) or on the heap (not), calls'
// returns and preemptions likewise in theirs, and other events whether they
// wait in the slot in front of the heap or on it, pushed by push or by
// pushDue; a look (peek) before a pop sees the event the pop takes.
func TestEventQueueOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var q eventQueue
	type key struct {
		at  time.Duration
		seq uint64
	}
	var want []key
	for round := 0; round < 50; round++ {
		for i := 0; i < rng.IntN(200); i++ {
			at := time.Duration(round*5 + rng.IntN(50)) // many ties, mostly later
			kind := []evKind{evArrive, evSliceEnd, evIODone, evPreempt}[rng.IntN(4)]
			if rng.IntN(4) == 0 {
				q.pushDue(event{at: at, kind: kind}) // meant for events due now, right for any
			} else {
				q.push(event{at: at, kind: kind})
			}
			want = append(want, key{at, q.seq})
		}
		slices.SortFunc(want, func(a, b key) int {
			if a.at != b.at {
				return int(a.at - b.at)
			}
			return int(a.seq) - int(b.seq)
		})
		for i := 0; i < rng.IntN(150) && q.len() > 0; i++ {
			var p event
			if peek := rng.IntN(2) == 0; peek {
				p = *q.peek()
			}
			e := q.pop()
			if p.seq != 0 && p != e {
				t.Fatalf("peek = %+v, then pop = %+v", p, e)
			}
			if e.at != want[0].at || e.seq != want[0].seq {
				t.Fatalf("pop = (%v, %d), want (%v, %d)", e.at, e.seq, want[0].at, want[0].seq)
			}
			want = want[1:]
		}
	}
}
