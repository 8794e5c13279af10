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
	code, err := run([]string{"-json", "model=gthread workers=2 threads=5 io=200ms clients=50 requests=2000 seed=1"}, &out, nil)
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
	if code, err := run([]string{"-json", "model=sync,asyncio io=50ms clients=5 requests=100"}, &out, nil); code != 0 {
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
		code, err := run(args, &out, nil)
		if code != 2 || err == nil {
			t.Errorf("run(%q) = %d, %v; want 2 and an error", args, code, err)
		}
	}
	_, err := run([]string{"workers=zero"}, new(bytes.Buffer), nil)
	if msg := err.Error(); !strings.Contains(msg, "workers=zero") || !strings.Contains(msg, "1 to 128") {
		t.Errorf("error %q should name the key, the value and what is allowed", msg)
	}
}

func TestTableAndTimelines(t *testing.T) {
	var out bytes.Buffer
	if code, err := run([]string{"-timelines", "2", "model=sync,gthread threads=4 io=100ms clients=8 requests=200"}, &out, nil); code != 0 {
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
	if code, _ := run([]string{"-h"}, &out, nil); code != 0 {
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
	if code, _ := run([]string{"-h"}, &out, nil); code != 0 {
		t.Fatalf("-h exit %d", code)
	}
	for _, m := range engine.Models() {
		if line := fmt.Sprintf("  %-19s %s\n", m, m.Title()); !strings.Contains(out.String(), line) {
			t.Errorf("-h does not list model %s with its title: want line %q", m, line)
		}
	}
}

func TestLiveChanges(t *testing.T) {
	var out bytes.Buffer
	text := "model=gthread workers=1 threads=2 io=200ms clients=40 duration=30s workers@10s=4 io@20s=2s"
	if code, err := run([]string{"-json", text}, &out, nil); code != 0 {
		t.Fatalf("run = %d, %v", code, err)
	}
	var v map[string]any
	if err := json.Unmarshal(out.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	if got := v["scenario"]; got != "model=gthread threads=2 io=200ms clients=40 duration=30s workers@10s=4 io@20s=2s" {
		t.Errorf("JSON scenario = %q, want the changes in it", got)
	}
	out.Reset()
	if code, err := run([]string{"-every", "5s", text}, &out, nil); code != 0 {
		t.Fatalf("run -every = %d, %v", code, err)
	}
	for _, want := range []string{"series", "req/s", "workers@10s=4", "io@20s=2s", "  30s "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("-every output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestBadChangeExits2(t *testing.T) {
	for _, tt := range []struct{ text, pair, want string }{
		{"workers@10x=4", "workers@10x=4", "not a duration"},
		{"wokers@10s=4", "wokers@10s=4", "unknown key"},
		{"threads@10s=4", "threads@10s=4", "can change live: workers"},
		{"model=asyncio workers@10s=4", "workers@10s=4", "uvicorn 0.17 cannot change --workers"},
		{"duration=5s io@6s=1s", "io@6s=1s", "after the end of the run"},
	} {
		code, err := run([]string{tt.text}, new(bytes.Buffer), nil)
		if code != 2 || err == nil || !strings.Contains(err.Error(), tt.pair) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("run(%q) = %d, %v; want 2 and an error naming %s and saying %q", tt.text, code, err, tt.pair, tt.want)
		}
	}
	if code, _ := run([]string{"-json", "-every", "1s", "model=sync"}, new(bytes.Buffer), nil); code != 2 {
		t.Errorf("-json -every: exit %d, want 2", code)
	}
}

func TestHelpListsLiveKeys(t *testing.T) {
	var out bytes.Buffer
	if code, _ := run([]string{"-h"}, &out, nil); code != 0 {
		t.Fatalf("-h exit %d", code)
	}
	for _, want := range []string{"KEY@TIME=VALUE", "workers@10s=4", "workers             sync, gthread, gevent", "io                  every model"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("-h lacks %q", want)
		}
	}
}
