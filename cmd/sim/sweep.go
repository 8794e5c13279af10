package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"playground/engine"
)

// runSweep runs every point of the sweep sc and writes one result per
// point: a table, or a JSON array with asJSON. progress, if not nil, gets a
// line that counts the points done, rewritten in place (a terminal).
func runSweep(w, progress io.Writer, sc engine.Scenario, asJSON bool) (int, error) {
	var report func(done, total int)
	if progress != nil {
		report = func(done, total int) {
			fmt.Fprintf(progress, "\rsweep: %d of %d points", done, total)
			if done == total {
				fmt.Fprint(progress, "\r\x1b[K") // clear the line for the result
			}
		}
	}
	ps := engine.RunSweep(sc, engine.Options{Unwatched: true}, report)
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(ps); err != nil {
			return 1, err
		}
		return 0, nil
	}
	writeSweepTable(w, sc, ps)
	return 0, nil
}

// writeSweepTable prints one row per point, lane by lane, and the
// cheapest point of each lane that meets the goal.
func writeSweepTable(w io.Writer, sc engine.Scenario, ps []engine.PointResult) {
	sw := sc.Sweep
	fmt.Fprintf(w, "sweep: %s\n%d points: %d values of %s", sc, len(ps), len(sw.Values), sw.Key)
	if len(sc.Lanes) > 1 {
		fmt.Fprintf(w, " for each of %d lanes", len(sc.Lanes))
	}
	fmt.Fprint(w, "\n\n")
	width := len("lane")
	for _, p := range ps {
		width = max(width, len(p.Label))
	}
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', tabwriter.AlignRight)
	header := []string{sw.Key, "throughput (req/s)", "p50 (ms)", "p99 (ms)", "memory resident (MB)", "failed"}
	jobs := anySweepJobs(ps)
	if jobs {
		header = append(header, jobHeader...)
	}
	if sw.Target != nil {
		header = append(header, "meets "+sw.Target.String())
	}
	// The padded label keeps the first column flush left.
	fmt.Fprintf(tw, "%-*s\t%s\t\n", width, "lane", strings.Join(header, "\t"))
	for _, p := range ps {
		cells := []string{p.Value, fmt.Sprintf("%.1f", p.ThroughputRPS), fmt.Sprintf("%.1f", p.P50MS),
			fmt.Sprintf("%.1f", p.P99MS), fmt.Sprintf("%.1f", p.ResidentMB), fmt.Sprint(p.Failed)}
		if jobs {
			cells = append(cells, jobCells(p.Jobs)...)
		}
		if sw.Target != nil {
			cells = append(cells, goalMark(p))
		}
		fmt.Fprintf(tw, "%-*s\t%s\t\n", width, p.Label, strings.Join(cells, "\t"))
	}
	tw.Flush()
	if sw.Target == nil {
		return
	}
	fmt.Fprintf(w, "\ncheapest point meeting %s (the smallest %s):\n", sw.Target, sw.Key)
	labels := sc.LaneLabels()
	for lane, label := range labels {
		found := false
		for _, p := range ps {
			if p.Lane == lane && p.Cheapest {
				fmt.Fprintf(w, "  %-*s %s=%s: %s\n", width, label, sw.Key, p.Value, p.Scenario)
				found = true
			}
		}
		if !found {
			fmt.Fprintf(w, "  %-*s none of %s=%s meets it\n", width, label, sw.Key, sw.Range)
		}
	}
}

// goalMark says whether a point meets the goal, and marks the cheapest.
func goalMark(p engine.PointResult) string {
	switch {
	case p.Cheapest:
		return "yes <- cheapest"
	case p.MeetsTarget:
		return "yes"
	}
	return "no"
}
