package main

import (
	"fmt"
	"time"

	"playground/engine"
)

// sweepWorkerURL is the script of the page's sweep workers (static/), which
// loads cmd/sweepworker. The page fetches it only when a sweep runs.
const sweepWorkerURL = "sweepworker.js"

// sweepRun computes a sweep's points (KEY=A..B). Where the page has Web
// Workers, they run the points beside the picture and deliver brings each
// result, while the program runs the points it claims before them; else
// (or if they fail) the program runs every point. It runs its points one
// after another, in slices of wall time between frames, so the page never
// stalls. Either way each point is an ordinary run to its end, the same as
// the CLI's, and the results sit in the order of the points.
type sweepRun struct {
	sc      engine.Scenario
	pts     []engine.SweepPoint
	res     []engine.PointResult // by point, filled as the points finish
	have    []bool               // which points have finished
	n       int                  // how many have
	next    int                  // where the program looks for a point to run itself
	cur     *engine.Sim
	curI    int        // the point cur runs
	remote  bool       // the page's workers run the points
	claim   func() int // with workers: takes a point none of them has, or -1
	done    bool
	ended   time.Time // when the program's last slice of points ended
	inFrame int       // the program's slices in this frame so far
}

// With workers the program runs at most frameSlices slices of points a
// frame. Ebiten runs up to five Updates back to back in a frame that comes
// late; with a slice each, a late frame's points kept the page's thread
// 50-80 ms of CPU, which a busy machine stretched into stalls of 200-300
// ms and more. A slice that starts less than sliceGap after the last one
// ended is in the same frame: Updates of one frame follow each other in
// well under it, and frames at 60 a second leave more than it after a
// slice. Paired with the code before at load 3-6, one slice a frame cut
// the longest frame gap to 0.73 of before but made the sweep 1.04 times
// as long (the page ran 10-16 points, not more); two cut the gap as much
// (0.73, shorter in 11 of 13 pairs) and the sweep took 0.97 of the time.
const (
	sliceGap    = 3 * time.Millisecond
	frameSlices = 2
)

func newSweepRun(sc engine.Scenario) *sweepRun {
	pts := sc.Points()
	return &sweepRun{sc: sc, pts: pts, res: make([]engine.PointResult, len(pts)), have: make([]bool, len(pts))}
}

// work runs points for at most budget of wall time: every point, or, with
// workers, the points it claims before they do, so that the page's own
// thread helps them (a browser gives it more of a busy machine than it
// gives workers: in runs at load 5-7 without it, the sweep took 1.0-2.0x
// as long), but with workers at most frameSlices slices a frame. A point
// that comes to hold more requests than the page can ends the sweep, and
// work says why.
func (sw *sweepRun) work(budget time.Duration) string {
	start := time.Now()
	if sw.remote && start.Sub(sw.ended) < sliceGap {
		if sw.inFrame >= frameSlices {
			return ""
		}
	} else {
		sw.inFrame = 0
	}
	sw.inFrame++
	defer func() { sw.ended = time.Now() }()
	for !sw.done && time.Since(start) < budget {
		if sw.cur == nil {
			if sw.curI = sw.nextPoint(); sw.curI < 0 {
				return "" // the workers have the rest
			}
			sw.cur = engine.NewLane(sw.sc.Point(sw.curI), 0, engine.Options{})
		}
		i := sw.curI
		if !sw.cur.Done() {
			sw.cur.Advance(sw.cur.Now()+time.Hour, chunkEvents)
			if n := sw.cur.Slots(); n > maxInFlight {
				sw.cur = nil
				return sw.flooded(i, n)
			}
			continue
		}
		sw.add(i, sw.sc.PointResult(i, sw.cur.Result()))
		sw.cur = nil
	}
	return ""
}

// nextPoint picks the next point for the program to run, or -1.
func (sw *sweepRun) nextPoint() int {
	if sw.remote {
		return sw.claim()
	}
	for sw.next < len(sw.have) && sw.have[sw.next] {
		sw.next++
	}
	if sw.next == len(sw.have) {
		return -1
	}
	return sw.next
}

