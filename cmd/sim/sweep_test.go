package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// The -json output of a small sweep is fixed in testdata: the same text
// gives the same bytes.
func TestSweepJSONGolden(t *testing.T) {
	const text = "model=sync,gevent workers=1..3 io=100ms io-dist=exp clients=20 requests=300 seed=3 target=p99<1s"
	var out bytes.Buffer
	if code, err := run([]string{"-json", text}, &out, nil); code != 0 {
		t.Fatalf("run = %d, %v", code, err)
	}
	path := filepath.Join("testdata", "sweep-json.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/sim -run TestSweepJSONGolden -update to create it)", err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("sim -json %q differs from %s:\n%s", text, path, out.String())
	}
	var again bytes.Buffer
	if _, err := run([]string{"-json", text}, &again, nil); err != nil || !bytes.Equal(again.Bytes(), out.Bytes()) {
		t.Errorf("a second run gives other bytes (%v)", err)
	}
}

func TestSweepJSONFields(t *testing.T) {
	var out bytes.Buffer
	if code, err := run([]string{"-json", "model=sync,gthread threads=4 workers=1..4 clients=20 requests=200 target=p99<500ms"}, &out, nil); code != 0 {
		t.Fatalf("run = %d, %v", code, err)
	}
	var ps []map[string]any
	if err := json.Unmarshal(out.Bytes(), &ps); err != nil || len(ps) != 8 {
		t.Fatalf("want a JSON array of 2 lanes x 4 values, got %v: %s", err, out.String())
	}
	// The fields the page's curves and other tools rely on.
	for _, f := range []string{"lane", "label", "key", "value", "x", "throughputRps", "p50Ms", "p99Ms", "residentMB", "failed", "meetsTarget", "scenario"} {
		if _, ok := ps[0][f]; !ok {
			t.Errorf("field %s missing in %v", f, ps[0])
		}
	}
	if ps[5]["label"] != "model=gthread" || ps[5]["key"] != "workers" || ps[5]["value"] != "2" || ps[5]["x"] != 2.0 {
		t.Errorf("point 5 = %v, want model=gthread at workers=2", ps[5])
	}
	if got := ps[5]["scenario"]; got != "model=gthread workers=2 threads=4 clients=20 requests=200" {
		t.Errorf("point 5 scenario = %q, want the point's own scenario", got)
	}
	cheapest := 0
	for _, p := range ps {
		if p["cheapest"] == true {
			cheapest++
		}
	}
	if cheapest == 0 || cheapest > 2 {
		t.Errorf("%d points marked cheapest, want one per lane that meets p99<500ms", cheapest)
	}
}

func TestSweepTable(t *testing.T) {
	var out, progress bytes.Buffer
	if code, err := run([]string{"model=sync,gevent workers=1..4 io=100ms clients=30 requests=400 target=p99<1s"}, &out, &progress); code != 0 {
		t.Fatalf("run = %d, %v", code, err)
	}
	s := out.String()
	for _, want := range []string{"sweep: model=sync,gevent workers=1..4", "8 points: 4 values of workers for each of 2 lanes",
		"workers", "throughput (req/s)", "p50 (ms)", "p99 (ms)", "memory resident (MB)", "failed", "meets p99<1s",
		"yes <- cheapest", "cheapest point meeting p99<1s", "model=sync   workers=4: model=sync workers=4 clients=30 requests=400"} {
		if !strings.Contains(s, want) {
			t.Errorf("table lacks %q:\n%s", want, s)
		}
	}
	if rows := strings.Count(s, "model=gevent     "); rows != 4 {
		t.Errorf("%d rows of model=gevent, want 4:\n%s", rows, s)
	}
	if p := progress.String(); !strings.Contains(p, "\rsweep: 1 of 8 points") || !strings.Contains(p, "\rsweep: 8 of 8 points") {
		t.Errorf("progress = %q, want a line per point", p)
	}
}

func TestBadRangeExits2(t *testing.T) {
	for _, tt := range []struct{ args, want []string }{
		{[]string{"workers=8..1"}, []string{"workers=8..1", "goes down"}},
		{[]string{"workers=1..8/0"}, []string{"workers=1..8/0", "step"}},
		{[]string{"workers=1..500"}, []string{"workers=1..500", "from 1 to 128"}},
		{[]string{"io=100ms..1s"}, []string{"io=100ms..1s", "needs a step"}},
		{[]string{"rate=1..5000"}, []string{"rate=1..5000", "at most 1000 points"}},
		{[]string{"workers=1..4 threads=1..4"}, []string{"threads=1..4", "workers has a range already"}},
		{[]string{"model=sync..gevent"}, []string{"model=sync..gevent", "takes no range"}},
		{[]string{"workers@10s=1..4"}, []string{"workers@10s=1..4", "live change"}},
		{[]string{"target=p99<300ms"}, []string{"target=p99<300ms", "cheapest point of a sweep"}},
		{[]string{"workers=1..4 target=p99>300ms"}, []string{"target=p99>300ms", "p99 takes <"}},
		{[]string{"workers=1..4 target=fast"}, []string{"target=fast", "p99<300ms"}},
		{[]string{"-every", "1s", "workers=1..4"}, []string{"-every", "workers=1..4"}},
		{[]string{"-timelines", "3", "workers=1..4"}, []string{"-timelines", "one row per point"}},
	} {
		code, err := run(tt.args, new(bytes.Buffer), nil)
		if code != 2 || err == nil {
			t.Errorf("run(%q) = %d, %v; want 2 and an error", tt.args, code, err)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("run(%q) error %q lacks %q", tt.args, err, w)
			}
		}
	}
}

func TestHelpDocumentsSweeps(t *testing.T) {
	var out bytes.Buffer
	if code, _ := run([]string{"-h"}, &out, nil); code != 0 {
		t.Fatalf("-h exit %d", code)
	}
	for _, want := range []string{"KEY=A..B", "KEY=A..B/STEP", "io=100ms..1s/100ms", "at most 1000", "target=p99<300ms", "throughput>REQ/S", "memory<MB", "cheapest"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("-h lacks %q", want)
		}
	}
}
