package engine

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseChanges(t *testing.T) {
	tests := []struct{ text, want string }{
		{"model=gthread workers=1 threads=2 io=200ms clients=40 workers@10s=4 io@20s=2s",
			"model=gthread threads=2 io=200ms clients=40 workers@10s=4 io@20s=2s"},
		// Time order, ties in key order, the same key in the order given.
		{"io@20s=2000ms cache@10s=0.50 workers@10s=4 workers@10s=5 io@1.5s=1s",
			"model=sync io@1.5s=1s workers@10s=4 workers@10s=5 cache@10s=0.5 io@20s=2s"},
		{"clients@0s=5 clients@250ms=7", "model=sync clients@0s=5 clients@250ms=7"},
		// A comparison: a list pairs with the lanes; equal values fold.
		{"model=sync,gthread io@1s=1s,2000ms io@500ms=3s", "model=sync,gthread io@500ms=3s io@1s=1s,2s"},
		{"io@1s=1s,1000ms model=sync,gthread", "model=sync,gthread io@1s=1s"},
		// A list in a change alone makes the lanes.
		{"model=gthread workers@1s=1,2", "model=gthread workers@1s=1,2"},
		{"duration=30s io@30s=1s", "model=sync duration=30s io@30s=1s"},
		{"rate=5 rate@1s=0 rate@2s=50", "model=sync rate=5 rate@1s=0 rate@2s=50"},
	}
	for _, tt := range tests {
		sc, err := ParseScenario(tt.text)
		if err != nil {
			t.Errorf("ParseScenario(%q): %v", tt.text, err)
			continue
		}
		if got := sc.String(); got != tt.want {
			t.Errorf("ParseScenario(%q).String() = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestKeyLive(t *testing.T) {
	live := map[string]bool{}
	for _, k := range Keys() {
		ok, why := k.Live(ModelGthread)
		live[k.Name] = ok
		if !ok && why == "" {
			t.Errorf("Key %s: Live(gthread) = false with no reason", k.Name)
		}
	}
	for _, name := range []string{"workers", "clients", "think", "rate", "client-timeout", "io", "io-dist", "calls", "parallel", "blocking", "cpu", "cache"} {
		if !live[name] {
			t.Errorf("%s is not live on gthread, want live", name)
		}
	}
	for _, name := range []string{"model", "threads", "worker-connections", "backlog", "timeout", "cores", "pool", "keepalive", "view", "seed", "requests", "duration", "burst"} {
		if live[name] {
			t.Errorf("%s is live on gthread, want refused", name)
		}
	}
	workers := Keys()[keyIndex("workers")]
	for _, m := range Models() {
		ok, why := workers.Live(m)
		gunicorn := specOf(m).host == &gunicorn
		if ok != gunicorn {
			t.Errorf("workers.Live(%v) = %v (%q), want %v: only gunicorn's arbiter takes TTIN/TTOU", m, ok, why, gunicorn)
		}
		if got := strings.Join(LiveKeys(m), " "); strings.Contains(got, "workers") != gunicorn {
			t.Errorf("LiveKeys(%v) = %q", m, got)
		}
	}
}

func TestAddChange(t *testing.T) {
	sc, err := ParseScenario("model=gthread workers=1 threads=2 clients=40 io@20s=2s")
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.AddChange("workers", 10*time.Second, "4"); err != nil {
		t.Fatal(err)
	}
	if err := sc.AddChange("io", 10*time.Second, "500ms"); err != nil {
		t.Fatal(err)
	}
	want := "model=gthread threads=2 clients=40 workers@10s=4 io@10s=500ms io@20s=2s"
	if got := sc.String(); got != want {
		t.Errorf("after AddChange: %q, want %q", got, want)
	}
	for _, bad := range []struct {
		key, value string
		at         time.Duration
	}{
		{"threads", "4", time.Second}, {"workers", "0", time.Second}, {"workers", "4", -time.Second},
		{"nope", "1", time.Second}, {"workers", "4 threads=3", time.Second}, {"io", "1s&x=1", time.Second},
	} {
		err := sc.AddChange(bad.key, bad.at, bad.value)
		var se *ScenarioError
		if !errors.As(err, &se) || !strings.HasPrefix(se.Key, bad.key+"@") {
			t.Errorf("AddChange(%q, %v, %q) = %v, want a *ScenarioError naming the pair", bad.key, bad.at, bad.value, err)
		}
		if got := sc.String(); got != want {
			t.Errorf("a refused AddChange changed the scenario to %q", got)
		}
	}
}

func TestSimChangeErrors(t *testing.T) {
	sc, err := ParseScenario("model=gthread workers=2 threads=2 clients=10 duration=20s cache@5s=0.5")
	if err != nil {
		t.Fatal(err)
	}
	s := NewLane(sc, 0, Options{})
	s.RunUntil(5 * time.Second) // the change at 5s applies after the events at 5s
	if s.Config().Cache != 0.5 {
		t.Fatalf("cache at 5s = %v, want 0.5", s.Config().Cache)
	}
	for _, tt := range []struct {
		at         time.Duration
		key, value string
		want       string
	}{
		{4 * time.Second, "io", "1s", "in the past"},
		{5 * time.Second, "workers", "3", "already applied"}, // workers comes before cache in key order
		{30 * time.Second, "io", "1s", "after the end"},
		{6 * time.Second, "threads", "4", "cannot change"},
		{6 * time.Second, "rate", "4", "does nothing"},
		{6 * time.Second, "workers", "200", "from 1 to 128"},
	} {
		err := s.Change(tt.at, tt.key, tt.value)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Change(%v, %s, %s) = %v, want an error containing %q", tt.at, tt.key, tt.value, err, tt.want)
		}
	}
	for key, want := range map[string]bool{"workers": true, "clients": true, "io": true, "rate": false, "threads": false, "nope": false} {
		if got := s.Takes(key); got != want {
			t.Errorf("Takes(%q) = %v, want %v", key, got, want)
		}
	}
	if err := s.Change(5*time.Second, "clients", "20"); err != nil {
		t.Errorf("Change(5s, clients, 20) after cache@5s applied: %v", err)
	}
	if err := s.Change(6*time.Second, "workers", "3"); err != nil {
		t.Errorf("Change(6s, workers, 3): %v", err)
	}
	if got, want := s.Scenario().String(), "model=gthread workers=2 threads=2 duration=20s cache@5s=0.5 clients@5s=20 workers@6s=3"; got != want {
		t.Errorf("Scenario() = %q, want %q", got, want)
	}
}
