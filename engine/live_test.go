package engine

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// lane parses text and builds its first lane with its live changes.
func lane(t testing.TB, text string, opt Options) *Sim {
	t.Helper()
	sc, err := ParseScenario(text)
	if err != nil {
		t.Fatalf("ParseScenario(%q): %v", text, err)
	}
	return NewLane(sc, 0, opt)
}

// workerCounts counts the worker slots with a process, those booting and
// those retiring.
func workerCounts(s *Sim) (procs, booting, retiring int) {
	for _, p := range s.procs {
		switch {
		case p.gone:
			continue
		case !p.alive:
			booting++
		case p.retiring:
			retiring++
		}
		procs++
	}
	return
}

// TestChangeAppliesAtItsTime checks, in every model, that each live key
// still has its old value just before its change and the new one at it, and
// that what the change acts on moves then and not before.
func TestChangeAppliesAtItsTime(t *testing.T) {
	const at = 5 * time.Second
	before := at - time.Nanosecond
	for _, m := range Models() {
		base := fmt.Sprintf("model=%s io=100ms io-late=0 clients=10 duration=12s", m)
		for _, kv := range [][2]string{{"io", "1s"}, {"io-dist", "exp"}, {"calls", "2"}, {"blocking", "true"},
			{"cpu", "3ms"}, {"cache", "1"}, {"clients", "15"}, {"think", "50ms"}, {"client-timeout", "9s"}} {
			s := lane(t, fmt.Sprintf("%s %s@5s=%s", base, kv[0], kv[1]), Options{})
			s.RunUntil(before)
			old, _ := s.Config().Value(kv[0])
			s.RunUntil(at)
			now, _ := s.Config().Value(kv[0])
			if old == kv[1] || now != kv[1] {
				t.Errorf("%s %s@5s=%s: %s is %s just before 5s and %s at 5s", m, kv[0], kv[1], kv[0], old, now)
			}
		}

		t.Run(m.String()+"/io", func(t *testing.T) {
			// A call keeps the latency of the io in force when it started.
			s := lane(t, base+" io@5s=1s", Options{Timelines: 100000})
			s.Run()
			n := 0
			for _, tl := range s.Timelines() {
				for _, sg := range tl.Segments {
					if sg.State != StateIO {
						continue
					}
					want := 100 * time.Millisecond
					if sg.Start >= at {
						want, n = time.Second, n+1
					}
					if sg.End-sg.Start != want {
						t.Fatalf("call %v-%v took %v, want %v", sg.Start, sg.End, sg.End-sg.Start, want)
					}
				}
			}
			if n == 0 {
				t.Fatal("no call started after the change")
			}
		})

		t.Run(m.String()+"/clients", func(t *testing.T) {
			s := lane(t, base+" clients@5s=15", Options{})
			var snap Snapshot
			s.RunUntil(before)
			s.Snapshot(&snap)
			arrived := s.m.arrived
			if snap.Clients != 10 {
				t.Errorf("clients before 5s = %d, want 10", snap.Clients)
			}
			s.RunUntil(at)
			s.Snapshot(&snap)
			if snap.Clients != 15 || s.m.arrived < arrived+5 {
				t.Errorf("at 5s: %d clients, %d sent at 5s; want 15 clients, the 5 new ones sending", snap.Clients, s.m.arrived-arrived)
			}
		})

		t.Run(m.String()+"/cpu-cache", func(t *testing.T) {
			s := lane(t, base+" cpu@5s=3ms cache@5s=1", Options{})
			s.RunUntil(at + time.Second) // dev queues every client behind one thread
			newer := 0
			for i := range s.reqs {
				r := &s.reqs[i]
				if !r.live {
					continue
				}
				if r.sent >= at {
					newer++
					if r.cpu != 3*time.Millisecond || len(r.lat) != 0 {
						t.Errorf("request sent at %v: cpu %v, %d calls; want the change's 3ms and no call", r.sent, r.cpu, len(r.lat))
					}
				} else if r.cpu != 0 {
					t.Errorf("request sent at %v, before the change: cpu %v, want 0", r.sent, r.cpu)
				}
			}
			if newer == 0 {
				t.Error("no request sent after the change is in flight")
			}
		})

		t.Run(m.String()+"/rate", func(t *testing.T) {
			s := lane(t, fmt.Sprintf("model=%s io=10ms rate=20 duration=12s rate@5s=200", m), Options{})
			s.RunUntil(at - 2*time.Second)
			a0 := s.m.arrived
			s.RunUntil(at)
			a1 := s.m.arrived
			s.RunUntil(at + 2*time.Second)
			slow, fast := a1-a0, s.m.arrived-a1
			if fast < 4*slow || fast < 300 {
				t.Errorf("arrivals: %d in the 2s before rate@5s=200, %d in the 2s after; want about 40 and 400", slow, fast)
			}
		})

		if ok, _ := Keys()[keyIndex("workers")].Live(m); ok {
			t.Run(m.String()+"/workers", func(t *testing.T) {
				s := lane(t, fmt.Sprintf("model=%s workers=2 io=100ms clients=20 duration=12s workers@5s=4 workers@8s=1", m), Options{})
				s.RunUntil(before)
				if n, b, r := workerCounts(s); n != 2 || b != 0 || r != 0 {
					t.Errorf("before 5s: %d workers, %d booting, %d retiring; want 2, 0, 0", n, b, r)
				}
				s.RunUntil(at)
				if n, b, _ := workerCounts(s); n != 4 || b != 2 {
					t.Errorf("at 5s: %d workers, %d booting; want 4, 2 (they boot before they accept)", n, b)
				}
				s.RunUntil(at + gunicornBoot - time.Nanosecond)
				if _, b, _ := workerCounts(s); b != 2 {
					t.Errorf("before the boot time is up: %d booting, want 2", b)
				}
				s.RunUntil(at + gunicornBoot + 200*time.Millisecond) // spawn_workers sleeps up to 0.1s between forks
				if n, b, _ := workerCounts(s); n != 4 || b != 0 {
					t.Errorf("after the boot time: %d workers, %d booting; want 4 up", n, b)
				}
				s.RunUntil(8 * time.Second)
				youngest := int32(-1)
				for i := range s.procs {
					if youngest < 0 || s.procs[i].age > s.procs[youngest].age {
						youngest = int32(i)
					}
				}
				for i, p := range s.procs {
					if (p.retiring || p.gone) == (int32(i) == youngest) {
						t.Errorf("at 8s, worker %d (age %d): retiring %v, gone %v; want only the youngest left", i, p.age, p.retiring, p.gone)
					}
				}
			})
		}
	}
}

