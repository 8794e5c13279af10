package main

import (
	"errors"
	"slices"
	"time"

	"playground/cmd/wasm/scene"
	"playground/engine"
)

// The browser program's state, apart from Ebiten and the page: the running
// lanes and everything cpSim reports (docs/browser-api.md). It has no build
// tags, so its tests run natively.

const (
	tps          = 60                     // Update calls a second
	eventBudget  = 300000                 // events one lane may handle in one Update
	seriesStep   = 250 * time.Millisecond // one chart point
	seriesPoints = 240
	frameWindow  = 600 // frames kept for frameStats
	minSpeed     = 0.01
	maxSpeed     = 100
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
	sel     scene.Selection
	speed   float64
	paused  bool
	ready   bool
	frames  []frameCost // Go-side time of recent frames, a ring
	frameN  int
	upTime  time.Duration    // Update time since the last Draw
	upCount int              // Updates since the last Draw
	parts   [4]time.Duration // the last Draw: layout, vertices, dots' draw call, text
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
	a := &app{speed: 1}
	if err := a.load(defaultScenario); err != nil {
		panic("cmd/wasm: default scenario: " + err.Error())
	}
	return a
}

// load parses text and starts it from time 0; on an error nothing changes.
func (a *app) load(text string) error {
	sc, err := engine.ParseScenario(text)
	if err != nil {
		return err
	}
	a.sc, a.labels = sc, sc.LaneLabels()
	a.restart()
	return nil
}

// restart runs the current scenario again from time 0.
func (a *app) restart() {
	n := len(a.sc.Lanes)
	a.sims = a.sims[:0]
	for _, c := range a.sc.Lanes {
		a.sims = append(a.sims, engine.New(c, engine.Options{Timelines: 200, SeriesStep: seriesStep, SeriesLen: seriesPoints}))
	}
	a.snaps = make([]engine.Snapshot, n)
	a.ends = make([]int64, n)
	a.ended = make([][]engine.Ended, n)
	a.view.Reset()
	a.sel = scene.Selection{}
}

func (a *app) setSpeed(x float64) { a.speed = min(maxSpeed, max(minSpeed, x)) }

// step advances every lane by one Update's worth of simulated time.
func (a *app) step() {
	if a.paused {
		return
	}
	dt := time.Duration(a.speed * float64(time.Second) / tps)
	target := a.now() + dt
	for _, s := range a.sims {
		s.Advance(target, eventBudget)
	}
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

// frame lays out the current state in a w x h canvas.
func (a *app) frame(w, h float32) *scene.Scene {
	in := make([]scene.Input, len(a.sims))
	for i, s := range a.sims {
		s.Snapshot(&a.snaps[i])
		a.ended[i], a.ends[i] = s.EndedSince(a.ends[i], a.ended[i][:0])
		in[i] = scene.Input{Label: a.labels[i], Snap: &a.snaps[i], Ended: a.ended[i]}
	}
	return a.view.Frame(in, w, h, a.sel)
}

// click selects the request whose dot is at (x, y) in the last frame.
func (a *app) click(sc *scene.Scene, x, y float32) {
	if lane, seq, ok := sc.Pick(x, y, 10); ok {
		a.sel = scene.Selection{Lane: lane, Seq: seq, On: true}
		return
	}
	a.sel = scene.Selection{}
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

// state is cpSim.state().
func (a *app) state() map[string]any {
	lanes := make([]any, len(a.sims))
	for i, s := range a.sims {
		r := s.Result()
		rps, p50, p99, answered := s.Recent()
		var p50ms, p99ms any // null when nothing was answered in the last second
		if answered {
			p50ms, p99ms = ms(p50), ms(p99)
		}
		lanes[i] = map[string]any{
			"label": a.labels[i], "scenario": r.Scenario, "done": s.Done(),
			"completed": r.Completed, "failedTotal": r.Failed.Total(),
			"failed": map[string]any{"client-timeout": r.Failed.ClientTimeout,
				"worker-timeout": r.Failed.WorkerTimeout, "connect-failed": r.Failed.ConnectFailed},
			"inFlight": r.InFlight, "queue": s.QueueDepth(), "upstream": a.snaps[i].Upstream,
			"wasted": r.Wasted, "workerRestarts": r.WorkerRestarts,
			"throughputRps": rps, "p50Ms": p50ms, "p99Ms": p99ms,
			"meanMs": r.LatencyMS.Mean, "p50AllMs": r.LatencyMS.P50, "p99AllMs": r.LatencyMS.P99,
			"memoryMB": map[string]any{"resident": r.MemoryMB.Resident, "virtual": r.MemoryMB.Virtual},
			"cpuUtil":  r.CPUUtil,
			"states":   stateCounts(&a.snaps[i]), "blockedWorkers": blocked(&a.snaps[i]),
		}
	}
	l0 := lanes[0].(map[string]any)
	return map[string]any{
		"scenario": a.sc.String(), "simSeconds": a.now().Seconds(), "paused": a.paused, "speed": a.speed,
		"ready": a.ready, "lanes": lanes,
		"completed": l0["completed"], "inFlight": l0["inFlight"], "throughputRps": l0["throughputRps"],
		"p50Ms": l0["p50Ms"], "p99Ms": l0["p99Ms"],
	}
}

// stateCounts counts the requests of a snapshot by state name.
func stateCounts(s *engine.Snapshot) map[string]any {
	var n [16]int
	for i := range s.Requests {
		n[s.Requests[i].State]++
	}
	out := map[string]any{}
	for st := engine.StateConnecting; st <= engine.StateWaitPool; st++ {
		out[st.String()] = n[st]
	}
	return out
}

// blocked counts workers whose loop is held by a call it cannot yield on.
func blocked(s *engine.Snapshot) int {
	n := 0
	for _, w := range s.Workers {
		if w.Blocked {
			n++
		}
	}
	return n
}

// series is cpSim.series().
func (a *app) series() []any {
	out := make([]any, len(a.sims))
	for i, s := range a.sims {
		pts := s.Series()
		arr := make([]any, len(pts))
		for j, p := range pts {
			// A step in which nothing finished has no latency: null, which the
			// charts draw as a gap rather than a drop to 0.
			var p50, p99 any
			if p.Throughput > 0 {
				p50, p99 = ms(p.P50), ms(p.P99)
			}
			arr[j] = map[string]any{"t": p.T.Seconds(), "rps": p.Throughput, "p50": p50, "p99": p99,
				"queue": p.Queue, "inFlight": p.InFlight, "upstream": p.Upstream, "rssMB": float64(p.RSS) / (1 << 20),
				"failed": p.Failed}
		}
		out[i] = map[string]any{"label": a.labels[i], "points": arr}
	}
	return out
}

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
		"outcome": t.Outcome, "sentMs": ms(t.Sent), "endMs": end, "segments": segs}
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
	return map[string]any{"ok": true, "scenario": a.sc.String(), "lanes": labels}
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
