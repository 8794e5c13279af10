package scene

import (
	"math"
	"strings"
	"testing"
	"time"

	"playground/engine"
)

func sim(t testing.TB, text string) []*engine.Sim {
	t.Helper()
	sc, err := engine.ParseScenario(text)
	if err != nil {
		t.Fatal(err)
	}
	var out []*engine.Sim
	for _, c := range sc.Lanes {
		out = append(out, engine.New(c, engine.Options{Timelines: 100}))
	}
	return out
}

// frames runs the sims to t and draws n ticks of 1/60 s each.
func frames(v *View, sims []*engine.Sim, t time.Duration, n int, w, h float32) *Scene {
	return framesWith(v, sims, t, n, w, h, Options{TextScale: 1})
}

func framesWith(v *View, sims []*engine.Sim, t time.Duration, n int, w, h float32, opt Options) *Scene {
	snaps := make([]engine.Snapshot, len(sims))
	counts := make([]int64, len(sims))
	for f := 0; f < n; f++ {
		in := make([]Input, len(sims))
		for i, s := range sims {
			s.RunUntil(t + time.Duration(f)*time.Second/60)
			s.Snapshot(&snaps[i])
			var ended []engine.Ended
			ended, counts[i] = s.EndedSince(counts[i], nil)
			in[i] = Input{Label: "lane", Snap: &snaps[i], Ended: ended,
				Traffic: []string{"40 clients", "clients"}, Upstream: []string{"upstream, 200 ms", "upstream", "up"}}
		}
		v.Update(in, w, h, opt)
	}
	return v.Scene(Selection{})
}

func TestEveryRequestHasADotInItsLane(t *testing.T) {
	for _, text := range []string{
		"model=gthread workers=4 threads=8 io=500ms clients=300",
		"model=sync workers=3 io=1s burst=100",
		"model=asyncio workers=2 io=1s clients=500 pool=1000",
		"model=gevent io=200ms blocking=true clients=50",
		"model=uvicorn-wsgi,wsgi-to-asgi io=300ms clients=80",
		"model=dev-threaded io=300ms clients=60",
	} {
		t.Run(text, func(t *testing.T) {
			sims := sim(t, text)
			var v View
			const w, h = 1200, 700
			sc := frames(&v, sims, 3*time.Second, 40, w, h)
			want := 0
			for _, s := range sims {
				var snap engine.Snapshot
				s.Snapshot(&snap)
				want += len(snap.Requests)
			}
			if len(sc.Hits) != want || want == 0 {
				t.Fatalf("%d dots, want one per request in flight (%d)", len(sc.Hits), want)
			}
			lanes := splitLanes(Rect{0, 0, w, h}, len(sims))
			for _, hit := range sc.Hits {
				if math.IsNaN(float64(hit.X)) || !lanes[hit.Lane].Contains(hit.X, hit.Y) {
					t.Fatalf("dot of request %d at (%v, %v) lies outside its lane %v", hit.Seq, hit.X, hit.Y, lanes[hit.Lane])
				}
			}
			for _, q := range sc.Quads {
				if q.X < -1 || q.Y < -1 || q.X+q.W > w+1 || q.Y+q.H > h+1 || q.W < 0 || q.H < 0 {
					t.Fatalf("quad %+v leaves the %vx%v canvas", q, w, h)
				}
			}
		})
	}
}