// invariants checks request conservation, and that the engine's count of
// requests in flight is the requests it holds for a waiting client.
func invariants(t *testing.T, s *Sim) {
	t.Helper()
	r := s.Result()
	if r.Arrived != r.Completed+r.Failed.Total()+int64(r.InFlight) {
		t.Fatalf("at %v: arrived %d != completed %d + failed %d + in flight %d", s.Now(), r.Arrived, r.Completed, r.Failed.Total(), r.InFlight)
	}
	held := 0
	for i := range s.reqs {
		if s.reqs[i].live && !s.reqs[i].orphan {
			held++
		}
	}
	if held != r.InFlight {
		t.Fatalf("at %v: %d requests held for a client, %d in flight", s.Now(), held, r.InFlight)
	}
	for i, p := range s.procs {
		if p.gone && s.holdsRequests(int32(i)) {
			t.Fatalf("at %v: worker slot %d is empty but holds requests", s.Now(), i)
		}
	}
}

var liveScenarios = []string{
	"model=gthread workers=2 threads=4 io=200ms io-dist=exp clients=40 client-timeout=2s duration=30s workers@5s=4 clients@8s=80 io@10s=1s workers@15s=1 clients@20s=10 io@22s=50ms",
	"model=sync workers=3 io=100ms io-dist=lognormal rate=20 client-timeout=1s duration=30s rate@5s=80 cache@6s=0.5 workers@10s=6 workers@12s=2 rate@20s=0 rate@25s=10",
	"model=gevent workers=2 io=300ms clients=50 timeout=1s duration=30s workers@3s=1 workers@3.05s=3 blocking@10s=true blocking@15s=false",
	"model=asyncio workers=2 io=100ms calls=3 parallel=true clients=30 duration=20s parallel@5s=false calls@10s=1 cpu@12s=5ms clients@14s=0 clients@16s=5",
	"model=wsgi-to-asgi io=50ms clients=20 duration=20s cpu@5s=2ms think@8s=100ms io-dist@9s=exp",
	"model=dev-threaded io=50ms burst=200 client-timeout@0s=1s io@100ms=2s",
	"model=gthread workers=3 threads=2 io=50ms clients=30 think=20ms duration=20s workers@2s=1 workers@2.1s=5 workers@2.2s=2 workers@9s=8",
}

