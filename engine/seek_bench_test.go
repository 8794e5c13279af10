package engine

import (
	"testing"
	"time"
)

// BenchmarkSeek60s is what a seek costs the page: re-simulating a run from 0
// to 60s (runs are deterministic, so that is exact), here a 1,000-client
// run on gthread 4x8, as a browser runs it (Options.Endless). It reports simulated seconds per wall second
// (sim-s/s); a seek to t takes t divided by that.
func BenchmarkSeek60s(b *testing.B) {
	sc, err := ParseScenario("model=gthread workers=4 threads=8 io=200ms clients=1000")
	if err != nil {
		b.Fatal(err)
	}
	const to = 60 * time.Second
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		s := NewLane(sc, 0, Options{Endless: true, Timelines: 100})
		s.RunUntil(to)
		if s.Now() != to {
			b.Fatalf("seek reached %v, want %v", s.Now(), to)
		}
		n++
	}
	b.ReportMetric(float64(n)*to.Seconds()/b.Elapsed().Seconds(), "sim-s/s")
	b.ReportMetric(0, "ns/op")
}