// A request on a thread sits on that thread's lane once its dot has glided
// there: the dot shows where the request is.
func TestDotsGlideToTheirPlace(t *testing.T) {
	sims := sim(t, "model=gthread workers=2 threads=4 io=10s burst=8")
	var v View
	sc := frames(&v, sims, 1*time.Second, 60, 1000, 600)
	L := &v.lanes[0].layout
	var snap engine.Snapshot
	sims[0].Snapshot(&snap)
	for _, q := range snap.Requests {
		if q.Lane < 0 {
			continue
		}
		lr := L.workers[q.Worker].lanes[q.Lane]
		found := false
		for _, h := range sc.Hits {
			if h.Seq == q.Seq {
				found = lr.Inset(-2).Contains(h.X, h.Y)
			}
		}
		if !found {
			t.Errorf("request %d on worker %d lane %d: its dot is not on the lane %v", q.Seq, q.Worker, q.Lane, lr)
		}
	}
	if lane, seq, ok := sc.Pick(sc.Hits[0].X+1, sc.Hits[0].Y, 6); !ok || lane != 0 || seq != sc.Hits[0].Seq {
		t.Errorf("Pick next to a dot = %d, %d, %v; want that dot", lane, seq, ok)
	}
	if _, _, ok := sc.Pick(-100, -100, 6); ok {
		t.Errorf("Pick far from every dot found one")
	}
}

// Workers with many threads still fit: lanes never overlap each other.
func TestLanesDoNotOverlap(t *testing.T) {
	var L laneLayout
	layoutLane(Rect{0, 0, 900, 500}, newMetrics(12), laneShape{lanes: []int{64, 64, 64, 64}}, &L)
	for wi, w := range L.workers {
		for i := range w.lanes {
			for j := i + 1; j < len(w.lanes); j++ {
				a, b := w.lanes[i], w.lanes[j]
				if a.X < b.X+b.W && b.X < a.X+a.W && a.Y < b.Y+b.H && b.Y < a.Y+a.H {
					t.Fatalf("worker %d: lanes %d %v and %d %v overlap", wi, i, a, j, b)
				}
			}
			if !w.box.Contains(w.lanes[i].X, w.lanes[i].Y) {
				t.Fatalf("worker %d lane %d %v lies outside its box %v", wi, i, w.lanes[i], w.box)
			}
		}
	}
}

// BenchmarkFrame5000 is the Go-side cost of laying out a frame with 5,000
// requests in flight (the browser adds the Ebiten draw on top).
func BenchmarkFrame5000(b *testing.B) {
	sims := sim(b, "model=asyncio workers=4 io=2s clients=5000 pool=5000")
	sims[0].RunUntil(5 * time.Second)
	var snap engine.Snapshot
	var v View
	var n int64
	for b.Loop() {
		sims[0].Advance(sims[0].Now()+time.Second/60, 1<<20)
		sims[0].Snapshot(&snap)
		var ended []engine.Ended
		ended, n = sims[0].EndedSince(n, ended)
		v.Update([]Input{{Label: "x", Snap: &snap, Ended: ended}}, 1280, 720, Options{TextScale: 1})
		v.Scene(Selection{})
	}
	b.ReportMetric(float64(len(snap.Requests)), "requests")
	b.ReportMetric(float64(len(v.out.Quads)), "quads")
}

// Scene only reads: drawing twice without an Update gives the same dots.
// Update moves a dot part of the way (Glide); with reduced motion it jumps.
func TestMotionLivesInUpdate(t *testing.T) {
	for _, reduced := range []bool{false, true} {
		sims := sim(t, "model=gthread workers=2 threads=4 io=10s burst=8")
		var v View
		opt := Options{TextScale: 1, ReducedMotion: reduced}
		sc := framesWith(&v, sims, 100*time.Millisecond, 1, 1000, 600, opt)
		first := append([]Hit(nil), sc.Hits...)
		again := v.Scene(Selection{})
		for i := range first {
			if again.Hits[i] != first[i] {
				t.Fatalf("reduced=%v: a second Scene moved dot %d from %v to %v", reduced, i, first[i], again.Hits[i])
			}
		}
		// Each request's dot after its first tick: at its place, or not yet.
		var snap engine.Snapshot
		sims[0].Snapshot(&snap)
		L := &v.lanes[0].layout
		atPlace, onLanes := 0, 0
		for _, q := range snap.Requests {
			if q.Lane < 0 {
				continue
			}
			onLanes++
			lr := L.workers[q.Worker].lanes[q.Lane]
			for _, h := range first {
				if h.Seq == q.Seq && lr.Inset(-2).Contains(h.X, h.Y) {
					atPlace++
				}
			}
		}
		if onLanes < 6 {
			t.Fatalf("%d requests on threads, want most of the burst of 8", onLanes)
		}
		if reduced && atPlace != onLanes {
			t.Errorf("reduced motion: %d of %d dots at their thread after one tick, want all (a jump)", atPlace, onLanes)
		}
		if !reduced && atPlace != 0 {
			t.Errorf("%d of %d dots at their thread after one tick, want none yet (a glide)", atPlace, onLanes)
		}
	}
}

