package main

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"playground/cmd/wasm/scene"
	"playground/engine"
	"playground/pagedata"
)

// The browser program's state, apart from Ebiten and the page: the running
// lanes and everything cpSim reports (docs/browser-api.md). It has no build
// tags, so its tests run natively.

const (
	tps          = 60                     // Update calls a second
	chunkEvents  = 4000                   // events a lane handles between looks at the clock
	stepBudget   = 8 * time.Millisecond   // most wall time one Update may simulate
	maxInFlight  = 200000                 // most requests the page holds at once
	maxSeek      = 10 * time.Minute       // the furthest seek ahead of the run
	sweepBudget  = 10 * time.Millisecond  // wall time each Update gives a sweep's points
	seriesStep   = 250 * time.Millisecond // one chart point
	seriesPoints = 2400                   // ten minutes of charts
	frameWindow  = 600                    // frames kept for frameStats
	minSpeed     = pagedata.MinSpeed
	maxSpeed     = pagedata.MaxSpeed
)

// defaultScenario is what runs before the page loads another.
const defaultScenario = "model=gthread workers=2 threads=4 io=200ms clients=40"

type app struct {
	sc      engine.Scenario
	labels  []string
	sims    []*engine.Sim
	snaps   []engine.Snapshot
	ends    []int64
	ended   [][]engine.Ended
	view    scene.View
	in      []scene.Input
	opt     scene.Options
	w, h    float32 // the canvas in CSS pixels
	sel     scene.Selection
	drawn   bool            // a frame was drawn since the last snapshot
	sweep   *sweepRun       // the sweep whose points run between frames, or nil
	pool    pointPool       // the page's workers for a sweep's points, or nil
	resting bool            // out of view: no simulation, no motion, no drawing
	notice  string          // why the run was paused for the reader, or ""
	pace    [tps]paceSample // the last second of Updates, for the speed achieved
	paceN   int
	speed   float64
	paused  bool
	ready   bool
	frames  []frameCost // Go-side time of recent frames, a ring
	frameN  int
	upTime  time.Duration    // Update time since the last Draw
	upCount int              // Updates since the last Draw
	parts   [4]time.Duration // the last Draw: layout, vertices, dots' draw call, text
	run     int              // runs started (load, reset, seek): a page's copy of the series starts again when it changes
	still   int              // Updates since the picture last changed (drawpace.go)
	fresh   bool             // the next frame must be painted
	held    bool             // a sweep held the picture
	pollAt  time.Time        // the page's last poll of state() (pollfollow.go)
}

// frameCost is the Go-side time of one drawn frame: its Draw, and the
// Updates Ebiten ran since the previous Draw (more than one when drawing is
// slower than the 60 ticks a second, as with software WebGL).
type frameCost struct {
	draw, updates time.Duration
	n             int
}

// tick is one Update and one Draw: the frame cost at 60 frames a second.
func (f frameCost) tick() time.Duration {
	if f.n == 0 {
		return f.draw
	}
	return f.draw + f.updates/time.Duration(f.n)
}

func newApp() *app {
	a := &app{speed: 1, w: 800, h: 450, opt: scene.Options{TextScale: 1}}
	if err := a.load(defaultScenario); err != nil {
		panic("cmd/wasm: default scenario: " + err.Error())
	}
	return a
}

// paceSample is one Update: when it ran and how far simulated time went.
type paceSample struct {
	wall time.Time
	sim  time.Duration
}

// load parses text and starts it from time 0; on an error nothing changes.
// A burst larger than the page can hold is refused before it runs.
func (a *app) load(text string) error {
	sc, err := engine.ParseScenario(text)
	if err != nil {
		return err
	}
	var sw *sweepRun
	if sc.Sweep != nil {
		// A sweep: its points run between frames for the capacity curves,
		// and the picture shows its first point live.
		sw = newSweepRun(sc)
		sc = sc.Point(0)
	}
	lanes := sc.Lanes
	if sw != nil { // every point's lanes, the first among them
		lanes = nil
		for i := range sw.pts {
			lanes = append(lanes, sw.sc.Point(i).Lanes...)
		}
	}
	for _, c := range lanes {
		if c.Burst > maxInFlight {
			return &engine.ScenarioError{Key: "burst", Value: strconv.Itoa(c.Burst),
				Msg: fmt.Sprintf("the page animates at most %d requests at once; run a larger burst with the CLI: go run ./cmd/sim '%s'", maxInFlight, sc.String())}
		}
	}
	a.dropSweep()
	a.sc, a.labels, a.sweep = sc, sc.LaneLabels(), sw
	if sw != nil {
		a.startSweep(sw)
	}
	a.restart()
	return nil
}