// add records point i's result; the last one marks the cheapest points.
func (sw *sweepRun) add(i int, p engine.PointResult) {
	if sw.have[i] {
		return
	}
	sw.res[i], sw.have[i] = p, true
	sw.n++
	if sw.n == len(sw.pts) {
		engine.MarkCheapest(sw.res)
		sw.done = true
	}
}

// flooded ends the sweep at point i, which came to hold n requests, and
// says why.
func (sw *sweepRun) flooded(i, n int) string {
	sw.done = true
	return fmt.Sprintf("The sweep stopped at point %d of %d (%s=%s): it holds %d requests at once, more than the %d the page can; the CLI runs it: go run ./cmd/sim '%s'",
		i+1, len(sw.pts), sw.pts[i].Key, sw.pts[i].Value, n, maxInFlight, sw.sc.String())
}

// finished returns the results so far, in the order of the points.
func (sw *sweepRun) finished() []engine.PointResult {
	out := make([]engine.PointResult, 0, sw.n)
	for i, ok := range sw.have {
		if ok {
			out = append(out, sw.res[i])
		}
	}
	return out
}

// pointPool runs a sweep's points in the page's workers.
type pointPool interface {
	// start begins the sweep: its text, how many points it has, the most
	// requests a point may hold, and deliver, which takes each reply and
	// says whether to go on. It reports whether the workers started.
	start(text string, total, maxSlots int, deliver func(engine.PointRun) bool) bool
	// stop ends the workers of the sweep started last, at once.
	stop()
	// claim takes a point of that sweep that no worker has taken, for the
	// program to run; -1 when there is none.
	claim() int
}

// startSweep hands sw's points to the workers, if the page has them.
func (a *app) startSweep(sw *sweepRun) {
	if a.pool == nil {
		return
	}
	sw.remote = a.pool.start(sw.sc.String(), len(sw.pts), maxInFlight, func(r engine.PointRun) bool { return a.deliver(sw, r) })
	sw.claim = a.pool.claim
}

// dropSweep lets the sweep go (another scenario loads, or a live change
// makes the picture a session of its own): its workers stop at once rather
// than finish the points they hold.
func (a *app) dropSweep() {
	if a.sweep != nil && a.sweep.remote && !a.sweep.done && a.pool != nil {
		a.pool.stop()
	}
	a.sweep = nil
}

// deliver takes a worker's reply for sw and says whether the workers
// should go on: not once the sweep is done or replaced. A reply that is
// not a point's result (a worker that failed to load) hands the rest of
// the points back to the program.
func (a *app) deliver(sw *sweepRun, r engine.PointRun) bool {
	if a.sweep != sw || sw.done {
		return false
	}
	if r.Index < 0 || r.Index >= len(sw.pts) || r.Point == nil && r.Slots == 0 {
		sw.remote = false
		return false
	}
	if r.Slots > 0 {
		a.notice = sw.flooded(r.Index, r.Slots)
		return false
	}
	sw.add(r.Index, *r.Point)
	return !sw.done
}

// SweepState is state().sweep: how far the capacity curves are.
type SweepState struct {
	Scenario string `json:"scenario"` // the sweep's text, with its range
	Key      string `json:"key"`
	Done     int    `json:"done"`
	Total    int    `json:"total"`
	Target   string `json:"target"` // the goal, or ""
	// Workers says whether the page's Web Workers run the points (else
	// the program does, between frames).
	Workers bool `json:"workers"`
}

func (sw *sweepRun) state() *SweepState {
	if sw == nil {
		return nil
	}
	st := &SweepState{Scenario: sw.sc.String(), Key: sw.sc.Sweep.Key, Done: sw.n, Total: len(sw.pts), Workers: sw.remote}
	if t := sw.sc.Sweep.Target; t != nil {
		st.Target = t.String()
	}
	return st
}

// curves is cpSim.curves(): the points computed so far, one curve per
// compared lane.
func (a *app) curves() []engine.Curve {
	if a.sweep == nil {
		return []engine.Curve{}
	}
	return engine.Curves(a.sweep.finished())
}
