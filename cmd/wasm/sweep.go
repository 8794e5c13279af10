package main

import (
	"time"

	"playground/engine"
)

// sweepRun computes a sweep's points (KEY=A..B) one after another, in
// slices of wall time between frames, so the page never stalls: each point
// is an ordinary run to its end, the same as the CLI's.
type sweepRun struct {
	sc   engine.Scenario
	pts  []engine.SweepPoint
	res  []engine.PointResult
	cur  *engine.Sim
	done bool
}

// work runs points for at most budget of wall time.
func (sw *sweepRun) work(budget time.Duration) {
	start := time.Now()
	for !sw.done && time.Since(start) < budget {
		i := len(sw.res)
		if sw.cur == nil {
			sw.cur = engine.NewLane(sw.sc.Point(i), 0, engine.Options{})
		}
		if !sw.cur.Done() {
			sw.cur.Advance(sw.cur.Now()+time.Hour, chunkEvents)
			continue
		}
		sw.res = append(sw.res, sw.sc.PointResult(i, sw.cur.Result()))
		sw.cur = nil
		if len(sw.res) == len(sw.pts) {
			engine.MarkCheapest(sw.res)
			sw.done = true
		}
	}
}

// SweepState is state().sweep: how far the capacity curves are.
type SweepState struct {
	Scenario string `json:"scenario"` // the sweep's text, with its range
	Key      string `json:"key"`
	Done     int    `json:"done"`
	Total    int    `json:"total"`
	Target   string `json:"target"` // the goal, or ""
}

func (sw *sweepRun) state() *SweepState {
	if sw == nil {
		return nil
	}
	st := &SweepState{Scenario: sw.sc.String(), Key: sw.sc.Sweep.Key, Done: len(sw.res), Total: len(sw.pts)}
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
	return engine.Curves(a.sweep.res)
}
