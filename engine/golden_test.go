package engine

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenScenarios cover every model, distribution and failure cause. Their
// output is fixed in testdata/NAME.golden: the same text and seed must give
// the same bytes on every platform (the test also runs under js/wasm).
var goldenScenarios = []struct{ name, text string }{
	{"dev", "model=dev,dev-threaded io=50ms io-dist=exp clients=20 think=100ms requests=500 seed=3"},
	{"sync-overload", "model=sync workers=3 backlog=10 io=200ms io-dist=lognormal rate=30 client-timeout=1s duration=40s seed=5"},
	{"gthread", "model=gthread workers=3 threads=4 io=150ms io-dist=exp cpu=3ms clients=40 requests=3000 seed=7"},
	{"gevent-timeout", "model=gevent workers=2 io=300ms io-dist=exp blocking=true clients=30 timeout=1s duration=30s seed=11"},
	{"asyncio-fanout", "model=asyncio workers=2 io=80ms io-dist=lognormal calls=4 parallel=true pool=20 cache=0.3 rate=150 requests=4000 seed=13"},
	{"bridges", "model=wsgi-to-asgi,uvicorn-wsgi io=40ms cpu=1ms clients=30 keepalive=false requests=2000 seed=17"},
	{"async-view", "model=gthread threads=3 view=async calls=3 parallel=true io=60ms burst=300 seed=19"},
	// Live changes: workers spawned and retired, an upstream slowdown, clients leaving, a rate change.
	{"live-gthread", "model=gthread workers=1 threads=2 io=200ms io-dist=exp clients=40 keepalive=false duration=30s workers@10s=4 io@20s=2s workers@25s=2 clients@27s=10 seed=23"},
	{"live-compare", "model=sync,gevent workers=2 io=100ms io-dist=lognormal rate=40 client-timeout=3s duration=20s rate@5s=120 cache@8s=0.5 workers@10s=4,1 cpu@12s=2ms seed=29"},
}

func TestGolden(t *testing.T) {
	for _, g := range goldenScenarios {
		t.Run(g.name, func(t *testing.T) {
			got := goldenOutput(t, g.text)
			path := filepath.Join("testdata", g.name+".golden")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./engine -run TestGolden -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output of %q differs from %s:\n%s", g.text, path, firstDiff(got, want))
			}
		})
	}
}

// goldenOutput runs text and renders each lane's result, its first and last
// timelines and its series.
func goldenOutput(t *testing.T, text string) []byte {
	sc, err := ParseScenario(text)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for i := range sc.Lanes {
		s := NewLane(sc, i, Options{Timelines: 5, SeriesStep: 5e9})
		res := s.Run()
		js, err := json.MarshalIndent(res, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		b.Write(js)
		b.WriteByte('\n')
		for _, tl := range s.Timelines() {
			b.WriteString(tl.String())
		}
		for _, p := range s.Series() {
			fmt.Fprintf(&b, "%v %.3f %d %v %v %d %d %d %d\n", p.T, p.Throughput, p.Failed, p.P50, p.P99, p.InFlight, p.Queue, p.Upstream, p.RSS)
		}
	}
	return b.Bytes()
}

func firstDiff(got, want []byte) string {
	gl, wl := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
	for i := 0; i < len(gl) && i < len(wl); i++ {
		if !bytes.Equal(gl[i], wl[i]) {
			return fmt.Sprintf("line %d:\n got  %s\n want %s", i+1, gl[i], wl[i])
		}
	}
	return fmt.Sprintf("got %d lines, want %d", len(gl), len(wl))
}

// TestRepeatable runs each golden scenario twice in one process: no hidden
// state (a map's order, a package-level source) may leak between runs.
func TestRepeatable(t *testing.T) {
	for _, g := range goldenScenarios {
		if a, b := goldenOutput(t, g.text), goldenOutput(t, g.text); !bytes.Equal(a, b) {
			t.Errorf("%s: two runs differ:\n%s", g.name, firstDiff(a, b))
		}
	}
}
