package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"playground/engine"
)

// writeTable prints the results as a table with one column per lane.
func writeTable(w io.Writer, sc engine.Scenario, rs []engine.Result) {
	fmt.Fprintf(w, "scenario: %s\n\n", sc)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	row := func(name string, f func(engine.Result) string) {
		cells := []string{name}
		for _, r := range rs {
			cells = append(cells, f(r))
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
	}
	if len(rs) > 1 {
		row("lane", func(r engine.Result) string { return laneName(r) })
	}
	row("completed", func(r engine.Result) string { return fmt.Sprint(r.Completed) })
	row("failed", func(r engine.Result) string { return failures(r.Failed) })
	row("throughput (req/s)", func(r engine.Result) string { return fmt.Sprintf("%.1f", r.ThroughputRPS) })
	row("latency mean (ms)", func(r engine.Result) string { return fmt.Sprintf("%.1f", r.LatencyMS.Mean) })
	row("latency p50 (ms)", func(r engine.Result) string { return fmt.Sprintf("%.1f", r.LatencyMS.P50) })
	row("latency p90 (ms)", func(r engine.Result) string { return fmt.Sprintf("%.1f", r.LatencyMS.P90) })
	row("latency p99 (ms)", func(r engine.Result) string { return fmt.Sprintf("%.1f", r.LatencyMS.P99) })
	row("latency max (ms)", func(r engine.Result) string { return fmt.Sprintf("%.1f", r.LatencyMS.Max) })
	row("peak in flight", func(r engine.Result) string { return fmt.Sprint(r.PeakInFlight) })
	row("peak upstream calls", func(r engine.Result) string { return fmt.Sprint(r.PeakUpstream) })
	row("peak listen queue", func(r engine.Result) string { return fmt.Sprint(r.PeakBacklog) })
	row("CPU utilisation", func(r engine.Result) string { return fmt.Sprintf("%.0f%%", 100*r.CPUUtil) })
	row("memory resident (MB)", func(r engine.Result) string { return fmt.Sprintf("%.1f", r.MemoryMB.Resident) })
	row("memory virtual (MB)", func(r engine.Result) string { return fmt.Sprintf("%.1f", r.MemoryMB.Virtual) })
	row("served for nobody", func(r engine.Result) string { return fmt.Sprint(r.Wasted) })
	row("worker restarts", func(r engine.Result) string { return fmt.Sprint(r.WorkerRestarts) })
	row("simulated seconds", func(r engine.Result) string { return fmt.Sprintf("%.3f", r.SimSeconds) })
	tw.Flush()
	for _, r := range rs {
		if len(r.Ignored) > 0 {
			fmt.Fprintf(w, "\nnote: %s ignores %s\n", laneName(r), strings.Join(r.Ignored, "; "))
		}
	}
}

// laneName is the lane's scenario text: what tells the lanes apart.
func laneName(r engine.Result) string { return r.Scenario }

func failures(f engine.Failures) string {
	if f.Total() == 0 {
		return "0"
	}
	var parts []string
	for _, p := range []struct {
		name string
		n    int64
	}{{"client-timeout", f.ClientTimeout}, {"worker-timeout", f.WorkerTimeout}, {"connect-failed", f.ConnectFailed}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.name))
		}
	}
	return strings.Join(parts, ", ")
}
