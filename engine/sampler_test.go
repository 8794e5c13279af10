package engine

import (
	"testing"
	"time"
)

// On cores that two CPU-bound sync workers saturate, a monitor that runs D
// every 200 ms takes D / 200 ms of the 2 cores: throughput falls by that
// share, the clients' process runs one D a sample, and the requests on the
// core it takes wait for it, which lengthens the tail.
func TestSamplerTakesItsShare(t *testing.T) {
	const text = "model=sync workers=2 clients=4 cpu=20ms calls=0 requests=600"
	base := run1(t, text)
	if base.CPUUtil < 0.99 {
		t.Fatalf("%s: CPU utilisation %.3f; the test needs saturated cores", text, base.CPUUtil)
	}
	for _, d := range []time.Duration{10 * time.Millisecond, 20 * time.Millisecond} {
		s, got := runSim(t, text+" sampler-cpu="+d.String())
		share := d.Seconds() / samplerEvery.Seconds() / 2
		if want := base.ThroughputRPS * (1 - share); !near(got.ThroughputRPS, want, 0.01) {
			t.Errorf("sampler-cpu=%v: %.1f rps; want %.1f x (1 - %.3f) = %.1f", d, got.ThroughputRPS, base.ThroughputRPS, share, want)
		}
		samples := s.now / samplerEvery
		if lo, hi := (samples-1)*d, samples*d; s.cli.cpu < lo || s.cli.cpu > hi {
			t.Errorf("sampler-cpu=%v: the clients ran %v of CPU in %v (%d samples); want %v-%v", d, s.cli.cpu, s.now, samples, lo, hi)
		}
		if p99 := got.LatencyMS.P99; p99 < base.LatencyMS.P99+d.Seconds()*1000/2 {
			t.Errorf("sampler-cpu=%v: p99 %.1f ms; want at least %.1f + %.1f (the requests behind a sample wait for it)",
				d, p99, base.LatencyMS.P99, d.Seconds()*1000/2)
		}
	}
}

// On idle cores the monitor finds a free core and delays nobody; a live
// change starts it, and a change to 0 stops it.
func TestSamplerOnIdleCores(t *testing.T) {
	const text = "model=sync workers=2 clients=2 io=50ms requests=300"
	a, b := run1(t, text), run1(t, text+" sampler-cpu=20ms")
	if !near(b.LatencyMS.Mean, a.LatencyMS.Mean, 0.01) {
		t.Errorf("sampler-cpu=20ms on idle cores: mean latency %.2f ms; want about the run without: %.2f", b.LatencyMS.Mean, a.LatencyMS.Mean)
	}
	s, _ := runSim(t, "model=sync workers=2 clients=2 io=50ms duration=5s sampler-cpu@1s=20ms sampler-cpu@3s=0s")
	// Samples at 1.2, 1.4, ... 3.0 s: ten of them.
	if want := 10 * 20 * time.Millisecond; s.cli.cpu != want {
		t.Errorf("sampler-cpu 20ms from 1 s to 3 s: the clients ran %v of CPU; want %v (ten samples)", s.cli.cpu, want)
	}
}
