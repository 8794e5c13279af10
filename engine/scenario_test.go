package engine

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseScenario(t *testing.T) {
	sc, err := ParseScenario("model=gthread workers=2 threads=5 io=200ms clients=50 seed=1")
	if err != nil {
		t.Fatalf("ParseScenario: %v", err)
	}
	if len(sc.Lanes) != 1 {
		t.Fatalf("lanes = %d, want 1", len(sc.Lanes))
	}
	c := sc.Lanes[0]
	if c.Model != ModelGthread || c.Workers != 2 || c.Threads != 5 || c.IO != 200*time.Millisecond || c.Clients != 50 || c.Seed != 1 {
		t.Errorf("parsed %+v", c)
	}
	if got, want := sc.String(), "model=gthread workers=2 threads=5 io=200ms clients=50"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestParseSeparators(t *testing.T) {
	a, err := ParseScenario("model=gevent&workers=3&io=1.5s")
	if err != nil {
		t.Fatal(err)
	}
	b, err := ParseScenario("model=gevent\nworkers=3\tio=1.5s ")
	if err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() {
		t.Errorf("'&' gives %q, whitespace gives %q", a, b)
	}
}

func TestParseDefaults(t *testing.T) {
	sc, err := ParseScenario("")
	if err != nil {
		t.Fatal(err)
	}
	if got := sc.Lanes[0]; got != DefaultConfig() {
		t.Errorf("empty scenario = %+v, want DefaultConfig()", got)
	}
	if got := sc.String(); got != "model=sync" {
		t.Errorf("String() = %q, want model=sync", got)
	}
}

func TestComparison(t *testing.T) {
	sc, err := ParseScenario("model=sync,gthread,asyncio threads=1,8,1 io=50ms")
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.Lanes) != 3 {
		t.Fatalf("lanes = %d, want 3", len(sc.Lanes))
	}
	want := []struct {
		m Model
		t int
	}{{ModelSync, 1}, {ModelGthread, 8}, {ModelAsyncio, 1}}
	for i, w := range want {
		if l := sc.Lanes[i]; l.Model != w.m || l.ThreadsPerWorker() != w.t || l.IO != 50*time.Millisecond {
			t.Errorf("lane %d = %v threads %d io %v, want %v threads %d io 50ms", i, l.Model, l.ThreadsPerWorker(), l.IO, w.m, w.t)
		}
	}
	if got := sc.String(); got != "model=sync,gthread,asyncio threads=1,8,1 io=50ms" {
		t.Errorf("String() = %q", got)
	}
	want3 := []string{"model=sync threads=1", "model=gthread threads=8", "model=asyncio threads=1"}
	if got := sc.LaneLabels(); strings.Join(got, "|") != strings.Join(want3, "|") {
		t.Errorf("LaneLabels() = %q, want %q", got, want3)
	}
}

// parseErrorCase is scenario text that must not parse: the key its
// *ScenarioError names, and substrings of its message.
type parseErrorCase struct {
	text string
	key  string
	want []string
}

