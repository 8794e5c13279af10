package main

import (
	"fmt"
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

// work runs points for at most budget of wall time. A point that comes to
// hold more requests than the page can ends the sweep, and work says why.
func (sw *sweepRun) work(budget time.Duration) string {
	start := time.Now()
	for !sw.done && time.Since(start) < budget {
		i := len(sw.res)
		if sw.cur == nil {
			sw.cur = engine.NewLane(sw.sc.Point(i), 0, engine.Options{})
		}
		if !sw.cur.Done() {
			sw.cur.Advance(sw.cur.Now()+time.Hour, chunkEvents)
			if n := sw.cur.Slots(); n > maxInFlight {
				sw.done, sw.cur = true, nil
				return fmt.Sprintf("The sweep stopped at point %d of %d (%s=%s): it holds %d requests at once, more than the %d the page can; the CLI runs it: go run ./cmd/sim '%s'",
					i+1, len(sw.pts), sw.pts[i].Key, sw.pts[i].Value, n, maxInFlight, sw.sc.String())
			}
			continue
		}
		sw.res = append(sw.res, sw.sc.PointResult(i, sw.cur.Result()))
		sw.cur = nil
		if len(sw.res) == len(sw.pts) {
			engine.MarkCheapest(sw.res)
			sw.done = true
		}
	}
	return ""
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
