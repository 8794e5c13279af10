package main

import (
	"fmt"

	"playground/engine"
)

// anyJobs reports whether a lane has background jobs (background=N).
func anyJobs(rs []engine.Result) bool {
	for _, r := range rs {
		if r.Jobs != nil {
			return true
		}
	}
	return false
}

// jobRows adds the background jobs' rows to the table, beside the
// requests': a lane without jobs shows a dash.
func jobRows(row func(string, func(engine.Result) string)) {
	job := func(f func(*engine.Jobs) string) func(engine.Result) string {
		return func(r engine.Result) string {
			if r.Jobs == nil {
				return "-"
			}
			return f(r.Jobs)
		}
	}
	ms := func(v float64) string { return fmt.Sprintf("%.1f", v) }
	row("jobs: RQ workers", job(func(j *engine.Jobs) string { return fmt.Sprint(j.Workers) }))
	row("jobs enqueued", job(func(j *engine.Jobs) string { return fmt.Sprint(j.Enqueued) }))
	row("jobs finished", job(func(j *engine.Jobs) string { return fmt.Sprint(j.Finished) }))
	row("job throughput (/s)", job(func(j *engine.Jobs) string { return ms(j.ThroughputJPS) }))
	row("job latency p50 (ms)", job(func(j *engine.Jobs) string { return ms(j.LatencyMS.P50) }))
	row("job latency p99 (ms)", job(func(j *engine.Jobs) string { return ms(j.LatencyMS.P99) }))
	row("job latency max (ms)", job(func(j *engine.Jobs) string { return ms(j.LatencyMS.Max) }))
	row("job queue, end / peak", job(func(j *engine.Jobs) string { return fmt.Sprintf("%d / %d", j.Queued, j.PeakQueued) }))
	row("job CPU (ms/job)", job(func(j *engine.Jobs) string { return ms(j.CPUPerJobMS) }))
	row("RQ memory (MB)", job(func(j *engine.Jobs) string { return ms(j.MemoryMB) }))
}

// jobHeader names the sweep table's job columns.
var jobHeader = []string{"jobs/s", "job p50 (ms)", "job p99 (ms)", "job queue peak"}

// anySweepJobs reports whether a point of a sweep has background jobs.
func anySweepJobs(ps []engine.PointResult) bool {
	for _, p := range ps {
		if p.Jobs != nil {
			return true
		}
	}
	return false
}

// jobCells are a sweep point's job columns: dashes without jobs.
func jobCells(j *engine.Jobs) []string {
	if j == nil {
		return []string{"-", "-", "-", "-"}
	}
	return []string{fmt.Sprintf("%.1f", j.ThroughputJPS), fmt.Sprintf("%.1f", j.LatencyMS.P50),
		fmt.Sprintf("%.1f", j.LatencyMS.P99), fmt.Sprint(j.PeakQueued)}
}
