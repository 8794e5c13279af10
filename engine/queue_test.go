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
// returns likewise and also when one that comes a little late is put in its
// place in their lane (most pushes here come before the last return queued,
// some a few places back, some further: TestLateReturnInLane checks which
// way each goes), preemptions in theirs, and other events whether they
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
			kind := []evKind{evArrive, evSliceEnd, evIODone, evBalance}[rng.IntN(4)]
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

// A call's return that comes a little late, before the last returns queued
// but at most laneBack places back, waits in the returns' lane, not on the
// heap, in its (time, seq) place, ties after the events of its time; one
// that comes further back goes on the heap; both pop in order.
func TestLateReturnInLane(t *testing.T) {
	var q eventQueue
	q.push(event{at: 1, kind: evSliceEnd}) // held: the returns then go in their lane
	for i := 1; i <= 2*laneBack; i++ {
		q.push(event{at: time.Duration(10 * i), kind: evIODone})
	}
	lane, heap := q.ret.size, len(q.items)
	late := time.Duration(10*(laneBack+1) - 5) // laneBack places back from the tail
	q.push(event{at: late, kind: evIODone})
	if q.ret.size != lane+1 || len(q.items) != heap {
		t.Fatalf("a return %d places back: lane %d -> %d, heap %d -> %d; want it in the lane",
			laneBack, lane, q.ret.size, heap, len(q.items))
	}
	tie := time.Duration(10 * (2*laneBack - 1))
	q.push(event{at: tie, kind: evIODone}) // one back, after the return of its time
	q.push(event{at: 2, kind: evIODone})   // before them all
	if q.ret.size != lane+2 || len(q.items) != heap+1 {
		t.Fatalf("a return before them all: lane %d, heap %d; want %d and %d", q.ret.size, len(q.items), lane+2, heap+1)
	}
	want := []time.Duration{1, 2}
	for i := 1; i <= 2*laneBack; i++ {
		want = append(want, time.Duration(10*i))
		if i == laneBack {
			want = append(want, late)
		}
		if time.Duration(10*i) == tie {
			want = append(want, tie)
		}
	}
	var last uint64
	for i, w := range want {
		e := q.pop()
		if e.at != w {
			t.Fatalf("pop %d at %v, want %v", i, e.at, w)
		}
		if i > 0 && e.at == want[i-1] && e.seq < last {
			t.Fatalf("pop %d (%v) seq %d after seq %d: ties must be first in, first out", i, e.at, e.seq, last)
		}
		last = e.seq
	}
	if q.len() != 0 {
		t.Errorf("%d events left", q.len())
	}

	// A lane of laneBack returns takes one before them all at its head,
	// ahead of the heap's event that comes before the lane's old head.
	q.push(event{at: 1, kind: evSliceEnd})
	for i := 1; i <= laneBack; i++ {
		q.push(event{at: time.Duration(10 * i), kind: evIODone})
	}
	q.push(event{at: 7, kind: evSliceEnd})
	q.push(event{at: 5, kind: evIODone})
	if q.ret.size != laneBack+1 || len(q.items) != 1 {
		t.Fatalf("a return before a lane of %d: lane %d, heap %d; want %d and 1", laneBack, q.ret.size, len(q.items), laneBack+1)
	}
	want = []time.Duration{1, 5, 7}
	for i := 1; i <= laneBack; i++ {
		want = append(want, time.Duration(10*i))
	}
	for i, w := range want {
		if e := q.pop(); e.at != w {
			t.Fatalf("pop %d at %v, want %v", i, e.at, w)
		}
	}
}
