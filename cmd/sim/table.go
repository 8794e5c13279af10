package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"playground/engine"
)

// writeTable prints the results as a table with one column per lane.
func writeTable(w io.Writer, sc engine.Scenario, rs []engine.Result) {
	fmt.Fprintf(w, "scenario: %s\n\n", sc)
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', tabwriter.AlignRight)
	row := func(name string, cell func(engine.Result) string) {
		cells := make([]string, len(rs))
		for i, r := range rs {
			cells[i] = cell(r)
		}
		// The padded name keeps the first column flush left.
		fmt.Fprintf(tw, "%-22s\t%s\t\n", name, strings.Join(cells, "\t"))
	}
	if len(rs) > 1 {
		labels := sc.LaneLabels()
		row("", func(r engine.Result) string { return labels[indexOf(rs, r)] })
	}
	f1 := func(f func(engine.Result) float64) func(engine.Result) string {
		return func(r engine.Result) string { return fmt.Sprintf("%.1f", f(r)) }
	}
	row("completed", func(r engine.Result) string { return fmt.Sprint(r.Completed) })
	row("failed", func(r engine.Result) string { return failures(r.Failed) })
	row("throughput (req/s)", f1(func(r engine.Result) float64 { return r.ThroughputRPS }))
	row("latency mean (ms)", f1(func(r engine.Result) float64 { return r.LatencyMS.Mean }))
	row("latency p50 (ms)", f1(func(r engine.Result) float64 { return r.LatencyMS.P50 }))
	row("latency p90 (ms)", f1(func(r engine.Result) float64 { return r.LatencyMS.P90 }))
	row("latency p99 (ms)", f1(func(r engine.Result) float64 { return r.LatencyMS.P99 }))
	row("latency max (ms)", f1(func(r engine.Result) float64 { return r.LatencyMS.Max }))
	row("wait before handler", func(r engine.Result) string {
		return fmt.Sprintf("%.1f ms (%.0f%%)", r.Wait.MeanMS, 100*r.Wait.Fraction)
	})
	row("peak in flight", func(r engine.Result) string { return fmt.Sprint(r.PeakInFlight) })
	row("peak upstream calls", func(r engine.Result) string { return fmt.Sprint(r.PeakUpstream) })
	row("peak listen queue", func(r engine.Result) string { return fmt.Sprint(r.PeakBacklog) })
	row("CPU utilisation", func(r engine.Result) string { return fmt.Sprintf("%.0f%%", 100*r.CPUUtil) })
	row("memory resident (MB)", f1(func(r engine.Result) float64 { return r.MemoryMB.Resident }))
	row("memory virtual (MB)", f1(func(r engine.Result) float64 { return r.MemoryMB.Virtual }))
	row("served for nobody", func(r engine.Result) string { return fmt.Sprint(r.Wasted) })
	row("worker restarts", func(r engine.Result) string { return fmt.Sprint(r.WorkerRestarts) })
	row("simulated seconds", func(r engine.Result) string { return fmt.Sprintf("%.3f", r.SimSeconds) })
	if anyJobs(rs) {
		jobRows(row)
	}
	tw.Flush()
	for _, r := range rs {
		if len(r.Ignored) > 0 {
			fmt.Fprintf(w, "\nnote: %s ignores %s\n", r.Scenario, strings.Join(r.Ignored, "; "))
		}
	}
}

func indexOf(rs []engine.Result, r engine.Result) int {
	for i := range rs {
		if rs[i].Scenario == r.Scenario {
			return i
		}
	}
	return 0
}

func failures(f engine.Failures) string {
	if f.Total() == 0 {
		return "0"
	}
	var parts []string
	for _, p := range []struct {
		name string
		n    int64
	}{{"client-timeout", f.ClientTimeout}, {"worker-timeout", f.WorkerTimeout}, {"connect-failed", f.ConnectFailed},
		{"service-unavailable", f.Unavailable}, {"server-error", f.ServerError}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.name))
		}
	}
	return strings.Join(parts, ", ")
}

// writeSeries prints each lane's series, one line a point, with a mark on
// the points in which a live change applied.
func writeSeries(w io.Writer, sc engine.Scenario, series [][]engine.Point) {
	labels := sc.LaneLabels()
	for i, pts := range series {
		fmt.Fprintf(w, "\n[%s] series\n", labels[i])
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		jobs := len(pts) > 0 && sc.Lanes[i].Background > 0
		head := "t\treq/s\tp99 (ms)\tfailed\tqueued\tin flight\tupstream\t"
		if jobs {
			head += "jobs/s\tjob queue\t"
		}
		fmt.Fprint(tw, head+"\n")
		var prev time.Duration
		for _, p := range pts {
			var marks []string
			for _, ch := range sc.Changes {
				if ch.At >= prev && ch.At < p.T {
					marks = append(marks, fmt.Sprintf("%s@%v=%s", ch.Key, ch.At, ch.Values[i]))
				}
			}
			fmt.Fprintf(tw, "%v\t%.1f\t%.1f\t%d\t%d\t%d\t%d\t", p.T, p.Throughput, float64(p.P99)/1e6,
				p.Failed, p.Queue, p.InFlight, p.Upstream)
			if jobs {
				fmt.Fprintf(tw, "%.1f\t%d\t", p.Jobs, p.JobQueue)
			}
			fmt.Fprintf(tw, "  %s\n", strings.Join(marks, " "))
			prev = p.T
		}
		tw.Flush()
	}
}