// The narration names the situation: threads busy on the upstream, a queue,
// a blocked loop, an idle server.
func TestNarrate(t *testing.T) {
	tests := []struct {
		text string
		at   time.Duration
		want []string
		not  []string
	}{
		{"model=gthread workers=1 threads=4 io=1s clients=10", 2500 * time.Millisecond,
			[]string{"All 4 threads are busy, mostly waiting on the upstream", "requests queue in the workers"}, []string{"blocked", "6"}},
		{"model=asyncio io=300ms blocking=true clients=20", 2 * time.Second,
			[]string{"The event loop is blocked by a call that cannot yield", "requests wait for it"}, []string{"19"}},
		{"model=asyncio io=300ms clients=20", 2 * time.Second,
			[]string{"Requests wait on the upstream while the event loop is free"}, []string{"blocked", "20"}},
		{"model=eventlet io=300ms clients=20", 2 * time.Second,
			[]string{"while the eventlet hub is free for others"}, []string{"event loop"}},
		{"model=asyncio io=300ms wait=sleep clients=20", 2 * time.Second,
			[]string{"Requests wait in a sleep while the event loop is free"}, []string{"upstream"}},
		{"model=gthread workers=1 threads=4 io=1s wait=sleep clients=10", 2500 * time.Millisecond,
			[]string{"All 4 threads are busy, mostly waiting in a sleep"}, []string{"upstream"}},
		{"model=sync io=100ms clients=1 think=5s", 3 * time.Second, []string{"No request is in flight"}, nil},
		// sync's workers are one thread each: they are named as workers.
		{"model=sync workers=2 io=1s clients=10", 2500 * time.Millisecond, []string{"Both workers are busy", "connections wait in the kernel's listen queue"}, []string{"thread"}},
		{"model=sync io=100ms clients=1 think=5s", 0, []string{""}, []string{"in flight"}},
		// Jobs queued in the first second are news, though no request is in flight.
		{"model=sync background=1 calls=2 io=400ms clients=5 think=2s", 300 * time.Millisecond,
			[]string{"No request is in flight", "Background jobs:", "in Redis's list"}, nil},
		// The enqueue's round trip: after its CPU (the cold 500 µs) the thread sleeps for Redis's reply.
		{"model=sync workers=1 cores=1 background=1 calls=1 io=1s clients=1", 800 * time.Microsecond,
			[]string{"The only worker is busy, mostly waiting on Redis's reply to their enqueue"}, []string{"upstream"}},
		{"model=sync workers=1 io=1s backlog=2 burst=10", 500 * time.Millisecond,
			[]string{"wait in the kernel's listen queue", "the listen queue is full"}, nil},
		// Counts that move with every request are left to the picture and the
		// numbers; the sizes of the server are quoted.
		{"model=gthread workers=2 threads=4 background=3 calls=2 io=200ms clients=40 think=200ms", 5011 * time.Millisecond,
			[]string{"all 3 RQ workers run a job", "jobs wait in Redis's list"}, []string{"967"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			s := sim(t, tt.text)[0]
			s.RunUntil(tt.at)
			var snap engine.Snapshot
			s.Snapshot(&snap)
			got := Narrate(&snap)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("Narrate = %q, want it to say %q", got, w)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(got, w) {
					t.Errorf("Narrate = %q, should not say %q", got, w)
				}
			}
		})
	}
}
