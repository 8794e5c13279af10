package main

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"playground/cmd/wasm/scene"
	"playground/engine"
)

func TestLoadReportsErrorsAndKeepsTheRun(t *testing.T) {
	a := newApp()
	for i := 0; i < 30; i++ {
		a.step()
	}
	before := a.state().Scenario
	res := loadResult(a, "model=gthread workers=zero")
	if res["ok"] != false || res["key"] != "workers" || res["value"] != "zero" ||
		!strings.Contains(res["error"].(string), "1 to 128") {
		t.Errorf("load(bad) = %v; want ok false, key workers, value zero and what is allowed", res)
	}
	if a.state().Scenario != before || a.now() == 0 {
		t.Errorf("a bad load changed the run: scenario %v, time %v", a.state().Scenario, a.now())
	}
	res = loadResult(a, "model=sync,asyncio io=50ms clients=20")
	if res["ok"] != true || len(res["lanes"].([]any)) != 2 || a.now() != 0 {
		t.Errorf("load(comparison) = %v at %v; want two lanes from time 0", res, a.now())
	}
}

func TestStepFollowsSpeedAndPause(t *testing.T) {
	a := newApp()
	a.setSpeed(1000)
	if a.speed != maxSpeed {
		t.Fatalf("setSpeed(1000) gave %v, want the maximum %v", a.speed, maxSpeed)
	}
	a.setSpeed(2)
	for i := 0; i < tps; i++ {
		a.step()
	}
	if got := a.now(); got < 1990*time.Millisecond || got > 2010*time.Millisecond {
		t.Errorf("60 ticks at 2x: %v simulated, want 2s", got)
	}
	a.paused = true
	a.step()
	if got := a.now(); got > 2010*time.Millisecond {
		t.Errorf("a paused step moved time to %v", got)
	}
}

func TestStateSeriesAndSelection(t *testing.T) {
	a := newApp()
	if err := a.load("model=gthread threads=4 io=2s clients=8"); err != nil {
		t.Fatal(err)
	}
	a.setSpeed(4)
	a.resize(1000, 600)
	var sc *scene.Scene
	for i := 0; i < 3*tps; i++ {
		a.step()
		if i%3 == 0 { // a frame drawn every third tick, as with slow WebGL
			sc = a.frame()
		}
	}
	sc = a.frame()
	st := a.state()
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	var js struct {
		Lanes []map[string]any `json:"lanes"`
	}
	if err := json.Unmarshal(b, &js); err != nil || len(js.Lanes) != 1 {
		t.Fatalf("state() as JSON: %s, %v", b, err)
	}
	for _, k := range []string{"completed", "failed", "inFlight", "queue", "upstream", "throughputRps", "p50Ms", "p99Ms", "memoryMB", "label", "narration"} {
		if _, ok := js.Lanes[0][k]; !ok {
			t.Errorf("state().lanes[0] lacks %s", k)
		}
	}
	if st.Lanes[0].Upstream != 4 {
		t.Errorf("4 threads on 2s calls: %v upstream calls, want 4", st.Lanes[0].Upstream)
	}
	if !strings.Contains(st.Narration, "4 threads") {
		t.Errorf("narration %q does not say the 4 threads are busy", st.Narration)
	}
	pts := a.series()[0].Points
	if len(pts) < 40 {
		t.Fatalf("%d series points after 12s, want one per 250ms", len(pts))
	}
	gaps := 0
	for _, p := range pts {
		if p.P50 == nil {
			gaps++
		}
	}
	if gaps == 0 {
		t.Errorf("no step without answers: want null latencies while 2s calls are out")
	}
	d := dots(sc, 50)
	if len(d) == 0 {
		t.Fatal("no dots")
	}
	xy := d[0].([]any)
	a.click(sc, float32(xy[0].(float64)), float32(xy[1].(float64)))
	sel := a.selected()
	if sel == nil || sel["seq"] != int64(xy[3].(float64)) || len(sel["segments"].([]any)) == 0 {
		t.Errorf("clicking dot %v selected %v", xy, sel)
	}
	a.click(sc, -50, -50)
	if a.selected() != nil {
		t.Errorf("clicking empty space kept a selection")
	}
}

