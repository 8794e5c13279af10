package engine

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseRange(t *testing.T) {
	tests := []struct {
		text, canon string
		values      []string
		x           []float64
	}{
		{"workers=1..4", "model=sync workers=1..4", []string{"1", "2", "3", "4"}, []float64{1, 2, 3, 4}},
		{"workers=1..8/3", "model=sync workers=1..8/3", []string{"1", "4", "7"}, []float64{1, 4, 7}},
		{"workers=1..3/1", "model=sync workers=1..3", []string{"1", "2", "3"}, []float64{1, 2, 3}},
		{"workers=3..3", "model=sync workers=3..3", []string{"3"}, []float64{3}},
		{"io=100ms..0.5s/100ms", "model=sync io=100ms..500ms/100ms",
			[]string{"100ms", "200ms", "300ms", "400ms", "500ms"}, []float64{100, 200, 300, 400, 500}},
		{"cache=0..0.3/0.1", "model=sync cache=0..0.3/0.1", []string{"0", "0.1", "0.2", "0.3"}, []float64{0, 0.1, 0.2, 0.3}},
		{"cache=0..1", "model=sync cache=0..1", []string{"0", "1"}, []float64{0, 1}},
		{"rate=0.5..2/0.5", "model=sync rate=0.5..2/0.5", []string{"0.5", "1", "1.5", "2"}, []float64{0.5, 1, 1.5, 2}},
		// The step counts as the canonical text writes it, and the values have 12 digits, so the text gives back the same points.
		{"rate=1..1.5/0.1234567890123456", "model=sync rate=1..1.5/0.123456789012",
			[]string{"1", "1.12345678901", "1.24691357802", "1.37037036704", "1.49382715605"},
			[]float64{1, 1.12345678901, 1.24691357802, 1.37037036704, 1.49382715605}},
		{"target=p99<0.3s model=sync,gevent workers=1..2 io=100ms",
			"model=sync,gevent workers=1..2 target=p99<300ms", []string{"1", "2"}, []float64{1, 2}},
		{"model=gthread threads=2..4 workers@10s=3 target=throughput>100.50",
			"model=gthread threads=2..4 target=throughput>100.5 workers@10s=3", []string{"2", "3", "4"}, []float64{2, 3, 4}},
		{"workers=1..2 target=memory<512MB", "model=sync workers=1..2 target=memory<512MB", []string{"1", "2"}, []float64{1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			sc, err := ParseScenario(tt.text)
			if err != nil {
				t.Fatalf("ParseScenario(%q): %v", tt.text, err)
			}
			if got := sc.String(); got != tt.canon {
				t.Errorf("String() = %q, want %q", got, tt.canon)
			}
			if sc.Sweep == nil {
				t.Fatalf("ParseScenario(%q).Sweep = nil, want a sweep", tt.text)
			}
			if !reflect.DeepEqual(sc.Sweep.Values, tt.values) || !reflect.DeepEqual(sc.Sweep.X, tt.x) {
				t.Errorf("ParseScenario(%q) values %q x %v, want %q x %v", tt.text, sc.Sweep.Values, sc.Sweep.X, tt.values, tt.x)
			}
			again, err := ParseScenario(sc.String())
			if err != nil || !reflect.DeepEqual(again, sc) {
				t.Errorf("ParseScenario(String()) = %+v, %v; want %+v", again, err, sc)
			}
		})
	}
}