// TestConservationAcrossChanges checks the invariants every 50ms of runs
// with changes (TestLittlesLawAndConservation checks Little's law at their
// end).
func TestConservationAcrossChanges(t *testing.T) {
	for _, text := range liveScenarios {
		t.Run(text, func(t *testing.T) {
			s := lane(t, text, Options{})
			for !s.Done() {
				s.RunUntil(s.Now() + 50*time.Millisecond)
				invariants(t, s)
			}
		})
	}
}

// TestLiveChangeEqualsReplay adds each change to a running Sim, as the
// page does when a slider moves, and checks that the run equals the one
// replayed from the scenario text with the changes in it.
func TestLiveChangeEqualsReplay(t *testing.T) {
	for _, text := range liveScenarios {
		t.Run(text, func(t *testing.T) {
			sc, err := ParseScenario(text)
			if err != nil {
				t.Fatal(err)
			}
			opt := Options{Timelines: 20}
			replay := NewLane(sc, 0, opt)
			want := replay.Run()
			live := NewLane(Scenario{Lanes: sc.Lanes}, 0, opt)
			for i, ch := range sc.Changes {
				// Pause at the change's moment, or a little before it.
				live.RunUntil(max(0, ch.At-time.Duration(i%2)*300*time.Millisecond))
				if err := live.Change(ch.At, ch.Key, ch.Values[0]); err != nil {
					t.Fatalf("Change(%v, %s, %s) at %v: %v", ch.At, ch.Key, ch.Values[0], live.Now(), err)
				}
			}
			got := live.Run()
			a, _ := json.Marshal(got)
			b, _ := json.Marshal(want)
			if string(a) != string(b) {
				t.Errorf("live changes give\n%s\nreplay gives\n%s", a, b)
			}
			if fmt.Sprint(live.Series()) != fmt.Sprint(replay.Series()) || fmt.Sprint(live.Timelines()) != fmt.Sprint(replay.Timelines()) {
				t.Error("live changes and replay give different series or timelines")
			}
		})
	}
}