// A burst the page cannot hold is refused before it runs; a rate that
// floods the server pauses with a notice instead of eating the memory; and
// the next load works.
func TestThePageNeverHoldsTooMuch(t *testing.T) {
	a := newApp()
	res := loadResult(a, "model=dev-threaded io=1s burst=1000000")
	if res["ok"] != false || res["key"] != "burst" || !strings.Contains(res["error"].(string), "go run ./cmd/sim") {
		t.Fatalf("load(burst=1000000) = %v; want a refusal that names burst and the CLI", res)
	}
	if res := loadResult(a, "model=sync io=1s burst=1000..1000000/999000"); res["ok"] != false || res["key"] != "burst" {
		t.Fatalf("load(a sweep with a huge burst) = %v; want a refusal naming burst", res)
	}
	if err := a.load("model=asyncio io=1s rate=1000000"); err != nil {
		t.Fatal(err)
	}
	a.setSpeed(100)
	for i := 0; i < 20*tps && !a.paused; i++ {
		a.step()
	}
	st := a.state()
	if !a.paused || !strings.Contains(st.Notice, "Paused") || a.sims[0].Slots() > maxInFlight+chunkEvents {
		t.Fatalf("rate=1000000: paused %v at %v with %d slots, notice %q; want a pause near %d", a.paused, a.now(), a.sims[0].Slots(), st.Notice, maxInFlight)
	}
	if err := a.load("model=sync io=100ms clients=5"); err != nil || a.paused || a.notice != "" {
		t.Fatalf("the next load: %v, paused %v, notice %q; want it running", err, a.paused, a.notice)
	}
}

// A seek equals a fresh run paused at that time; the export carries the
// scenario and one CSV row per lane and chart step.
func TestSeekAndExport(t *testing.T) {
	const text = "model=gthread,asyncio workers=2 threads=4 io=200ms clients=60"
	a := newApp()
	if err := a.load(text); err != nil {
		t.Fatal(err)
	}
	a.setSpeed(10)
	for i := 0; i < 60; i++ { // 10 simulated seconds
		a.step()
	}
	a.seek(3 * time.Second)
	b := newApp()
	if err := b.load(text); err != nil {
		t.Fatal(err)
	}
	for _, s := range b.sims {
		s.RunUntil(3 * time.Second)
	}
	for i := range a.sims {
		ra, rb := a.sims[i].Result(), b.sims[i].Result()
		ja, _ := json.Marshal(ra)
		jb, _ := json.Marshal(rb)
		if string(ja) != string(jb) || a.now() != 3*time.Second {
			t.Fatalf("lane %d after seek(3s) at %v:\n%s\nfresh run to 3s:\n%s", i, a.now(), ja, jb)
		}
	}
	csv := a.exportCSV()
	lines := strings.Split(strings.TrimSpace(csv), "\n")
	if !strings.HasPrefix(lines[0], "# scenario: "+a.sc.String()) || len(lines) != 2+2*12 {
		t.Errorf("CSV: %d lines, first %q; want the scenario, a header and 12 steps x 2 lanes", len(lines), lines[0])
	}
	var e Export
	if err := json.Unmarshal([]byte(a.exportJSON()), &e); err != nil || e.Scenario != a.sc.String() || len(e.Lanes) != 2 || len(e.Lanes[1].Series) != 12 {
		t.Errorf("JSON export: %v, %+v", err, e)
	}
}

