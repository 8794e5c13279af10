package engine

// PointResult is what one point of a sweep did, in the units of the
// capacity curves. Its JSON form is the contract of `sim -json` for a
// sweep (an array, one per point in the order of Points) and the point of
// the page's curves.
type PointResult struct {
	SweepPoint
	ThroughputRPS float64 `json:"throughputRps"` // completed per simulated second
	P50MS         float64 `json:"p50Ms"`
	P99MS         float64 `json:"p99Ms"`
	ResidentMB    float64 `json:"residentMB"` // peak resident memory of the server's processes
	Failed        int64   `json:"failed"`     // requests failed, of every cause
	// MeetsTarget reports whether the point meets the sweep's goal
	// (Target.Met); false when there is none.
	MeetsTarget bool `json:"meetsTarget"`
	// Cheapest marks the first point of its lane (the smallest value of the
	// swept key) that meets the goal; see MarkCheapest.
	Cheapest bool   `json:"cheapest,omitempty"`
	Scenario string `json:"scenario"`       // the point's scenario (Point), with no range: it loads as a live run
	Jobs     *Jobs  `json:"jobs,omitempty"` // background jobs (background=N), beside the requests
}

// PointResult sums up r, the result of running point i of the sweep sc
// (see Point), as a point of its curve. It does not set Cheapest, which
// depends on the other points of the lane (see MarkCheapest).
func (sc Scenario) PointResult(i int, r Result) PointResult {
	n := len(sc.Sweep.Values)
	lane, j := i/n, i%n
	p := PointResult{
		SweepPoint: SweepPoint{Lane: lane, Label: sc.LaneLabels()[lane], Key: sc.Sweep.Key,
			Value: sc.Sweep.Values[j], X: sc.Sweep.X[j]},
		ThroughputRPS: r.ThroughputRPS,
		P50MS:         r.LatencyMS.P50,
		P99MS:         r.LatencyMS.P99,
		ResidentMB:    r.MemoryMB.Resident,
		Failed:        r.Failed.Total(),
		Scenario:      r.Scenario,
		Jobs:          r.Jobs,
	}
	if t := sc.Sweep.Target; t != nil {
		p.MeetsTarget = t.Met(r)
	}
	return p
}

// MarkCheapest sets Cheapest on the first point of each lane that meets the
// goal: with the points in the order of Points, the one with the smallest
// value of the swept key (the fewest workers, the fewest threads). A lane
// whose points all miss the goal has no mark.
func MarkCheapest(ps []PointResult) {
	marked := map[int]bool{}
	for i := range ps {
		if ps[i].MeetsTarget && !marked[ps[i].Lane] {
			ps[i].Cheapest, marked[ps[i].Lane] = true, true
		}
	}
}

// Curve is one compared lane of a sweep: its points in the order of the
// swept values. The page draws one curve per lane (throughput, p50, p99
// and memory against x).
type Curve struct {
	Label  string        `json:"label"`
	Points []PointResult `json:"points"`
}

// Curves groups the results of a sweep's points (in the order of Points)
// into one curve per lane, in lane order.
func Curves(ps []PointResult) []Curve {
	var out []Curve
	for _, p := range ps {
		for p.Lane >= len(out) {
			out = append(out, Curve{})
		}
		c := &out[p.Lane]
		c.Label, c.Points = p.Label, append(c.Points, p)
	}
	return out
}

// RunSweep runs every point of the sweep sc to its end, in the order of
// Points, and returns their results with the cheapest points marked.
// progress, if not nil, is called after each point with the number done
// and the number in all. Each point is an ordinary run of its own scenario,
// so the same text gives the same results.
func RunSweep(sc Scenario, opt Options, progress func(done, total int)) []PointResult {
	total := len(sc.Lanes) * len(sc.Sweep.Values)
	out := make([]PointResult, total)
	for i := range out {
		out[i] = sc.PointResult(i, NewLane(sc.Point(i), 0, opt).Run())
		if progress != nil {
			progress(i+1, total)
		}
	}
	MarkCheapest(out)
	return out
}