func TestWorkersLiftThroughput(t *testing.T) {
	mean := func(pts []Point, from, to time.Duration) float64 {
		sum, n := 0.0, 0
		for _, p := range pts {
			if p.T > from && p.T <= to {
				sum, n = sum+p.Throughput, n+1
			}
		}
		return sum / float64(n)
	}
	// gthread with connections that close, and sync (which always closes).
	for _, text := range []string{
		"model=gthread workers=1 threads=2 io=200ms clients=40 keepalive=false duration=30s workers@10s=4",
		"model=sync workers=1 io=200ms clients=40 duration=30s workers@10s=4",
	} {
		s := lane(t, text, Options{})
		s.Run()
		pts := s.Series()
		lo, hi := mean(pts, time.Second, 10*time.Second), mean(pts, 12*time.Second, 30*time.Second)
		if hi < 3*lo {
			t.Errorf("%s: %.1f req/s before 10s, %.1f after; want about 4 times as much", text, lo, hi)
		}
		if lo10 := pts[9].Throughput; lo10 > 1.5*lo { // the second that ends at 10s
			t.Errorf("%s: %.1f req/s in the second before the change, want the old rate %.1f", text, lo10, lo)
		}
	}
	// With keep-alive, gthread's clients stay on the worker that holds their
	// connection (gthread.py: finish_request puts a kept connection back in
	// the worker's own poller), so workers added while every client is busy
	// get no connection at all: the real server does not speed up either.
	s := lane(t, "model=gthread workers=1 threads=2 io=200ms clients=40 duration=30s workers@10s=4", Options{})
	s.RunUntil(20 * time.Second)
	var snap Snapshot
	s.Snapshot(&snap)
	for i, w := range snap.Workers {
		if i > 0 && (!w.Alive || w.Conns != 0) {
			t.Errorf("kept-alive clients: new worker %d alive %v with %d connections, want up with none", i, w.Alive, w.Conns)
		}
	}
}

func TestSlowUpstreamFillsQueues(t *testing.T) {
	s := lane(t, "model=gthread workers=2 threads=8 io=100ms rate=50 duration=30s io@20s=2s", Options{})
	s.Run()
	for _, p := range s.Series() {
		switch {
		case p.T <= 20*time.Second && p.Queue != 0:
			t.Errorf("at %v, before io@20s=2s: %d queued, want none", p.T, p.Queue)
		case p.T >= 25*time.Second && p.Queue < 100:
			t.Errorf("at %v, after io@20s=2s: %d queued, want the queue filling (50/s arrive, 16 threads serve 8/s)", p.T, p.Queue)
		}
	}
}

func TestRetiringKeepsRequests(t *testing.T) {
	for _, text := range []string{
		"model=sync workers=4 io=300ms clients=40 duration=20s workers@5s=1",
		"model=gthread workers=4 threads=3 io=300ms clients=40 duration=20s workers@5s=1",
		"model=gthread workers=4 threads=3 io=300ms clients=40 keepalive=false duration=20s workers@5s=1",
		"model=gevent workers=4 io=300ms clients=40 duration=20s workers@5s=1",
	} {
		t.Run(text, func(t *testing.T) {
			s := lane(t, text, Options{})
			s.RunUntil(5 * time.Second)
			held := 0
			for i, p := range s.procs {
				if p.retiring && s.holdsRequests(int32(i)) {
					held++
				}
			}
			if held == 0 {
				t.Fatal("no retiring worker holds a request at 5s: the test proves nothing")
			}
			for !s.Done() {
				s.RunUntil(s.Now() + 100*time.Millisecond)
				invariants(t, s)
			}
			r := s.Result()
			if r.Failed.Total() != 0 || r.WorkerRestarts != 0 {
				t.Errorf("failed %+v, restarts %d; want no request dropped", r.Failed, r.WorkerRestarts)
			}
			if n, b, ret := workerCounts(s); n != 1 || b != 0 || ret != 0 {
				t.Errorf("at the end: %d workers, %d booting, %d retiring; want the one left", n, b, ret)
			}
		})
	}
	// graceful_timeout (30s) ends a retiring worker all the same.
	r := lane(t, "model=gthread workers=2 threads=2 io=40s clients=4 duration=60s workers@1s=1", Options{}).Run()
	if r.Failed.WorkerTimeout == 0 || r.WorkerRestarts != 0 {
		t.Errorf("requests of 40s on a worker retired at 1s: failed %+v, restarts %d; want them cut at 31s", r.Failed, r.WorkerRestarts)
	}
}