func TestParseRangeErrors(t *testing.T) {
	testParseErrors(t, []parseErrorCase{
		{"workers=8..1", "workers", []string{"workers=8..1", "goes down", "A <= B", "from 1 to 128"}},
		{"workers=1..8/0", "workers", []string{"workers=1..8/0", `step "0"`, "above 0"}},
		{"workers=1..8/-2", "workers", []string{`step "-2"`}},
		{"workers=1..8/1.5", "workers", []string{`step "1.5"`, "whole number"}},
		{"workers=0..8", "workers", []string{`bound "0"`, "from 1 to 128"}},
		{"workers=1..200", "workers", []string{`bound "200"`}},
		{"workers=1..", "workers", []string{`bound ""`}},
		{"workers=..4", "workers", []string{`bound ""`}},
		{"io=100ms..1s", "io", []string{"needs a step", "io=100ms..1s/90ms"}},
		{"io=100ms..1s/0s", "io", []string{"not a duration above 0"}},
		{"io=1..2/1", "io", []string{`bound "1"`, "duration"}},
		{"cache=0..2/0.5", "cache", []string{`bound "2"`, "from 0 to 1"}},
		{"cache=0..1/NaN", "cache", []string{"NaN"}},
		{"rate=1..1000000/1", "rate", []string{"1000000 points", "at most 1000"}},
		{"workers=1..128 clients=1,2,3,4,5,6,7,8", "workers", []string{"1024 points (128 values x 8 lanes)"}},
		{"model=sync..gevent", "model", []string{"takes no range", "workers, threads"}},
		{"seed=1..4", "seed", []string{"takes no range"}},
		{"keepalive=false..true", "keepalive", []string{"takes no range"}},
		{"workers=1..4 threads=1..4", "threads", []string{"workers has a range already (workers=1..4)", "one range"}},
		{"workers=1..4,6", "workers", []string{"comma list"}},
		{"workers@10s=1..4", "workers@10s", []string{"live change", "every point"}},
		{"clients=0..4", "clients", []string{"at clients=0", "would not run as written"}},
		{"model=sync threads=1..4", "threads", []string{"threads=2", "does nothing"}},
		{"duration=5s..20s/5s io@10s=1s", "io@10s", []string{"after the end of the run (duration=5s)"}},
		{"model=sync,sync workers=1..2", "model", []string{"all the same"}},
		// The goal.
		{"target=p99<300ms", "target", []string{"cheapest point of a sweep", "workers=1..32"}},
		{"workers=1..4 target=p99>300ms", "target", []string{"p99 takes <"}},
		{"workers=1..4 target=throughput<3", "target", []string{"throughput takes >"}},
		{"workers=1..4 target=p99<fast", "target", []string{`limit "fast"`, "p99<300ms", "throughput>200", "memory<512MB"}},
		{"workers=1..4 target=p99<0s", "target", []string{`limit "0s"`}},
		{"workers=1..4 target=memory<512", "target", []string{`limit "512"`}},
		{"workers=1..4 target=p95<1s", "target", []string{"not a goal", "p50<300ms"}},
		{"workers=1..4 target=", "target", []string{"not a goal"}},
		{"workers=1..4 target=p99<1s target=p50<1s", "target", []string{"given twice"}},
		{"workers=1..4 target@1s=p99<1s", "target@1s", []string{"cannot change during it"}},
		{"workers=1..4 targte=p99<1s", "targte", []string{"did you mean target?", "a sweep's goal, target=p99<300ms"}},
	})
}

func TestPoints(t *testing.T) {
	sc, err := ParseScenario("model=sync,gthread threads=4 workers=1..3 io=50ms clients=5 duration=5s io@2s=80ms,90ms")
	if err != nil {
		t.Fatal(err)
	}
	pts := sc.Points()
	if len(pts) != 6 {
		t.Fatalf("Points() has %d points, want 2 lanes x 3 values", len(pts))
	}
	want := []struct {
		lane         int
		label, value string
		point        string
	}{
		{0, "model=sync io@2s=80ms", "1", "model=sync io=50ms clients=5 duration=5s io@2s=80ms"},
		{0, "model=sync io@2s=80ms", "2", "model=sync workers=2 io=50ms clients=5 duration=5s io@2s=80ms"},
		{0, "model=sync io@2s=80ms", "3", "model=sync workers=3 io=50ms clients=5 duration=5s io@2s=80ms"},
		{1, "model=gthread io@2s=90ms", "1", "model=gthread threads=4 io=50ms clients=5 duration=5s io@2s=90ms"},
		{1, "model=gthread io@2s=90ms", "2", "model=gthread workers=2 threads=4 io=50ms clients=5 duration=5s io@2s=90ms"},
		{1, "model=gthread io@2s=90ms", "3", "model=gthread workers=3 threads=4 io=50ms clients=5 duration=5s io@2s=90ms"},
	}
	for i, w := range want {
		p := pts[i]
		if p.Lane != w.lane || p.Label != w.label || p.Key != "workers" || p.Value != w.value || p.X != float64(i%3+1) {
			t.Errorf("Points()[%d] = %+v, want lane %d label %q workers=%s", i, p, w.lane, w.label, w.value)
		}
		pt := sc.Point(i)
		if got := pt.String(); got != w.point {
			t.Errorf("Point(%d) = %q, want %q", i, got, w.point)
		}
		if pt.Sweep != nil || len(pt.Lanes) != 1 {
			t.Errorf("Point(%d) = %+v, want one lane and no range", i, pt)
		}
		// The point's text loads as a live run: it parses back to the point.
		again, err := ParseScenario(pt.String())
		if err != nil || !reflect.DeepEqual(again, pt) {
			t.Errorf("ParseScenario(Point(%d).String()) = %+v, %v; want %+v", i, again, err, pt)
		}
	}
	if got := (Scenario{Lanes: []Config{DefaultConfig()}}).Points(); got != nil {
		t.Errorf("Points() of a scenario without a range = %v, want nil", got)
	}
}

