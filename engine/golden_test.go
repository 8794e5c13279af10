package engine

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenScenarios cover every model, distribution and failure cause. Their
// output is fixed in testdata/NAME.golden: the same text and seed must give
// the same bytes on every platform (the test also runs under js/wasm).
//
// A scenario with opt set runs with those options instead of the default
// ones; with every set, it runs in steps of that much simulated time and
// prints Recent and the oldest point of the series after each, as a view
// that polls them would see.
var goldenScenarios = []struct {
	name, text string
	opt        *Options
	every      time.Duration
}{
	{"dev", "model=dev,dev-threaded io=50ms io-dist=exp clients=20 think=100ms requests=500 seed=3", nil, 0},
	{"sync-overload", "model=sync workers=3 backlog=10 io=200ms io-dist=lognormal rate=30 client-timeout=1s duration=40s seed=5", nil, 0},
	{"gthread", "model=gthread workers=3 threads=4 io=150ms io-dist=exp cpu=3ms clients=40 requests=3000 seed=7", nil, 0},
	{"gevent-timeout", "model=gevent workers=2 io=300ms io-dist=exp blocking=true clients=30 timeout=1s duration=30s seed=11", nil, 0},
	{"asyncio-fanout", "model=asyncio workers=2 io=80ms io-dist=lognormal calls=4 parallel=true pool=20 cache=0.3 rate=150 requests=4000 seed=13", nil, 0},
	{"bridges", "model=wsgi-to-asgi,uvicorn-wsgi io=40ms cpu=1ms clients=30 keepalive=false requests=2000 seed=17", nil, 0},
	{"async-view", "model=gthread threads=3 view=async calls=3 parallel=true io=60ms burst=300 seed=19", nil, 0},
	// Kept-alive connections whose client thinks for less than, exactly as
	// long as, and longer than the server keeps them (gunicorn 2s, uvicorn 5s).
	{"keepalive-think", "model=gthread,gthread,gthread,gevent,asyncio,asyncio workers=2 threads=2 io=300ms io-dist=exp clients=8 think=1s,2s,3s,2s,5s,6s requests=600 seed=23", nil, 0},
	// Integer times that tie with the arbiter's ticks, and kills.
	{"sync-kill", "model=sync workers=2 io=500ms calls=3 clients=6 timeout=1s duration=60s seed=37", nil, 0},
	// The clients' threads on the cores (client-cpu) beside CPU-bound
	// workers, kept alive and not, closed and open loop.
	{"client-cpu", "model=sync,gthread,asyncio workers=2 threads=2 cpu=4ms io=30ms io-dist=exp clients=12 rtt=300µs client-cpu=500µs requests=1500 client-cpu@2s=2ms seed=59", nil, 0},
	{"client-cpu-open", "model=gevent cpu=2ms io=50ms io-dist=exp rate=200 client-cpu=1ms requests=1500 seed=61", nil, 0},
	// Sparse traffic: seconds without an event, a series ring that wraps,
	// and the recent window polled between events.
	{"mmc-sparse", "model=sync workers=3 cores=3 rate=0.3 io=1s io-dist=exp requests=300 seed=29",
		&Options{Timelines: 2, SeriesStep: time.Second, SeriesLen: 64}, 700 * time.Millisecond},
	// Gaps longer than a ring of three points.
	{"series-gap", "model=sync workers=3 cores=3 rate=0.3 io=1s io-dist=exp requests=200 seed=41",
		&Options{SeriesStep: time.Second, SeriesLen: 3}, 1300 * time.Millisecond},
	// Dense traffic: many values in each point and slot of the window.
	{"recent-dense", "model=gthread workers=2 threads=4 io=50ms io-dist=exp clients=50 requests=5000 seed=31",
		&Options{Timelines: 2, SeriesStep: 250 * time.Millisecond, SeriesLen: 100}, 330 * time.Millisecond},
	// Live changes: workers spawned and retired, an upstream slowdown, clients leaving, a rate change.
	{"live-gthread", "model=gthread workers=1 threads=2 io=200ms io-dist=exp clients=40 keepalive=false duration=30s workers@10s=4 io@20s=2s workers@25s=2 clients@27s=10 seed=23", nil, 0},
	// FastAPI's def endpoints behind anyio's LIFO limiter, against async def.
	{"fastapi", "model=fastapi view=sync,async io=100ms io-dist=exp clients=60 keepalive=false requests=2000 seed=43", nil, 0},
	// Flask's app.run(processes=N): a fork per request, at most N, under a burst.
	{"dev-processes", "model=dev workers=2,8 io=200ms io-dist=exp burst=300 seed=47", nil, 0},
	// Node.js: one loop per process, a cluster primary handing out connections.
	{"node", "model=node,node workers=1,3 io=100ms io-dist=lognormal calls=2 parallel=true cpu=1ms clients=80 requests=3000 seed=53", nil, 0},
	// Background jobs: RQ workers beside gthread and sync, against no jobs;
	// the list grows while the jobs' CPU competes with the web workers'.
	{"background", "model=gthread,sync,sync workers=2 threads=4,1,1 background=3,3,0 io=150ms io-dist=exp calls=2 cpu=5ms rate=25 cache=0.2 duration=30s seed=59", nil, 0},
	// uWSGI's listen queue of 100 under a burst, against --listen 1024;
	// eventlet beside gevent on the same traffic.
	{"uwsgi", "model=uwsgi workers=2 threads=4 backlog=100,1024 io=200ms io-dist=exp burst=400 seed=59", nil, 0},
	{"eventlet", "model=eventlet,gevent workers=2 io=150ms io-dist=exp cpu=1ms clients=60 requests=3000 seed=61", nil, 0},
	{"live-compare", "model=sync,gevent workers=2 io=100ms io-dist=lognormal rate=40 client-timeout=3s duration=20s rate@5s=120 cache@8s=0.5 workers@10s=4,1 cpu@12s=2ms seed=29", nil, 0},
	// The app's HTTP client, and a sleep in place of a call.
	{"clients-sleep", "model=gevent,gevent,asyncio,asyncio http-client=urllib,httpx,httpx,default wait=upstream,upstream,upstream,sleep io=50ms io-dist=exp clients=200 requests=3000 seed=59", nil, 0},
	// uvicorn's 503, gunicorn's recycled workers, asgiref's 500 and a slow share.
	{"limits", "model=asyncio,wsgi-to-asgi,gthread,sync workers=2 threads=4 limit-concurrency=30 max-requests=40 max-requests-jitter=10 slow=0.05 slow-io=5s io=80ms io-dist=exp clients=40 duration=30s seed=61", nil, 0},
}

