package engine

import (
	"testing"
	"time"
)

func newSim(t *testing.T, text string, opt Options) *Sim {
	t.Helper()
	sc, err := ParseScenario(text)
	if err != nil {
		t.Fatal(err)
	}
	return New(sc.Lanes[0], opt)
}

func TestSnapshotShape(t *testing.T) {
	tests := []struct {
		text        string
		workers     int
		lanes       int
		loop        bool
		wantBacklog bool
	}{
		{"model=gthread workers=2 threads=5 io=1s burst=200", 2, 5, false, false},
		{"model=sync workers=3 io=1s burst=20", 3, 1, false, true},
		{"model=asyncio workers=2 io=1s burst=50", 2, 1, true, false},
		{"model=uvicorn-wsgi io=1s burst=50", 1, 11, true, false},
		{"model=wsgi-to-asgi io=1s burst=50", 1, 2, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			s := newSim(t, tt.text, Options{})
			s.RunUntil(500 * time.Millisecond)
			var snap Snapshot
			s.Snapshot(&snap)
			if len(snap.Workers) != tt.workers {
				t.Fatalf("%d workers, want %d", len(snap.Workers), tt.workers)
			}
			for i, w := range snap.Workers {
				if w.Lanes != tt.lanes || w.Loop != tt.loop || !w.Alive {
					t.Errorf("worker %d = %+v, want %d lanes, loop %v, alive", i, w, tt.lanes, tt.loop)
				}
			}
			r := s.Result()
			if len(snap.Requests) != r.InFlight {
				t.Errorf("%d requests in the snapshot, want the %d in flight", len(snap.Requests), r.InFlight)
			}
			states := map[State]int{}
			backlogOrders := map[int]bool{}
			for _, q := range snap.Requests {
				states[q.State]++
				if q.State == StateBacklog {
					if backlogOrders[q.Order] {
						t.Errorf("two requests at backlog place %d", q.Order)
					}
					backlogOrders[q.Order] = true
					if q.Worker != -1 {
						t.Errorf("request %d in the backlog has worker %d", q.Seq, q.Worker)
					}
				}
				if q.State == StateIO && q.Calls == 0 {
					t.Errorf("request %d waits on I/O with no call in flight", q.Seq)
				}
			}
			if got := states[StateBacklog]; got != snap.Backlog || (got > 0) != tt.wantBacklog {
				t.Errorf("%d requests in backlog state, snapshot says %d; want some: %v", got, snap.Backlog, tt.wantBacklog)
			}
			for i := 0; i < len(backlogOrders); i++ {
				if !backlogOrders[i] {
					t.Errorf("backlog places are not 0..%d: %d missing", len(backlogOrders)-1, i)
				}
			}
			if states[StateIO] != snap.Upstream {
				t.Errorf("%d requests in io, %d upstream calls: with one call each they must match", states[StateIO], snap.Upstream)
			}
		})
	}
}

func TestSnapshotDoesNotAllocate(t *testing.T) {
	s := newSim(t, "model=gthread workers=4 threads=8 io=100ms clients=500", Options{})
	s.RunUntil(2 * time.Second)
	var snap Snapshot
	s.Snapshot(&snap)
	allocs := testing.AllocsPerRun(20, func() { s.Snapshot(&snap) })
	if allocs != 0 {
		t.Errorf("Snapshot allocates %.0f times per call once warm, want 0", allocs)
	}
}

func TestRecentAndEnded(t *testing.T) {
	s := newSim(t, "model=gthread threads=4 io=100ms clients=4", Options{Timelines: 50})
	s.RunUntil(30 * time.Second)
	rps, p50, p99, ok := s.Recent()
	if !ok || !near(rps, 4/0.1008, 0.1) || p50 < 100*time.Millisecond || p99 > 110*time.Millisecond {
		t.Errorf("Recent() = %.1f req/s, p50 %v, p99 %v; want about 40 req/s and 100ms", rps, p50, p99)
	}
	ends, n := s.EndedSince(0, nil)
	if n != s.Result().Completed || len(ends) != 1024 {
		t.Errorf("EndedSince(0) = %d ends, total %d; want the last 1024 of %d", len(ends), n, s.Result().Completed)
	}
	s.RunUntil(31 * time.Second)
	more, n2 := s.EndedSince(n, nil)
	if int64(len(more)) != n2-n || len(more) < 30 {
		t.Errorf("EndedSince(%d) = %d ends, total now %d", n, len(more), n2)
	}
	for _, e := range more {
		if !e.OK || e.At <= 30*time.Second {
			t.Errorf("end %+v: want answered after 30s", e)
		}
	}
	// An in-flight request's timeline ends now; a finished one is kept.
	var snap Snapshot
	s.Snapshot(&snap)
	tl, ok := s.Timeline(snap.Requests[0].Seq)
	if !ok || tl.Outcome != "in flight" || len(tl.Segments) == 0 || tl.Segments[len(tl.Segments)-1].End != s.Now() {
		t.Errorf("Timeline(in flight) = %+v, %v", tl, ok)
	}
	if tl, ok := s.Timeline(more[len(more)-1].Seq); !ok || tl.Outcome != "ok" {
		t.Errorf("Timeline(finished) = %+v, %v; want outcome ok", tl, ok)
	}
	if _, ok := s.Timeline(1); ok {
		t.Errorf("Timeline(1) found a request long gone from the ring")
	}
}