func TestSweepPanics(t *testing.T) {
	sc, err := ParseScenario("workers=1..2")
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func(){
		"NewLane of a sweep":        func() { NewLane(sc, 0, Options{}) },
		"Point(2) of 2 points":      func() { sc.Point(2) },
		"Point of a plain scenario": func() { Scenario{Lanes: []Config{DefaultConfig()}}.Point(0) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil || !strings.HasPrefix(r.(string), "engine: ") {
					t.Errorf("%s: recovered %v, want a panic with an engine: message", name, r)
				}
			}()
			f()
		})
	}
}

// More workers serve more of a closed loop's clients: throughput rises
// with workers until the clients are all busy.
func TestSweepThroughputRises(t *testing.T) {
	sc, err := ParseScenario("model=sync workers=1..8 io=100ms clients=50 requests=2000")
	if err != nil {
		t.Fatal(err)
	}
	ps := RunSweep(sc, Options{}, nil)
	if len(ps) != 8 {
		t.Fatalf("RunSweep gave %d points, want 8", len(ps))
	}
	for i := 1; i < len(ps); i++ {
		if ps[i].ThroughputRPS < 0.95*ps[i-1].ThroughputRPS {
			t.Errorf("workers=%s: throughput %.1f, below 0.95 of workers=%s's %.1f", ps[i].Value, ps[i].ThroughputRPS, ps[i-1].Value, ps[i-1].ThroughputRPS)
		}
	}
	if first, last := ps[0].ThroughputRPS, ps[len(ps)-1].ThroughputRPS; last <= 3*first {
		t.Errorf("throughput at 8 workers = %.1f, want more than 3 x the %.1f of 1 worker", last, first)
	}
	if cs := Curves(ps); len(cs) != 1 || cs[0].Label != "model=sync" || !reflect.DeepEqual(cs[0].Points, ps) {
		t.Errorf("Curves() = %+v, want one curve, model=sync, of all 8 points", cs)
	}
}

func TestTargetPicksCheapest(t *testing.T) {
	sc, err := ParseScenario("model=sync,gthread threads=4 workers=1..8 io=100ms clients=20 requests=1500 target=p99<400ms")
	if err != nil {
		t.Fatal(err)
	}
	ps := RunSweep(sc, Options{}, nil)
	for lane := range sc.Lanes {
		cheapest := -1
		for i, p := range ps {
			if p.Lane != lane {
				continue
			}
			if met := p.P99MS < 400 && p.Failed == 0; p.MeetsTarget != met {
				t.Errorf("%s workers=%s: meetsTarget %v with p99 %.1f ms, want %v", p.Label, p.Value, p.MeetsTarget, p.P99MS, met)
			}
			if p.MeetsTarget && cheapest < 0 {
				cheapest = i
			}
			if p.Cheapest != (i == cheapest) {
				t.Errorf("%s workers=%s: cheapest %v, want %v", p.Label, p.Value, p.Cheapest, i == cheapest)
			}
		}
		if cheapest < 0 {
			t.Errorf("lane %d: no point meets p99<400ms", lane)
		}
	}
	// 20 clients at 100 ms a request: sync needs about 6 workers to keep
	// p99 under 400 ms (Little: 20 / (workers x 10/s)); gthread with 4 threads
	// a quarter of that.
	cs := Curves(ps)
	if len(cs) != 2 || cs[0].Label != "model=sync" || cs[1].Label != "model=gthread" || len(cs[1].Points) != 8 || cs[1].Points[0].Lane != 1 {
		t.Errorf("Curves() = %+v, want model=sync then model=gthread, 8 points each", cs)
	}
	var cheapest [2]float64
	for _, p := range ps {
		if p.Cheapest {
			cheapest[p.Lane] = p.X
		}
	}
	if sync, gthread := cheapest[0], cheapest[1]; sync == 0 || gthread == 0 || gthread >= sync {
		t.Errorf("cheapest sync workers=%v, gthread workers=%v; want gthread to need fewer", sync, gthread)
	}
}

