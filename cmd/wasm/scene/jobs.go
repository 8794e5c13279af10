package scene

import (
	"fmt"
	"strconv"
	"strings"

	"playground/engine"
)

// The background jobs region (background=N): under the web workers, a box
// for Redis's list with its count and a dot per queued job, and a box per
// RQ worker with a dot for the job it runs, coloured by what its horse does
// (forking and importing on a core or waiting for one, waiting on the
// upstream). It takes the bottom of the workers' area, so the rest of the
// lane keeps its places.

// jobsLayout is where the jobs region's parts sit.
type jobsLayout struct {
	area    Rect   // the whole region, under the web workers
	list    Rect   // Redis's list
	listDot Rect   // where its dots go
	workers []Rect // one box per RQ worker
	// twoRows says the list is too narrow to name it beside its count:
	// its name goes on a row of its own, over the count.
	twoRows bool
}

// jobsShare is the part of the workers' area the jobs region takes.
const jobsShare = 0.4

// layoutJobs takes the jobs region for n RQ workers from the bottom of wa
// and returns what is left for the web workers. With n = 0 it takes nothing.
func layoutJobs(wa Rect, n int, m textMetrics, dot float32, out *jobsLayout) Rect {
	if n == 0 {
		*out = jobsLayout{workers: out.workers[:0]}
		return wa
	}
	h := max(2*m.lh+dot+10, jobsShare*wa.H)
	h = min(h, wa.H/2)
	out.area = Rect{wa.X, wa.Y + wa.H - h, wa.W, h}
	body := out.area.below(m.lh + 2)
	out.list = Rect{body.X, body.Y, 0.35 * body.W, body.H}
	out.twoRows = m.width("Redis: 0000") > out.list.W-6
	rows := m.lh + 2
	if out.twoRows {
		rows += m.lh
	}
	out.listDot = out.list.below(rows).Inset(3)
	ws := Rect{body.X + 0.37*body.W, body.Y, 0.63 * body.W, body.H}
	out.workers = resizeRects(out.workers, n)
	gridLanes(ws, out.workers, dot, m)
	return Rect{wa.X, wa.Y, wa.W, max(0, wa.H-h-4)}
}

// jobColor is the colour of a job whose RQ worker is at step st: on a core
// or waiting for one while it forks, imports, stores or reaps; waiting on
// the upstream during a call.
func jobColor(w *engine.JobWorkerSnap) RGBA {
	switch {
	case w.Step == "call":
		return StateColor(engine.StateIO)
	case w.OnCPU:
		return StateColor(engine.StateCPU)
	}
	return StateColor(engine.StateWaitCore)
}

// paintJobs draws the jobs region of a lane.
func (v *View) paintJobs(J *jobsLayout, js *engine.JobsSnap, d float32) {
	if len(js.Workers) == 0 {
		return
	}
	sc := &v.out
	m := v.m
	v.put(Rect{J.area.X + 2, J.area.Y, J.area.W - 4, m.lh}, ToneDim, alignLeft,
		fmt.Sprintf("background jobs (RQ): %d finished", js.Finished),
		fmt.Sprintf("RQ jobs: %d done", js.Finished), "RQ jobs")
	sc.fill(J.list, colorBox)
	q := strconv.Itoa(js.Queued)
	tone := ToneText
	if js.Queued > gridCap(J.listDot, d) {
		tone = ToneAlert
		sc.fill(J.listDot, StateColor(engine.StateQueued).WithAlpha(0.25))
	}
	row := Rect{J.list.X + 3, J.list.Y + 1, J.list.W - 6, m.lh}
	if J.twoRows { // a phone: the name, then the count under it
		v.put(row, ToneDim, alignLeft, "Redis list", "Redis", "list")
		row.Y += m.lh
	}
	v.put(row, tone, alignLeft, "Redis list: "+q+" queued", "Redis list: "+q, "Redis: "+q, q)
	for k := 0; k < js.Queued; k++ {
		x, y, over := gridSlot(J.listDot, k, d)
		if over {
			break
		}
		sc.disc(x, y, d, StateColor(engine.StateQueued))
	}
	for i := range J.workers {
		w := &js.Workers[i]
		r := J.workers[i]
		sc.fill(r, colorLane)
		sc.stroke(r, 1, colorEdge)
		label := []string{fmt.Sprintf("rq worker %d: idle", i+1), "idle"}
		if w.Busy {
			label = []string{fmt.Sprintf("rq worker %d: %s", i+1, jobStepWords[w.Step]), jobStepWords[w.Step], w.Step}
			sc.fill(Rect{r.X + 1, r.Y + 1, max(0, r.W-d-4), r.H - 2}, jobColor(w).WithAlpha(0.45))
			sc.disc(r.X+r.W-d-2, r.Y+(r.H-d)/2, d, jobColor(w))
		}
		if r.H >= m.lh {
			v.put(Rect{r.X + 3, r.Y + (r.H-m.lh)/2, r.W - d - 8, m.lh}, ToneText, alignLeft, label...)
		}
	}
}

// jobStepWords say what an RQ worker's horse is doing.
var jobStepWords = map[string]string{
	"fork":    "fork + import",
	"call":    "upstream call",
	"resume":  "after a call",
	"succeed": "storing result",
	"reap":    "reaping horse",
	"idle":    "idle",
}

// withJobs adds a sentence about the background jobs to a lane's narration:
// what the RQ workers do, and whether jobs wait in Redis's list (not how
// many: see Narrate).
func withJobs(sentence string, s *engine.Snapshot) string {
	js := &s.Jobs
	if len(js.Workers) == 0 {
		return sentence
	}
	busy := 0
	for _, w := range js.Workers {
		if w.Busy {
			busy++
		}
	}
	n := len(js.Workers)
	var parts []string
	all := fmt.Sprintf("all %d RQ workers", n)
	if n == 1 {
		all = "the only RQ worker"
	}
	switch {
	case busy == 0:
		parts = append(parts, all+" "+some(n, "is", "are")+" idle")
	case busy == n:
		// Not what each does: a job's steps (fork, import, calls) take a
		// few hundred ms each, less than the narration stays up.
		parts = append(parts, fmt.Sprintf("%s %s a job", all, some(n, "runs", "run")))
	default:
		parts = append(parts, fmt.Sprintf("some of the %d RQ workers run a job", n))
	}
	if js.Queued > 0 {
		parts = append(parts, some(js.Queued, "a job waits", "jobs wait")+" in Redis's list")
	}
	p := strings.Join(parts, "; ")
	return sentence + " Background jobs: " + p + "."
}
