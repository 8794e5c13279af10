package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"playground/engine"
)

func TestJSONFields(t *testing.T) {
	var out bytes.Buffer
	code, err := run([]string{"-json", "model=gthread workers=2 threads=5 io=200ms clients=50 requests=2000 seed=1"}, &out)
	if code != 0 || err != nil {
		t.Fatalf("run = %d, %v", code, err)
	}
	var v map[string]any
	if err := json.Unmarshal(out.Bytes(), &v); err != nil {
		t.Fatalf("output is not one JSON object: %v\n%s", err, out.String())
	}
	// The fields other tools rely on (issue: the CLI).
	for _, path := range []string{"scenario", "completed", "failed", "throughput_rps", "latency_ms.mean",
		"latency_ms.p50", "latency_ms.p90", "latency_ms.p99", "latency_ms.max", "peak_in_flight",
		"peak_upstream", "memory_mb.resident", "memory_mb.virtual", "sim_seconds"} {
		var cur any = v
		for _, part := range strings.Split(path, ".") {
			m, ok := cur.(map[string]any)
			if !ok {
				t.Fatalf("%s: %v is not an object", path, cur)
			}
			cur, ok = m[part]
			if !ok {
				t.Fatalf("field %s missing in %s", path, out.String())
			}
		}
	}
	if got := v["completed"].(float64) + failedTotal(v); got < 2000 {
		t.Errorf("completed + failed = %v, want at least requests=2000", got)
	}
	if v["peak_upstream"].(float64) != 10 {
		t.Errorf("peak_upstream = %v, want workers x threads = 10", v["peak_upstream"])
	}
}

func failedTotal(v map[string]any) float64 {
	var n float64
	for _, c := range v["failed"].(map[string]any) {
		n += c.(float64)
	}
	return n
}

func TestComparisonIsAnArray(t *testing.T) {
	var out bytes.Buffer
	if code, err := run([]string{"-json", "model=sync,asyncio io=50ms clients=5 requests=100"}, &out); code != 0 {
		t.Fatalf("run = %d, %v", code, err)
	}
	var lanes []map[string]any
	if err := json.Unmarshal(out.Bytes(), &lanes); err != nil || len(lanes) != 2 {
		t.Fatalf("want a JSON array of 2 lanes, got %v: %s", err, out.String())
	}
	if !strings.HasPrefix(lanes[1]["scenario"].(string), "model=asyncio") {
		t.Errorf("lane 2 scenario = %v, want model=asyncio ...", lanes[1]["scenario"])
	}
}

func TestBadScenarioExits2(t *testing.T) {
	for _, args := range [][]string{{"workers=zero"}, {"wokers=2"}, {}, {"-nope", "model=sync"}} {
		var out bytes.Buffer
		code, err := run(args, &out)
		if code != 2 || err == nil {
			t.Errorf("run(%q) = %d, %v; want 2 and an error", args, code, err)
		}
	}
	_, err := run([]string{"workers=zero"}, new(bytes.Buffer))
	if msg := err.Error(); !strings.Contains(msg, "workers=zero") || !strings.Contains(msg, "1 to 128") {
		t.Errorf("error %q should name the key, the value and what is allowed", msg)
	}
}

func TestTableAndTimelines(t *testing.T) {
	var out bytes.Buffer
	if code, err := run([]string{"-timelines", "2", "model=sync,gthread threads=4 io=100ms clients=8 requests=200"}, &out); code != 0 {
		t.Fatalf("run = %d, %v", code, err)
	}
	s := out.String()
	for _, want := range []string{"throughput (req/s)", "latency p99 (ms)", "memory virtual (MB)",
		"note: model=sync", "ignores threads", "request ", "  io "} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
}

func TestHelpListsKeys(t *testing.T) {
	var out bytes.Buffer
	if code, _ := run([]string{"-h"}, &out); code != 0 {
		t.Fatalf("-h exit %d", code)
	}
	for _, k := range []string{"worker-connections", "client-timeout", "io-dist"} {
		if !strings.Contains(out.String(), k) {
			t.Errorf("-h does not list %s", k)
		}
	}
}

func TestHelpListsModels(t *testing.T) {
	var out strings.Builder
	if code, _ := run([]string{"-h"}, &out); code != 0 {
		t.Fatalf("-h exit %d", code)
	}
	for _, m := range engine.Models() {
		if line := fmt.Sprintf("  %-19s %s\n", m, m.Title()); !strings.Contains(out.String(), line) {
			t.Errorf("-h does not list model %s with its title: want line %q", m, line)
		}
	}
}
