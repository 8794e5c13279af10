package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"playground/engine"
)

// SeriesPoint is one point of cpSim.series(): a chart step of 250 ms.
// Latencies are null in a step in which nothing was answered, which the
// charts draw as a gap rather than a drop to 0.
type SeriesPoint struct {
	T        float64  `json:"t"` // simulated seconds at the end of the step
	Rps      float64  `json:"rps"`
	P50      *float64 `json:"p50"` // ms
	P99      *float64 `json:"p99"` // ms
	Queue    int      `json:"queue"`
	InFlight int      `json:"inFlight"`
	Upstream int      `json:"upstream"`
	RssMB    float64  `json:"rssMB"`
	Failed   int64    `json:"failed"`
	JobQueue int      `json:"jobQueue"` // background jobs in Redis's list (background=N)
	Jobs     float64  `json:"jobs"`     // background jobs finished per second
}

// LaneSeries is one lane of cpSim.series().
type LaneSeries struct {
	Label  string        `json:"label"`
	Points []SeriesPoint `json:"points"`
	// Kept is how many points the program holds for the lane: a page that
	// adds new points to its copy drops its oldest ones down to this many.
	Kept int `json:"kept"`
}

// series is cpSim.series(): every point each lane holds.
func (a *app) series() []LaneSeries { return a.seriesSince(-1) }

// seriesSince is cpSim.series(since): each lane's points after simulated
// second since, so that a page polling four times a second asks for one or
// two new points instead of the whole ten minutes.
func (a *app) seriesSince(since float64) []LaneSeries {
	out := make([]LaneSeries, len(a.sims))
	for i, s := range a.sims {
		pts := s.Series()
		first, _ := slices.BinarySearchFunc(pts, since, func(p engine.Point, t float64) int {
			if p.T.Seconds() <= t {
				return -1
			}
			return 1
		})
		ls := LaneSeries{Label: a.labels[i], Points: make([]SeriesPoint, 0, len(pts)-first), Kept: len(pts)}
		for _, p := range pts[first:] {
			sp := SeriesPoint{T: p.T.Seconds(), Rps: p.Throughput, Queue: p.Queue, InFlight: p.InFlight,
				Upstream: p.Upstream, RssMB: float64(p.RSS) / (1 << 20), Failed: p.Failed,
				JobQueue: p.JobQueue, Jobs: p.Jobs}
			if p.Throughput > 0 {
				sp.P50, sp.P99 = ptr(ms(p.P50)), ptr(ms(p.P99))
			}
			ls.Points = append(ls.Points, sp)
		}
		out[i] = ls
	}
	return out
}

// Export is the run to take away (cpSim.exportJSON()): the scenario text
// that replays it, each lane's result so far and its chart series.
type Export struct {
	Scenario   string       `json:"scenario"`
	SimSeconds float64      `json:"simSeconds"`
	Lanes      []ExportLane `json:"lanes"`
}

// ExportLane is one lane of Export.
type ExportLane struct {
	Label  string        `json:"label"`
	Result engine.Result `json:"result"`
	Series []SeriesPoint `json:"series"`
}

// exportJSON is the run as indented JSON.
func (a *app) exportJSON() string {
	e := Export{Scenario: a.sc.String(), SimSeconds: a.now().Seconds()}
	for i, ls := range a.series() {
		e.Lanes = append(e.Lanes, ExportLane{Label: ls.Label, Result: a.sims[i].Result(), Series: ls.Points})
	}
	b, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return `{"error": "cmd/wasm: ` + err.Error() + `"}`
	}
	return string(b) + "\n"
}

// exportCSV is the chart series as CSV, one row per lane and step, after a
// comment line with the scenario text that replays the run.
func (a *app) exportCSV() string {
	var buf bytes.Buffer
	buf.WriteString("# scenario: " + a.sc.String() + "\n")
	w := csv.NewWriter(&buf)
	w.Write([]string{"lane", "t_s", "throughput_rps", "p50_ms", "p99_ms", "queue", "in_flight", "upstream", "rss_mb", "failed", "job_queue", "jobs_per_s"})
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	opt := func(x *float64) string {
		if x == nil {
			return ""
		}
		return f(*x)
	}
	for _, ls := range a.series() {
		for _, p := range ls.Points {
			w.Write([]string{ls.Label, f(p.T), f(p.Rps), opt(p.P50), opt(p.P99), strconv.Itoa(p.Queue),
				strconv.Itoa(p.InFlight), strconv.Itoa(p.Upstream), f(p.RssMB), strconv.FormatInt(p.Failed, 10),
				strconv.Itoa(p.JobQueue), f(p.Jobs)})
		}
	}
	w.Flush()
	return buf.String()
}

// seek re-simulates the run from 0 to t: runs are deterministic, so the
// state after a seek equals a fresh run paused at t. Pause and speed stay
// as they were.
func (a *app) seek(t time.Duration) {
	paused := a.paused
	a.restart()
	a.paused = paused
	for i, s := range a.sims {
		s.RunUntil(max(0, t))
		// Requests that ended before t are history, not animation.
		a.ended[i], a.ends[i] = s.EndedSince(1<<62, a.ended[i][:0])
	}
	a.view.Reset()
	a.observe()
}