// testParseErrors checks that each case fails to parse as it says.
func testParseErrors(t *testing.T, tests []parseErrorCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			_, err := ParseScenario(tt.text)
			var se *ScenarioError
			if !errors.As(err, &se) {
				t.Fatalf("ParseScenario(%q) error = %v, want a *ScenarioError", tt.text, err)
			}
			if se.Key != tt.key {
				t.Errorf("ParseScenario(%q) key = %q, want %q (%v)", tt.text, se.Key, tt.key, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("ParseScenario(%q) = %q, want it to contain %q", tt.text, err, w)
				}
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	testParseErrors(t, []parseErrorCase{
		{"wokers=3", "wokers", []string{"unknown key", "did you mean workers", "keys: model, workers"}},
		{"workers=0", "workers", []string{"workers=0", "from 1 to 128"}},
		{"workers=abc", "workers", []string{"workers=abc", "whole number"}},
		{"io=fast", "io", []string{"io=fast", "duration", "200ms"}},
		{"io=-1s", "io", []string{"io=-1s"}},
		{"model=tornado", "model", []string{"model=tornado", "one of dev, dev-threaded, sync, gthread, gevent, asyncio, wsgi-to-asgi, uvicorn-wsgi"}},
		{"cache=1.5", "cache", []string{"from 0 to 1"}},
		{"parallel=yes", "parallel", []string{"true or false"}},
		{"workers=2 workers=3", "workers", []string{"given twice"}},
		{"model=sync threads=4", "threads", []string{"threads=4", "does nothing", "gthread"}},
		{"model=dev-threaded workers=3", "workers", []string{"does nothing", "one process"}},
		{"model=sync parallel=true", "parallel", []string{"view=async"}},
		{"model=asyncio view=async", "view", []string{"does nothing"}},
		{"rate=10 think=1s", "think", []string{"closed-loop"}},
		{"clients=5 rate=10", "", []string{"give one of them"}},
		{"model=sync,gthread workers=1,2,3", "workers", []string{"same length"}},
		{"seed=1,2", "seed", []string{"takes one value"}},
		{"model=sync,sync,sync,sync,sync,sync,sync,sync,sync", "model", []string{"at most 8 lanes"}},
		{"model", "", []string{`"model" is not key=value`}},
		{"model=sync,,gevent", "model", []string{"value is empty", "one of dev"}},
		// Live changes: the error names the KEY@TIME pair.
		{"workers@10x=4", "workers@10x", []string{"workers@10x=4", "not a duration", "written like 10s"}},
		{"workers@-1s=4", "workers@-1s", []string{"before the start"}},
		{"workers@=4", "workers@", []string{"not a duration"}},
		{"wokers@10s=4", "wokers@10s", []string{"unknown key", "did you mean workers"}},
		{"workers@10s=0", "workers@10s", []string{"workers@10s=0", "from 1 to 128"}},
		{"io@1s=fast", "io@1s", []string{"io@1s=fast", "duration"}},
		{"io@1s=", "io@1s", []string{"value is empty"}},
		{"duration=5s io@10s=1s", "io@10s", []string{"after the end of the run (duration=5s)"}},
		{"threads@10s=4", "threads@10s", []string{"cannot change while the server runs", "HUP", "arbiter.py", "can change live: workers (on sync, gthread, gevent and eventlet)", "io", "clients"}},
		{"seed@1s=3", "seed@1s", []string{"cannot change while the server runs"}},
		{"model@1s=gevent", "model@1s", []string{"cannot change while the server runs"}},
		{"model=asyncio workers@10s=4", "workers@10s", []string{"uvicorn 0.17 cannot change --workers", "multiprocess.py", "restart it"}},
		{"model=uvicorn-wsgi workers=2 workers@10s=1", "workers@10s", []string{"uvicorn 0.17"}},
		{"model=dev workers@1s=2", "workers@1s", []string{"Flask's built-in server is one process", "serving.py"}},
		{"model=gthread,asyncio workers@2s=3", "workers@2s", []string{"uvicorn 0.17"}},
		{"rate=5 clients@1s=4", "clients@1s", []string{"does nothing here", "closed-loop"}},
		{"clients=10 rate@1s=4", "rate@1s", []string{"does nothing here", "open-loop"}},
		{"rate=5 think@1s=1s", "think@1s", []string{"does nothing here", "closed-loop"}},
		{"model=sync parallel@1s=true", "parallel@1s", []string{"does nothing here", "view=async"}},
		{"model=sync,gthread workers@1s=1,2,3", "workers@1s", []string{"same length"}},
		{"model=gthread workers@1s=2,2", "workers@1s", []string{"all the same"}},
	})
}

func TestIgnoredInComparison(t *testing.T) {
	sc, err := ParseScenario("model=sync,gthread threads=4")
	if err != nil {
		t.Fatal(err)
	}
	if got := sc.Lanes[0].Ignored(); len(got) != 1 || !strings.HasPrefix(got[0], "threads") {
		t.Errorf("sync lane Ignored() = %q, want threads", got)
	}
	if got := sc.Lanes[1].Ignored(); len(got) != 0 {
		t.Errorf("gthread lane Ignored() = %q, want none", got)
	}
}

func TestKeysContract(t *testing.T) {
	// The names of shared/DESIGN.md's key table are a contract: they stay,
	// in this order; more may come between them.
	want := []string{"model", "workers", "threads", "worker-connections", "backlog", "timeout", "cores",
		"io", "io-dist", "calls", "parallel", "blocking", "wait", "http-client", "cpu", "view", "pool", "keepalive", "cache",
		"background", "clients", "think", "rate", "burst", "client-timeout", "requests", "duration", "seed"}
	keys := Keys()
	i := 0
	for _, k := range keys {
		if i < len(want) && k.Name == want[i] {
			i++
		}
	}
	if i < len(want) {
		t.Errorf("the keys lack %q (or have it out of order)", want[i])
	}
	for _, k := range keys {
		if k.Doc == "" || k.Allowed == "" || k.Default == "" {
			t.Errorf("key %q lacks doc, allowed or default: %+v", k.Name, k)
		}
	}
}

func FuzzParseScenario(f *testing.F) {
	for _, s := range []string{
		"model=gthread workers=2 threads=5 io=200ms clients=50 seed=1",
		"model=sync,gevent,asyncio io=1s io-dist=exp calls=3 parallel=true",
		"rate=300.5&cache=0.25&client-timeout=5s",
		"burst=1000 model=asyncio blocking=true requests=10",
		"model=gthread view=async parallel=true pool=10 keepalive=false",
		"model=asyncio,gevent http-client=httpx,urllib wait=upstream,sleep limit-concurrency=20 max-requests=10 max-requests-jitter=5 slow=0.1 slow-io=3s",
		"clients=0,10 rate=5,0",
		"model=gthread workers=1 threads=2 io=200ms clients=40 workers@10s=4 io@20s=2s",
		"model=sync,gevent duration=30s io@1.5s=1s,2s workers@10s=3 cache@0s=0.5 clients@250ms=7",
		"rate=5 rate@1s=0 rate@2s=50&think@3s=1s",
		"model=sync,gevent background=2,0 calls=3 cpu=5ms rate=20",
		"model=sync,gevent workers=1..32 io=200ms target=p99<300ms",
		"model=gthread threads=2..20/3 workers@10s=4 target=throughput>150.5",
		"io=100ms..1s/100ms cache=0.5 target=p50<1.5s",
		"cache=0..1/0.1&model=asyncio&target=memory<512MB",
		"rate=0.5..3/0.25 duration=10s io@5s=1s,2s model=sync,gevent",
		"rate=1..1.5/0.1234567890123456 cache=0.1..0.9/0.3",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		sc, err := ParseScenario(text)
		if err != nil {
			if !errors.As(err, new(*ScenarioError)) {
				t.Fatalf("ParseScenario(%q) error %v is not a *ScenarioError", text, err)
			}
			return
		}
		enc := sc.String()
		again, err := ParseScenario(enc)
		if err != nil {
			t.Fatalf("ParseScenario(String()) = %v; text %q encoded as %q", err, text, enc)
		}
		if len(again.Lanes) != len(sc.Lanes) {
			t.Fatalf("round trip of %q: %d lanes, want %d", enc, len(again.Lanes), len(sc.Lanes))
		}
		for i := range sc.Lanes {
			if again.Lanes[i] != sc.Lanes[i] {
				t.Fatalf("round trip of %q: lane %d = %+v, want %+v", enc, i, again.Lanes[i], sc.Lanes[i])
			}
		}
		if !reflect.DeepEqual(again.Changes, sc.Changes) {
			t.Fatalf("round trip of %q: changes %+v, want %+v", enc, again.Changes, sc.Changes)
		}
		if !reflect.DeepEqual(again.Sweep, sc.Sweep) {
			t.Fatalf("round trip of %q: sweep %+v, want %+v", enc, again.Sweep, sc.Sweep)
		}
		if sc.Sweep != nil {
			// Every point is a scenario of its own that parses back to itself.
			n := len(sc.Lanes) * len(sc.Sweep.Values)
			if len(sc.Points()) != n {
				t.Fatalf("%q: %d points, want %d", enc, len(sc.Points()), n)
			}
			for _, i := range []int{0, n - 1} {
				pt := sc.Point(i)
				back, err := ParseScenario(pt.String())
				if err != nil || !reflect.DeepEqual(back, pt) {
					t.Fatalf("point %d of %q is %q, which parses to %+v, %v", i, enc, pt, back, err)
				}
			}
		}
		if again.String() != enc {
			t.Fatalf("String() is not a fixed point: %q then %q", enc, again.String())
		}
	})
}