// A slider moved during a run changes the running server from the next
// 0.1 s on: time goes on, the scenario records KEY@TIME=VALUE, and a reset
// replays it. A key no server takes live says so.
func TestLiveChange(t *testing.T) {
	a := newApp()
	if err := a.load("model=gthread workers=1 threads=2 io=200ms clients=40 keepalive=false"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4*tps+3; i++ {
		a.step()
	}
	before := a.now()
	res := changeResult(a, "workers", "4")
	if res["ok"] != true || !strings.Contains(res["scenario"].(string), "workers@4.1s=4") || a.now() != before {
		t.Fatalf("change(workers, 4) at %v = %v; want workers@4.1s=4 and time going on", before, res)
	}
	for i := 0; i < 4*tps; i++ {
		a.step()
	}
	if n := len(a.sims[0].Config().String()); n == 0 || a.sims[0].Config().Workers != 4 {
		t.Errorf("after the change the lane runs %d workers, want 4", a.sims[0].Config().Workers)
	}
	res = changeResult(a, "threads", "8")
	if res["ok"] != false || res["live"] != false {
		t.Errorf("change(threads) = %v; want a refusal that says it is not live", res)
	}
	done := a.sims[0].Result().Completed
	a.restart()
	for _, s := range a.sims {
		s.RunUntil(8 * time.Second)
	}
	if !strings.Contains(a.sc.String(), "workers@4.1s=4") || a.sims[0].Config().Workers != 4 || a.sims[0].Result().Completed == 0 || done == 0 {
		t.Errorf("a reset lost the change: %s, %d workers", a.sc.String(), a.sims[0].Config().Workers)
	}
}

// Follow steps through the requests in flight without a mouse.
func TestFollowWithoutAMouse(t *testing.T) {
	a := newApp()
	if err := a.load("model=gthread threads=4 io=2s clients=8"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < tps; i++ {
		a.step()
		a.frame()
	}
	if !a.follow() || a.selected() == nil {
		t.Fatal("follow found no request to select")
	}
	first := a.sel.Seq
	if !a.follow() || a.sel.Seq <= first {
		t.Errorf("follow again selected %d after %d; want a later request", a.sel.Seq, first)
	}
}

// selected() says when a lane's io is a sleep, so the page says "slept"
// instead of "waited on the upstream".
func TestSelectedSaysSleep(t *testing.T) {
	for _, tt := range []struct {
		text  string
		sleep bool
	}{{"model=asyncio io=2s clients=8", false}, {"model=asyncio io=2s wait=sleep clients=8", true}} {
		a := newApp()
		if err := a.load(tt.text); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < tps; i++ {
			a.step()
			a.frame()
		}
		if !a.follow() {
			t.Fatalf("%s: follow found no request", tt.text)
		}
		if got := a.selected()["sleep"]; got != tt.sleep {
			t.Errorf("%s: selected().sleep = %v, want %v", tt.text, got, tt.sleep)
		}
	}
}

// A sweep computes its points between frames, in slices of wall time, and
// its curves equal the CLI's: throughput rises with workers.
func TestSweepRunsBetweenFrames(t *testing.T) {
	a := newApp()
	res := loadResult(a, "model=sync workers=1..6 io=100ms clients=30 requests=1000")
	if res["ok"] != true {
		t.Fatal(res)
	}
	for i := 0; i < 100000 && !a.sweep.done; i++ {
		a.step()
		a.frame()
	}
	st := a.state()
	if st.Sweep == nil || st.Sweep.Done != 6 || st.Sweep.Total != 6 || !strings.Contains(st.Sweep.Scenario, "workers=1..6") {
		t.Fatalf("state().sweep = %+v; want 6 of 6 points of workers=1..6", st.Sweep)
	}
	c := a.curves()
	if len(c) != 1 || len(c[0].Points) != 6 || c[0].Points[5].ThroughputRPS < 3*c[0].Points[0].ThroughputRPS {
		t.Fatalf("curves = %+v; want throughput rising with workers", c)
	}
	sc, _ := engine.ParseScenario("model=sync workers=1..6 io=100ms clients=30 requests=1000")
	want := engine.RunSweep(sc, engine.Options{}, nil)
	for i := range want {
		if want[i].ThroughputRPS != c[0].Points[i].ThroughputRPS || want[i].P99MS != c[0].Points[i].P99MS {
			t.Errorf("point %d: page %+v, CLI %+v", i, c[0].Points[i], want[i])
		}
	}
	if a.sims[0].Config().Workers != 1 {
		t.Errorf("the picture runs %d workers, want the first point's 1", a.sims[0].Config().Workers)
	}
}

// A sweep point that floods the page ends the sweep with a notice, and the
// live picture goes on.
func TestSweepPointThatFloods(t *testing.T) {
	a := newApp()
	if err := a.load("model=asyncio io=1s rate=100..1000000/999900 duration=5s"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5000 && !a.sweep.done; i++ {
		a.step()
	}
	if !a.sweep.done || !strings.Contains(a.notice, "point 2 of 2") || a.paused {
		t.Fatalf("sweep done %v, notice %q, paused %v; want the sweep stopped at point 2 with a notice, the picture running", a.sweep.done, a.notice, a.paused)
	}
}

// With the page's workers, the points come back in any order; the curves
// hold them in the order of the points, the same as the CLI's, and a
// worker that fails hands the rest back to the program.
func TestSweepPointsFromWorkers(t *testing.T) {
	const text = "model=sync,gevent workers=1..4 io=100ms clients=30 requests=500 target=p99<500ms"
	sc, _ := engine.ParseScenario(text)
	want := engine.Curves(engine.RunSweep(sc, engine.Options{}, nil))

	a := newApp()
	pool := &fakePool{}
	a.pool = pool
	if err := a.load(text); err != nil {
		t.Fatal(err)
	}
	for i := 7; i >= 0; i-- { // the last point first
		r := engine.RunPoint(a.sweep.sc.String(), i, maxInFlight)
		more := pool.deliver(r)
		if more != (i > 0) {
			t.Errorf("deliver(point %d) = %v; want %v (more only while points are missing)", i, more, i > 0)
		}
		if a.sweep.done != (i == 0) || a.state().Sweep.Done != 8-i || !a.state().Sweep.Workers {
			t.Fatalf("after point %d: %+v, done %v", i, a.state().Sweep, a.sweep.done)
		}
		a.sweep.work(time.Second) // the program leaves the points to the workers
		if a.sweep.n != 8-i {
			t.Fatalf("the program ran points while the workers did: %d done, want %d", a.sweep.n, 8-i)
		}
	}
	if got := a.curves(); !reflect.DeepEqual(got, want) {
		t.Errorf("curves from the workers = %+v\nwant RunSweep's %+v", got, want)
	}

	// A worker that fails: the program runs the rest itself.
	if err := a.load(text); err != nil {
		t.Fatal(err)
	}
	pool.deliver(engine.RunPoint(a.sweep.sc.String(), 3, maxInFlight))
	if pool.deliver(engine.PointRun{Index: -1, Error: "the sweep worker failed"}) || a.sweep.remote {
		t.Fatalf("a failed worker did not hand the points back: remote %v", a.sweep.remote)
	}
	for i := 0; i < 100000 && !a.sweep.done; i++ {
		a.sweep.work(sweepBudget)
	}
	if got := a.curves(); !reflect.DeepEqual(got, want) {
		t.Errorf("curves after a failed worker = %+v\nwant RunSweep's %+v", got, want)
	}

	// The program takes the points the workers have not, between frames.
	if err := a.load(text); err != nil {
		t.Fatal(err)
	}
	pool.free = []int{5, 6, 7}
	for i := 4; i >= 0; i-- {
		pool.deliver(engine.RunPoint(a.sweep.sc.String(), i, maxInFlight))
	}
	for i := 0; i < 100000 && !a.sweep.done; i++ {
		a.sweep.work(sweepBudget)
	}
	if got := a.curves(); !a.sweep.done || len(pool.free) != 0 || !reflect.DeepEqual(got, want) {
		t.Errorf("with the program's points: done %v, free %v, curves %+v\nwant RunSweep's %+v", a.sweep.done, pool.free, got, want)
	}

	// Another scenario while the workers run: they stop at once.
	if err := a.load(text); err != nil {
		t.Fatal(err)
	}
	if err := a.load("model=sync workers=2"); err != nil || pool.stops != 1 {
		t.Errorf("load over a running sweep: err %v, %d stops of the workers; want 1", err, pool.stops)
	}
}

// fakePool is the page's workers, natively: the test delivers the points,
// and claim hands the program the points in free.
type fakePool struct {
	deliver func(engine.PointRun) bool
	stops   int
	free    []int
}

func (p *fakePool) claim() int {
	if len(p.free) == 0 {
		return -1
	}
	i := p.free[0]
	p.free = p.free[1:]
	return i
}

func (p *fakePool) start(text string, total, maxSlots int, d func(engine.PointRun) bool) bool {
	p.deliver = d
	return true
}

func (p *fakePool) stop() { p.stops++ }

// A page that keeps the series by asking only for the points after its last
// one (series(since), then dropping its oldest down to kept) holds what
// series() returns, also after the program's ten minutes roll over; and the
// run counter tells it when to start again.
func TestSeriesSinceAddsUp(t *testing.T) {
	a := newApp()
	if err := a.load("model=sync,gevent workers=2 io=100ms clients=6"); err != nil {
		t.Fatal(err)
	}
	run := a.state().Run
	var copyOf []LaneSeries
	poll := func() {
		if copyOf == nil {
			copyOf = a.series()
			return
		}
		since := copyOf[0].Points[len(copyOf[0].Points)-1].T
		for i, ls := range a.seriesSince(since) {
			c := &copyOf[i]
			for _, p := range ls.Points {
				if p.T <= since {
					t.Fatalf("series(%v) gave a point at %v", since, p.T)
				}
			}
			c.Points = append(c.Points, ls.Points...)
			c.Points, c.Kept = c.Points[max(0, len(c.Points)-ls.Kept):], ls.Kept
		}
	}
	a.setSpeed(4)
	for range 3 * tps { // three seconds of frames, a poll every 15 ticks
		for range 15 {
			a.step()
		}
		poll()
	}
	if got, want := len(copyOf[0].Points), len(a.series()[0].Points); got != want || got < 40 {
		t.Fatalf("after polls the page holds %d points, series() %d (want one per 250 ms of 12 s)", got, want)
	}
	for _, step := range []time.Duration{5 * time.Minute, 5 * time.Minute, 30 * time.Second} {
		a.seek(a.now() + step) // a seek starts a new run...
		if a.state().Run == run {
			t.Fatalf("a seek left the run counter at %d", run)
		}
		run = a.state().Run
		poll() // ...but the page's copy is still right to extend, as runs are deterministic
	}
	full := a.series()
	if full[0].Kept != seriesPoints {
		t.Fatalf("after 10.5 minutes the lane keeps %d points, want %d", full[0].Kept, seriesPoints)
	}
	got, _ := json.Marshal(copyOf)
	want, _ := json.Marshal(full)
	if string(got) != string(want) {
		i := 0
		for i < min(len(got), len(want)) && got[i] == want[i] {
			i++
		}
		t.Errorf("the page's copy built from series(since) differs from series() at byte %d:\n%.300s\n%.300s", i, got[max(0, i-100):], want[max(0, i-100):])
	}
	if n := len(a.seriesSince(a.now().Seconds())[1].Points); n != 0 {
		t.Errorf("series(now) gave %d points, want none", n)
	}
}