func TestEndless(t *testing.T) {
	text := "model=gthread workers=2 threads=4 io=100ms clients=50"
	s := lane(t, text, Options{Endless: true})
	s.RunUntil(300 * time.Second)
	if s.Done() || s.Now() != 300*time.Second {
		t.Errorf("endless run: done %v at %v, want running at 300s", s.Done(), s.Now())
	}
	if s.Slots() > 50 || len(s.Series()) > 600 {
		t.Errorf("endless run: %d request slots, %d series points; want at most 50 and 600", s.Slots(), len(s.Series()))
	}
	d := lane(t, text, Options{})
	d.RunUntil(300 * time.Second)
	if !d.Done() || d.Now() != defaultRunLength {
		t.Errorf("default run: done %v at %v, want done at %v", d.Done(), d.Now(), defaultRunLength)
	}
	// A duration still ends an endless run.
	e := lane(t, text+" duration=5s", Options{Endless: true})
	e.RunUntil(time.Minute)
	if !e.Done() || e.Now() != 5*time.Second {
		t.Errorf("endless run with duration=5s: done %v at %v", e.Done(), e.Now())
	}
}

// TestRandomLiveChanges moves random sliders of random models at random
// moments, as a user would, and checks the invariants on the way and that
// the lane's scenario text, replayed from 0, gives the same result.
func TestRandomLiveChanges(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	vals := map[string][]string{
		"workers": {"1", "2", "3", "5", "8"}, "io": {"0s", "10ms", "100ms", "1s", "3s"}, "io-dist": {"fixed", "exp", "lognormal"},
		"calls": {"0", "1", "3"}, "blocking": {"true", "false"}, "cpu": {"0s", "1ms", "20ms"}, "cache": {"0", "0.5", "1"},
		"clients": {"0", "1", "10", "60"}, "think": {"0s", "50ms"}, "rate": {"0", "5", "100", "400"}, "client-timeout": {"0s", "500ms", "2s"},
		"parallel": {"true", "false"},
	}
	keys := []string{"workers", "io", "io-dist", "calls", "blocking", "cpu", "cache", "clients", "think", "rate", "client-timeout", "parallel"}
	for it := 0; it < 200; it++ {
		m := Models()[rng.IntN(len(Models()))]
		traffic := []string{"clients=20", "rate=50", "burst=100"}[rng.IntN(3)]
		extra := ""
		if specOf(m).owns(keyTimeout) && rng.IntN(2) == 0 {
			extra = " timeout=1s"
		}
		text := fmt.Sprintf("model=%s io=100ms %s%s seed=%d", m, traffic, extra, it)
		s := lane(t, text, Options{Endless: true, Timelines: 3})
		for step := 0; step < 25 && !s.Done(); step++ {
			s.RunUntil(s.Now() + time.Duration(rng.IntN(1500))*time.Millisecond)
			invariants(t, s)
			if s.Done() {
				break
			}
			k := keys[rng.IntN(len(keys))]
			if !s.Takes(k) {
				continue
			}
			v := vals[k][rng.IntN(len(vals[k]))]
			at := s.Now() + time.Duration(rng.IntN(3))*100*time.Millisecond
			// A change at Now after a later key's change at Now is refused.
			if err := s.Change(at, k, v); err != nil && !strings.Contains(err.Error(), "already applied") {
				t.Fatalf("%s: Change(%v, %s, %s): %v", text, at, k, v, err)
			}
		}
		s.RunUntil(s.Now()) // apply what is due now
		if len(s.procs) > 128 {
			t.Fatalf("%s: %d worker slots, want at most 128", s.Scenario(), len(s.procs))
		}
		sc, err := ParseScenario(s.Scenario().String())
		if err != nil {
			t.Fatalf("%v: %v", s.Scenario(), err)
		}
		r := NewLane(sc, 0, Options{Endless: true, Timelines: 3})
		r.RunUntil(s.Now())
		a, b := fmt.Sprint(r.Result()), fmt.Sprint(s.Result())
		if a != b {
			t.Fatalf("replay of %s differs:\n%s\n%s", s.Scenario(), a, b)
		}
	}
}