// restart runs the current scenario again from time 0.
func (a *app) restart() {
	a.run++
	n := len(a.sc.Lanes)
	a.sims = a.sims[:0]
	for i := range a.sc.Lanes {
		a.sims = append(a.sims, engine.NewLane(a.sc, i, engine.Options{Timelines: 200, SeriesStep: seriesStep, SeriesLen: seriesPoints, Endless: true}))
	}
	a.snaps = make([]engine.Snapshot, n)
	a.ends = make([]int64, n)
	a.ended = make([][]engine.Ended, n)
	a.in = make([]scene.Input, n)
	for i, c := range a.sc.Lanes {
		a.in[i] = scene.Input{Label: a.labels[i], Snap: &a.snaps[i], Traffic: trafficWords(c), Upstream: upstreamWords(c)}
	}
	a.view.Reset()
	a.sel = scene.Selection{}
	if a.notice != "" { // the page paused the last run, not the reader
		a.paused = false
	}
	a.notice, a.paceN = "", 0
	a.observe()
	a.reshaped()
}

func (a *app) setSpeed(x float64) { a.speed = min(maxSpeed, max(minSpeed, x)) }

// achievedSpeed is simulated seconds per wall second over the last second
// of Updates, or the chosen speed before there are two samples.
func (a *app) achievedSpeed() float64 {
	if a.paceN < 2 {
		return a.speed
	}
	last := a.pace[(a.paceN-1)%tps]
	first := a.pace[max(0, a.paceN-tps)%tps]
	wall := last.wall.Sub(first.wall)
	if wall <= 0 {
		return a.speed
	}
	return (last.sim - first.sim).Seconds() / wall.Seconds()
}

// step is one Update: it advances every lane by one tick's worth of
// simulated time (unless paused) and moves the picture's dots one tick. A
// new snapshot is taken only when a frame was drawn since the last one: with
// software WebGL several Updates run per Draw, and the dots glide on between
// snapshots at the same speed. While the page polls, the snapshots are the
// polls' (pollfollow.go), and the dots glide toward them between polls.
//
// A tick simulates for at most stepBudget of wall time (the clock decides
// only how far the page gets, never what the simulation does): a heavy
// scenario at high speed slows the simulation, not the page, and state()
// reports the speed achieved. A run that comes to hold more than
// maxInFlight requests pauses with a notice.
func (a *app) step() {
	if a.resting {
		return
	}
	a.tick()
	if !a.paused {
		a.changed()
		dt := time.Duration(a.speed * float64(time.Second) / tps)
		target := a.now() + dt
		start := time.Now()
	run:
		for {
			reached := true
			for i, s := range a.sims {
				reached = s.Advance(target, chunkEvents) && reached
				if n := s.Slots(); n > maxInFlight { // slots: the requests it holds at its peak
					a.paused = true
					a.notice = fmt.Sprintf("Paused at %.1f s: %s holds %d requests at once, more than the %d the page can animate. Fewer clients, a lower rate or the CLI (go run ./cmd/sim) will do.",
						a.now().Seconds(), a.labels[i], n, maxInFlight)
					break run
				}
			}
			if reached || time.Since(start) > stepBudget {
				break
			}
		}
		a.pace[a.paceN%tps] = paceSample{time.Now(), a.now()}
		a.paceN++
	}
	if a.sweep != nil && !a.sweep.done {
		if msg := a.sweep.work(sweepBudget); msg != "" {
			a.notice = msg
		}
	}
	if a.drawn && !a.followsPoll(time.Now()) {
		a.drawn = false
		a.observe()
		return
	}
	a.drawn = false
	a.view.Glide()
}

// observe takes each lane's snapshot and the requests that ended, and moves
// the view's dots toward their places.
func (a *app) observe() {
	for i, s := range a.sims {
		s.Snapshot(&a.snaps[i])
		a.ended[i], a.ends[i] = s.EndedSince(a.ends[i], a.ended[i][:0])
		a.in[i].Ended = a.ended[i]
	}
	a.view.Update(a.in, a.w, a.h, a.opt)
}

// freshen brings each lane's snapshot up to the simulation's time, without
// moving the dots: state() reads the snapshots the picture's words are
// written from, so that the page's numbers, the picture and the narration
// say the same at each of the page's refreshes.
func (a *app) freshen() {
	stale := false
	for i, s := range a.sims {
		if a.snaps[i].Now != s.Now() || len(a.snaps[i].Workers) == 0 { // none yet: not taken since the load
			stale = true
		}
	}
	if !stale {
		return
	}
	for i, s := range a.sims {
		s.Snapshot(&a.snaps[i])
		a.ended[i], a.ends[i] = s.EndedSince(a.ends[i], a.ended[i][:0])
		a.in[i].Ended = a.ended[i]
	}
	a.view.Place(a.in, a.w, a.h, a.opt)
}