func TestAdvanceBudget(t *testing.T) {
	a := newSim(t, "model=asyncio io=100ms clients=200", Options{})
	b := newSim(t, "model=asyncio io=100ms clients=200", Options{})
	if a.Advance(10*time.Second, 3000) {
		t.Fatalf("Advance(10s, 3000 events) says it reached 10s")
	}
	if a.Now() >= 10*time.Second || a.Now() == 0 {
		t.Errorf("after a spent budget the clock is %v, want between 0 and 10s", a.Now())
	}
	for !a.Advance(10*time.Second, 100) {
	}
	b.RunUntil(10 * time.Second)
	ra, rb := a.Result(), b.Result()
	if a.Now() != b.Now() || ra.Completed != rb.Completed || ra.LatencyMS != rb.LatencyMS {
		t.Errorf("Advance in small budgets: %d completed at %v; RunUntil: %d at %v", ra.Completed, a.Now(), rb.Completed, b.Now())
	}
}

// CPU-bound threads of one process: one runs, the others wait for the GIL,
// not for a core (there are two cores and one process).
func TestGILWaitIsNamed(t *testing.T) {
	s := newSim(t, "model=gthread threads=4 cpu=30ms calls=0 clients=8", Options{})
	var snap Snapshot
	for i := 1; i <= 5; i++ {
		s.RunUntil(time.Duration(i) * 333 * time.Millisecond)
		s.Snapshot(&snap)
		n := map[State]int{}
		for _, q := range snap.Requests {
			n[q.State]++
		}
		if n[StateCPU] != 1 || n[StateWaitGIL] != 3 || n[StateWaitCore] != 0 {
			t.Errorf("at %v: %v; want 1 on CPU and 3 waiting for the GIL", s.Now(), n)
		}
	}
}

// The recent window covers a whole second even right after its slots turn
// over: one-second calls that all end together are never missed.
func TestRecentCoversASecond(t *testing.T) {
	s := newSim(t, "model=gthread workers=2 threads=5 io=1s clients=10", Options{})
	for _, at := range []time.Duration{30 * time.Second, 30*time.Second + 100*time.Millisecond, 30*time.Second + 249*time.Millisecond} {
		s.RunUntil(at)
		rps, p50, _, ok := s.Recent()
		if !ok || rps < 7 || p50 < time.Second {
			t.Errorf("at %v: Recent() = %.1f req/s, p50 %v, ok %v; want about 10 req/s at 1s", at, rps, p50, ok)
		}
	}
	idle := newSim(t, "model=sync io=10s clients=1", Options{})
	idle.RunUntil(5 * time.Second)
	if _, _, _, ok := idle.Recent(); ok {
		t.Errorf("nothing answered in the last second, but Recent says ok")
	}
}

// Each closed-loop client has at most one request it still waits for, and
// the snapshot and the ended list name it; open-loop requests have none.
func TestSnapshotClients(t *testing.T) {
	s := newSim(t, "model=gthread workers=2 threads=2 io=300ms clients=30 client-timeout=1s", Options{})
	var snap Snapshot
	var ended []Ended
	var n int64
	for step := 1; step <= 40; step++ {
		s.RunUntil(time.Duration(step) * 100 * time.Millisecond)
		s.Snapshot(&snap)
		if snap.Clients != 30 {
			t.Fatalf("Clients = %d, want 30", snap.Clients)
		}
		waiting := map[int]bool{}
		for _, q := range snap.Requests {
			if q.Client < 0 || q.Client >= 30 {
				t.Fatalf("request %d has client %d, want 0..29", q.Seq, q.Client)
			}
			if q.Orphan {
				continue
			}
			if waiting[q.Client] {
				t.Fatalf("client %d waits for two requests at %v", q.Client, snap.Now)
			}
			waiting[q.Client] = true
		}
		ended, n = s.EndedSince(n, ended[:0])
		for _, e := range ended {
			if e.Client < 0 || e.Client >= 30 {
				t.Fatalf("ended request %d has client %d", e.Seq, e.Client)
			}
		}
	}
	open := newSim(t, "model=sync io=100ms rate=50", Options{})
	open.RunUntil(time.Second)
	open.Snapshot(&snap)
	if snap.Clients != 0 || len(snap.Requests) == 0 {
		t.Fatalf("open loop: Clients = %d, %d requests", snap.Clients, len(snap.Requests))
	}
	for _, q := range snap.Requests {
		if q.Client != -1 {
			t.Fatalf("open-loop request %d has client %d, want -1", q.Seq, q.Client)
		}
	}
}
