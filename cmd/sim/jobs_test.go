package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// With background=N the table has the jobs' rows beside the requests', a
// dash in a lane without jobs, and the series a job queue column; -json
// has the jobs object; -h lists the key; a bad value exits 2 naming it.
func TestBackgroundOutput(t *testing.T) {
	var out bytes.Buffer
	if code, err := run([]string{"-every", "5s", "model=sync,sync background=2,0 calls=2 io=100ms rate=20 duration=10s"}, &out, nil); code != 0 {
		t.Fatalf("run = %d, %v", code, err)
	}
	text := out.String()
	for _, want := range []string{"jobs enqueued", "job latency p50 (ms)", "job queue, end / peak", "job CPU (ms/job)", "job queue"} {
		if !strings.Contains(text, want) {
			t.Errorf("table lacks %q:\n%s", want, text)
		}
	}
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "   jobs enqueued") && !strings.HasSuffix(strings.TrimSpace(line), "-") {
			t.Errorf("the lane without jobs shows %q, want a dash", line)
		}
	}

	out.Reset()
	if code, err := run([]string{"-json", "model=gthread threads=4 background=3 calls=2 io=100ms clients=10 duration=10s"}, &out, nil); code != 0 {
		t.Fatalf("run = %d, %v", code, err)
	}
	var v struct {
		Jobs *struct {
			Workers       int     `json:"workers"`
			Finished      int64   `json:"finished"`
			ThroughputJPS float64 `json:"throughput_jps"`
			LatencyMS     struct {
				P50, P99 float64
			} `json:"latency_ms"`
		} `json:"jobs"`
	}
	if err := json.Unmarshal(out.Bytes(), &v); err != nil || v.Jobs == nil {
		t.Fatalf("-json has no jobs object (%v):\n%s", err, out.String())
	}
	if v.Jobs.Workers != 3 || v.Jobs.Finished == 0 || v.Jobs.ThroughputJPS <= 0 || v.Jobs.LatencyMS.P50 < 200 {
		t.Errorf("jobs = %+v, want 3 workers finishing jobs of two 100 ms calls", *v.Jobs)
	}

	out.Reset()
	run([]string{"-h"}, &out, nil)
	if !strings.Contains(out.String(), "  background ") {
		t.Errorf("sim -h does not list background:\n%s", out.String())
	}
	out.Reset()
	code, err := run([]string{"background=many"}, &out, nil)
	if code != 2 || err == nil || !strings.Contains(err.Error(), "background=many") || !strings.Contains(err.Error(), "0 to 256") {
		t.Errorf("background=many: exit %d, %v; want 2 and an error naming the key and what is allowed", code, err)
	}
}