// words is the text of the picture now: what a frame drawn now would
// write on the canvas.
func (a *app) words() []scene.Label { return a.view.Scene(a.sel).Labels }

// resize sets the canvas size in CSS pixels.
func (a *app) resize(w, h float32) {
	if w != a.w || h != a.h {
		a.w, a.h = w, h
		a.reshaped()
		a.view.Update(a.in, a.w, a.h, a.opt)
	}
}

// setTextScale sets the canvas text size factor, from 1 to 2.5.
func (a *app) setTextScale(x float64) {
	a.opt.TextScale = float32(min(2.5, max(1, x)))
	a.reshaped()
	a.view.Update(a.in, a.w, a.h, a.opt)
}

// now is the lanes' shared simulated time: the earliest of them, should a
// lane have fallen behind on its event budget.
func (a *app) now() time.Duration {
	t := a.sims[0].Now()
	for _, s := range a.sims[1:] {
		t = min(t, s.Now())
	}
	return t
}

// frame is the picture of the last step; it changes nothing in the
// simulation or the view.
func (a *app) frame() *scene.Scene {
	a.drawn = true
	return a.view.Scene(a.sel)
}

// click selects the request whose dot is at (x, y) in the last frame.
func (a *app) click(sc *scene.Scene, x, y float32) {
	a.reshaped()
	if lane, seq, ok := sc.Pick(x, y, 10); ok {
		a.sel = scene.Selection{Lane: lane, Seq: seq, On: true}
		return
	}
	a.sel = scene.Selection{}
}

// follow selects a request without a mouse: the one sent longest ago of
// those in flight after the selected one (in sending order), wrapping
// around, so that pressing again steps through them. It reports whether
// there was one.
func (a *app) follow() bool {
	lane := max(0, min(a.sel.Lane, len(a.sims)-1))
	snap := &a.snaps[lane]
	var best, first int64 = -1, -1
	for i := range snap.Requests {
		q := snap.Requests[i].Seq
		if first < 0 || q < first {
			first = q
		}
		if (!a.sel.On || q > a.sel.Seq) && (best < 0 || q < best) {
			best = q
		}
	}
	if best < 0 {
		best = first
	}
	if best < 0 {
		return false
	}
	a.sel = scene.Selection{Lane: lane, Seq: best, On: true}
	a.reshaped()
	return true
}

// recordUpdate adds one Update's time to the frame being made.
func (a *app) recordUpdate(d time.Duration) {
	a.upTime += d
	a.upCount++
}

