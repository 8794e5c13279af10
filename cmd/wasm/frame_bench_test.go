package main

import (
	"encoding/json"
	"testing"
	"time"
)

// The Go side of the page at 5,000 requests in flight (browsertest
// TestFrameCost's scenario), natively: what each frame and each of the
// page's polls costs, and what it allocates (run with -benchmem).

const frameScenario = "model=asyncio workers=4 io=2s clients=5000 pool=5000"

// busyApp is the page's program after simulated seconds of frameScenario.
func busyApp(b *testing.B, seconds int) *app {
	b.Helper()
	a := newApp()
	if err := a.load(frameScenario); err != nil {
		b.Fatal(err)
	}
	a.resize(1280, 720)
	a.seek(time.Duration(seconds) * time.Second)
	return a
}

// BenchmarkTick5000 is one Update and one Draw's scene, as when the page
// draws every tick.
func BenchmarkTick5000(b *testing.B) {
	a := busyApp(b, 5)
	for b.Loop() {
		a.step()
		a.frame()
	}
}

// BenchmarkStatePoll5000 is one cpSim.state() poll with its JSON.
func BenchmarkStatePoll5000(b *testing.B) {
	a := busyApp(b, 5)
	for b.Loop() {
		if _, err := json.Marshal(a.state()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSeriesPoll5000 is one cpSim.series() poll with its JSON, ten
// minutes into a run: the charts' whole 2,400 points.
func BenchmarkSeriesPoll5000(b *testing.B) {
	a := busyApp(b, 600)
	for b.Loop() {
		if _, err := json.Marshal(a.series()); err != nil {
			b.Fatal(err)
		}
	}
}
