package main

import (
	"strings"

	"playground/cmd/wasm/scene"
	"playground/engine"
)

// State is cpSim.state(): the run now, for the page's numbers, narration
// and tests (docs/browser-api.md). It crosses the JS bridge as JSON.
type State struct {
	Scenario      string      `json:"scenario"` // canonical scenario text
	Run           int         `json:"run"`      // counts the runs started (load, reset, seek); series(since) holds within one
	SimSeconds    float64     `json:"simSeconds"`
	Paused        bool        `json:"paused"`
	Resting       bool        `json:"resting"`       // out of view: neither simulating nor drawing
	Speed         float64     `json:"speed"`         // the speed asked for
	AchievedSpeed float64     `json:"achievedSpeed"` // simulated seconds per second over the last second
	Notice        string      `json:"notice"`        // why the page paused the run, or ""
	Ready         bool        `json:"ready"`         // the first frame is drawn
	TextScale     float32     `json:"textScale"`
	ReducedMotion bool        `json:"reducedMotion"`
	Narration     string      `json:"narration"` // every lane's sentence, named when there are several
	Lanes         []LaneState `json:"lanes"`
	Sweep         *SweepState `json:"sweep"` // the capacity curves' progress, or null
	// The first lane's figures again, for one-lane pages.
	Completed     int64    `json:"completed"`
	InFlight      int      `json:"inFlight"`
	ThroughputRps float64  `json:"throughputRps"`
	P50Ms         *float64 `json:"p50Ms"`
	P99Ms         *float64 `json:"p99Ms"`
}

// LaneState is one lane of State. Rates and percentiles without "All" are
// over the last simulated second; null when nothing was answered in it.
type LaneState struct {
	Label          string          `json:"label"`
	Scenario       string          `json:"scenario"`
	Done           bool            `json:"done"`
	Completed      int64           `json:"completed"`
	FailedTotal    int64           `json:"failedTotal"`
	Failed         engine.Failures `json:"failed"`
	InFlight       int             `json:"inFlight"`
	Queue          int             `json:"queue"`
	Upstream       int             `json:"upstream"`
	Wasted         int64           `json:"wasted"`
	WorkerRestarts int64           `json:"workerRestarts"`
	ThroughputRps  float64         `json:"throughputRps"`
	P50Ms          *float64        `json:"p50Ms"`
	P99Ms          *float64        `json:"p99Ms"`
	MeanMs         float64         `json:"meanMs"`
	P50AllMs       float64         `json:"p50AllMs"`
	P99AllMs       float64         `json:"p99AllMs"`
	MemoryMB       Memory          `json:"memoryMB"`
	CPUUtil        float64         `json:"cpuUtil"`
	States         map[string]int  `json:"states"`
	BlockedWorkers int             `json:"blockedWorkers"`
	Narration      string          `json:"narration"`
	// Jobs are the lane's background jobs (background=N) over the whole
	// run, beside the requests; absent without them.
	Jobs *engine.Jobs `json:"jobs,omitempty"`
}

// Memory is resident and virtual memory in MB.
type Memory struct {
	Resident float64 `json:"resident"`
	Virtual  float64 `json:"virtual"`
}

// state is cpSim.state().
func (a *app) state() State {
	st := State{Scenario: a.scenarioText(), Run: a.run, SimSeconds: a.now().Seconds(), Paused: a.paused, Resting: a.resting, Speed: a.speed,
		AchievedSpeed: a.achievedSpeed(), Notice: a.notice, Sweep: a.sweep.state(),
		Ready: a.ready, TextScale: a.opt.TextScale, ReducedMotion: a.opt.ReducedMotion}
	a.freshen() // the snapshots the picture's words come from
	var sentences []string
	for i, s := range a.sims {
		snap := &a.snaps[i]
		r := s.Result()
		rps, p50, p99, answered := s.Recent()
		ls := LaneState{Label: a.labels[i], Scenario: r.Scenario, Done: s.Done(),
			Completed: r.Completed, FailedTotal: r.Failed.Total(), Failed: r.Failed,
			InFlight: r.InFlight, Queue: s.QueueDepth(), Upstream: snap.Upstream,
			Wasted: r.Wasted, WorkerRestarts: r.WorkerRestarts, ThroughputRps: rps,
			MeanMs: r.LatencyMS.Mean, P50AllMs: r.LatencyMS.P50, P99AllMs: r.LatencyMS.P99,
			MemoryMB: Memory{r.MemoryMB.Resident, r.MemoryMB.Virtual}, CPUUtil: r.CPUUtil,
			States: stateCounts(snap), BlockedWorkers: blocked(snap), Narration: scene.Narrate(snap), Jobs: r.Jobs}
		if answered {
			ls.P50Ms, ls.P99Ms = ptr(ms(p50)), ptr(ms(p99))
		}
		st.Lanes = append(st.Lanes, ls)
		switch {
		case len(a.sims) == 1:
			sentences = append(sentences, ls.Narration)
		case ls.Narration != "":
			sentences = append(sentences, ls.Label+": "+ls.Narration)
		}
	}
	st.Narration = strings.Join(sentences, " ")
	l0 := st.Lanes[0]
	st.Completed, st.InFlight, st.ThroughputRps, st.P50Ms, st.P99Ms = l0.Completed, l0.InFlight, l0.ThroughputRps, l0.P50Ms, l0.P99Ms
	return st
}

func ptr(f float64) *float64 { return &f }

// stateCounts counts the requests of a snapshot by state name.
func stateCounts(s *engine.Snapshot) map[string]int {
	var n [16]int
	for i := range s.Requests {
		n[s.Requests[i].State]++
	}
	out := map[string]int{}
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