func TestTargetMet(t *testing.T) {
	r := Result{Completed: 10, ThroughputRPS: 50, LatencyMS: Latency{P50: 100, P99: 300}, MemoryMB: Memory{Resident: 200}}
	failed := r
	failed.Failed.ClientTimeout = 1
	tests := []struct {
		target string
		r      Result
		want   bool
	}{
		{"p99<301ms", r, true},
		{"p99<300ms", r, false}, // strictly below
		{"p50<101ms", r, true},
		{"p50<100ms", r, false},
		{"throughput>49.9", r, true},
		{"throughput>50", r, false},
		{"memory<201MB", r, true},
		{"memory<200MB", r, false},
		{"p99<1s", failed, false},
		{"p99<1s", Result{}, false}, // nothing completed
	}
	for _, tt := range tests {
		tg, msg := parseTarget(tt.target)
		if msg != "" {
			t.Fatalf("parseTarget(%q): %s", tt.target, msg)
		}
		if got := tg.Met(tt.r); got != tt.want {
			t.Errorf("Target(%q).Met(%+v) = %v, want %v", tt.target, tt.r, got, tt.want)
		}
	}
}

// A page runs a point in slices between frames; the result must be the
// one Run gives, whatever ends the run.
func TestPointInSlices(t *testing.T) {
	for _, text := range []string{
		"model=sync,gthread threads=3 workers=1..3 io=50ms io-dist=exp clients=20 requests=300",
		"model=gevent workers=1..2 io=100ms rate=50 duration=5s io@2s=300ms",
		"model=asyncio io=10ms..30ms/10ms burst=200",
	} {
		sc, err := ParseScenario(text)
		if err != nil {
			t.Fatal(err)
		}
		whole := RunSweep(sc, Options{}, nil)
		for i := range whole {
			s := NewLane(sc.Point(i), 0, Options{})
			for !s.Done() {
				s.Advance(s.Now()+300*time.Millisecond, 100)
			}
			want := whole[i]
			want.Cheapest = false // MarkCheapest sets it, from the other points
			if got := sc.PointResult(i, s.Result()); got != want {
				t.Errorf("%q point %d in slices = %+v, want %+v", text, i, got, want)
			}
		}
	}
}

// Every model's sweep point is a scenario of its own, even where the lane
// leaves at their defaults keys it does not use whose default ("the
// server's own", 0) their text refuses: a node sweep once panicked in
// Point (backlog), and so would a comparison whose shared backlog= or
// pool= only some lanes use.
func TestPointOfEveryModel(t *testing.T) {
	for _, name := range modelNames() {
		other := "sync"
		if name == other {
			other = "node"
		}
		for _, text := range []string{
			"model=" + name + " clients=10..30/10 io=100ms requests=60",
			"model=" + other + "," + name + " backlog=50 pool=5 clients=10..20/10 io=100ms requests=60",
		} {
			sc, err := ParseScenario(text)
			if err != nil {
				t.Fatalf("%s: %v", text, err)
			}
			for i := range len(sc.Sweep.Values) * len(sc.Lanes) {
				p := sc.Point(i)
				if _, err := ParseScenario(p.String()); err != nil {
					t.Errorf("%s: point %d's text %q does not parse: %v", text, i, p.String(), err)
				}
			}
		}
	}
}