// recordDraw closes a frame with its Draw's time.
func (a *app) recordDraw(d time.Duration) {
	f := frameCost{draw: d, updates: a.upTime, n: a.upCount}
	a.upTime, a.upCount = 0, 0
	if len(a.frames) < frameWindow {
		a.frames = append(a.frames, f)
	} else {
		a.frames[a.frameN%frameWindow] = f
	}
	a.frameN++
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

// selected is cpSim.selected(): the clicked request's timeline, or nil.
func (a *app) selected() map[string]any {
	if !a.sel.On || a.sel.Lane >= len(a.sims) {
		return nil
	}
	t, ok := a.sims[a.sel.Lane].Timeline(a.sel.Seq)
	if !ok {
		return nil
	}
	segs := make([]any, len(t.Segments))
	for i, sg := range t.Segments {
		segs[i] = map[string]any{"state": sg.State.String(), "startMs": ms(sg.Start), "endMs": ms(sg.End)}
	}
	var end any
	if t.End >= 0 {
		end = ms(t.End)
	}
	return map[string]any{"lane": a.sel.Lane, "seq": t.Seq, "client": t.Client, "worker": t.Worker,
		"outcome": t.Outcome, "sentMs": ms(t.Sent), "endMs": end, "segments": segs,
		"sleep": a.sims[a.sel.Lane].Config().Wait == engine.WaitSleep}
}

// frameStats is cpSim.frameStats(): quantiles of the Go-side cost of one
// tick (an Update and a Draw), and of everything Go did per drawn frame.
func (a *app) frameStats() map[string]any {
	out := map[string]any{"frames": a.frameN}
	if len(a.frames) == 0 {
		return out
	}
	ticks := make([]time.Duration, len(a.frames))
	whole := make([]time.Duration, len(a.frames))
	ups := 0
	for i, f := range a.frames {
		ticks[i], whole[i] = f.tick(), f.draw+f.updates
		ups += f.n
	}
	q := func(s []time.Duration, p float64) float64 { return ms(s[min(len(s)-1, int(p*float64(len(s))))]) }
	slices.Sort(ticks)
	slices.Sort(whole)
	out["p50Ms"], out["p95Ms"], out["maxMs"] = q(ticks, 0.5), q(ticks, 0.95), ms(ticks[len(ticks)-1])
	out["wholeP50Ms"], out["wholeP95Ms"] = q(whole, 0.5), q(whole, 0.95)
	out["updatesPerDraw"] = float64(ups) / float64(len(a.frames))
	out["lastDrawPartsMs"] = []any{ms(a.parts[0]), ms(a.parts[1]), ms(a.parts[2]), ms(a.parts[3])}
	return out
}

// loadResult is cpSim.load's answer.
func loadResult(a *app, text string) map[string]any {
	if err := a.load(text); err != nil {
		out := map[string]any{"ok": false, "error": err.Error(), "key": "", "value": ""}
		var se *engine.ScenarioError
		if errors.As(err, &se) {
			out["key"], out["value"] = se.Key, se.Value
		}
		return out
	}
	labels := make([]any, len(a.labels))
	for i, l := range a.labels {
		labels[i] = l
	}
	return map[string]any{"ok": true, "scenario": a.scenarioText(), "lanes": labels}
}

// Label is one entry of cpSim.labels(): a text drawn on the canvas, its box
// in CSS pixels and its font size.
type Label struct {
	Text string  `json:"text"`
	X    float32 `json:"x"`
	Y    float32 `json:"y"`
	W    float32 `json:"w"`
	H    float32 `json:"h"`
	Px   float32 `json:"px"`
}

// labels is cpSim.labels().
func labels(sc *scene.Scene) []Label {
	out := []Label{}
	if sc == nil {
		return out
	}
	for _, l := range sc.Labels {
		out = append(out, Label{l.Text, l.X, l.Y, l.W, l.H, l.Px})
	}
	return out
}

// dots is cpSim.dots(): where up to n request dots are on the canvas, as
// [x, y, lane, seq], so that tests and tours can point at one.
func dots(sc *scene.Scene, n int) []any {
	if sc == nil {
		return []any{}
	}
	out := make([]any, 0, min(n, len(sc.Hits)))
	for _, h := range sc.Hits[:min(n, len(sc.Hits))] {
		out = append(out, []any{float64(h.X), float64(h.Y), h.Lane, float64(h.Seq)})
	}
	return out
}

// scenarioText is the text that replays what the page shows: a sweep's,
// with its range, while its curves are the subject; else the live run's.
func (a *app) scenarioText() string {
	if a.sweep != nil {
		return a.sweep.sc.String()
	}
	return a.sc.String()
}

// changeStep is the grid of simulated time a slider's change lands on.
const changeStep = 100 * time.Millisecond

// change applies KEY=VALUE to the running lanes from the next 0.1 s of
// simulated time on, as the real server would take it, and records it in
// the scenario as KEY@TIME=VALUE so that the text replays the session. On
// an error nothing changes.
func (a *app) change(key, value string) (time.Duration, error) {
	at := (a.now() + changeStep - 1) / changeStep * changeStep
	if !a.takesLive(key) {
		return 0, errNotLive{key}
	}
	sc := a.sc
	sc.Changes = append([]engine.Change(nil), a.sc.Changes...)
	if err := sc.AddChange(key, at, value); err != nil {
		return 0, err
	}
	a.dropSweep() // the picture becomes a live session of its own
	for _, s := range a.sims {
		if !s.Takes(key) {
			continue
		}
		if err := s.Change(at, key, value); err != nil {
			// The lanes agree with the text or the run starts over from it.
			a.sc = sc
			a.seek(a.now())
			return at, nil
		}
	}
	a.sc = sc
	return at, nil
}

// errNotLive says that no lane's server can take a change of key while it
// runs: the page starts the run again instead.
type errNotLive struct{ key string }

func (e errNotLive) Error() string {
	return e.key + " cannot change while the server runs; the run starts again with the new value"
}

// takesLive reports whether some lane's server takes key as a live change.
func (a *app) takesLive(key string) bool {
	for _, c := range a.sc.Lanes {
		if slices.Contains(engine.LiveKeys(c.Model), key) {
			return true
		}
	}
	return false
}

// changeResult is cpSim.change's answer.
func changeResult(a *app, key, value string) map[string]any {
	at, err := a.change(key, value)
	if err != nil {
		_, notLive := err.(errNotLive)
		return map[string]any{"ok": false, "error": err.Error(), "live": !notLive}
	}
	return map[string]any{"ok": true, "scenario": a.sc.String(), "at": at.Seconds()}
}