func TestGolden(t *testing.T) {
	for _, g := range goldenScenarios {
		t.Run(g.name, func(t *testing.T) {
			got := goldenOutput(t, g.text, g.opt, g.every)
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
// timelines and its series (and, with every > 0, Recent along the way).
func goldenOutput(t *testing.T, text string, opt *Options, every time.Duration) []byte {
	sc, err := ParseScenario(text)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for i := range sc.Lanes {
		o := Options{Timelines: 5, SeriesStep: 5e9}
		if opt != nil {
			o = *opt
		}
		s := NewLane(sc, i, o)
		if every > 0 {
			for !s.Done() {
				s.RunUntil(s.Now() + every)
				rps, p50, p99, ok := s.Recent()
				fmt.Fprintf(&b, "recent %v %.3f %v %v %v\n", s.Now(), rps, p50, p99, ok)
				if ps := s.Series(); len(ps) > 0 {
					p := ps[0]
					fmt.Fprintf(&b, "series %d from %v %.3f %v %d\n", len(ps), p.T, p.Throughput, p.P99, p.InFlight)
				}
			}
		}
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
			fmt.Fprintf(&b, "%v %.3f %d %v %v %d %d %d %d", p.T, p.Throughput, p.Failed, p.P50, p.P99, p.InFlight, p.Queue, p.Upstream, p.RSS)
			if res.Jobs != nil {
				fmt.Fprintf(&b, " jobs %d %.3f", p.JobQueue, p.Jobs)
			}
			b.WriteByte('\n')
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
		if a, b := goldenOutput(t, g.text, g.opt, g.every), goldenOutput(t, g.text, g.opt, g.every); !bytes.Equal(a, b) {
			t.Errorf("%s: two runs differ:\n%s", g.name, firstDiff(a, b))
		}
	}
}
