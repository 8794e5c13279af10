package engine

import (
	"math"
	"strings"
	"testing"
	"time"
)

// runSim parses a one-lane scenario and runs it, returning the simulation
// itself so that a test can read the clients' CPU.
func runSim(t *testing.T, text string) (*Sim, Result) {
	t.Helper()
	sc, err := ParseScenario(text)
	if err != nil {
		t.Fatalf("ParseScenario(%q): %v", text, err)
	}
	s := NewLane(sc, 0, Options{})
	return s, s.Run()
}

// With the cores saturated by two CPU-bound sync workers, the clients'
// CPU takes its share of the two cores: throughput falls from
// cores / (server CPU a request) to cores / (server CPU + client CPU).
// gunicorn's sync worker closes each connection, so every request comes on
// a new one and costs the clients client-cpu twice.
func TestClientCPUTakesCores(t *testing.T) {
	const text = "model=sync workers=2 clients=4 cpu=20ms calls=0 requests=600 io-dist=exp"
	base := run1(t, text)
	if base.CPUUtil < 0.99 {
		t.Fatalf("%s: CPU utilisation %.3f; the test needs saturated cores", text, base.CPUUtil)
	}
	perReq := 2 / base.ThroughputRPS // seconds of server CPU a request, on 2 cores
	for _, d := range []time.Duration{time.Millisecond, 4 * time.Millisecond} {
		s, got := runSim(t, text+" client-cpu="+d.String())
		want := 2 / (perReq + 2*d.Seconds())
		if !near(got.ThroughputRPS, want, 0.03) {
			t.Errorf("client-cpu=%v: %.1f rps; want about 2 cores / (%.2f + 2 x %.2f ms) = %.1f",
				d, got.ThroughputRPS, perReq*1000, float64(d)/1e6, want)
		}
		// The server's CPU utilisation does not count the clients'; both
		// together fill the cores.
		clientCores := s.cli.cpu.Seconds() / (s.now.Seconds() * 2)
		if sum := got.CPUUtil + clientCores; !near(sum, 1, 0.02) {
			t.Errorf("client-cpu=%v: server %.3f + clients %.3f of the cores = %.3f; want 1 (saturated)",
				d, got.CPUUtil, clientCores, sum)
		}
	}
}

// Each answered request costs the clients client-cpu on a kept-alive
// connection and twice that on a new one; an open-loop arrival is a new
// connection.
func TestClientCPUPerRequest(t *testing.T) {
	for _, tc := range []struct {
		text string
		per  int64 // client-cpus a request
	}{
		{"model=gthread workers=2 threads=4 clients=8 io=50ms requests=400", 1},
		{"model=gthread workers=2 threads=4 clients=8 io=50ms requests=400 keepalive=false", 2},
		{"model=gthread workers=2 threads=4 rate=100 io=50ms requests=400", 2},
	} {
		s, res := runSim(t, tc.text+" client-cpu=300µs")
		// The run ends at the last answer: a closed-loop client's CPU for
		// the last answers may not have run, and the open loop has sent
		// requests that are not answered yet.
		done := int64(res.Completed)
		got := int64(s.cli.cpu / (300 * time.Microsecond))
		if lo, hi := (done-10)*tc.per, (done+10)*tc.per; got < lo || got > hi {
			t.Errorf("%s: the clients ran %v of CPU, %d client-cpus, for %d requests; want %d-%d",
				tc.text, s.cli.cpu, got, done, lo, hi)
		}
	}
}

// A closed-loop client sends only after its CPU has run, and latency runs
// from the send, so on idle cores (two clients, one client thread each)
// the clients' CPU lengthens each cycle and leaves latency nearly as it
// was; an open loop's arrivals do not wait for it.
func TestClientCPUDelaysTheNextSend(t *testing.T) {
	const text = "model=asyncio clients=2 io=100ms io-dist=exp requests=400"
	a, b := run1(t, text), run1(t, text+" client-cpu=10ms")
	if !near(b.LatencyMS.Mean, a.LatencyMS.Mean, 0.01) {
		t.Errorf("client-cpu=10ms on idle cores: mean latency %.2f ms; want about the run without: %.2f", b.LatencyMS.Mean, a.LatencyMS.Mean)
	}
	cycle := b.LatencyMS.Mean + 10
	if want := 2 / (cycle / 1000); !near(b.ThroughputRPS, want, 0.02) {
		t.Errorf("client-cpu=10ms: %.1f rps; want 2 clients / (%.1f + 10 ms) = %.1f", b.ThroughputRPS, b.LatencyMS.Mean, want)
	}
	const open = "model=asyncio rate=50 io=100ms requests=500"
	if a, b := run1(t, open), run1(t, open+" client-cpu=10ms"); a.ThroughputRPS != b.ThroughputRPS {
		t.Errorf("rate=50, client-cpu=10ms: %.3f rps; want the run without: %.3f", b.ThroughputRPS, a.ThroughputRPS)
	}
}

// The default, 0, is a run without the clients on the cores, byte for byte;
// and a live change starts the charge.
func TestClientCPUZeroAndLive(t *testing.T) {
	const text = "model=sync workers=2 clients=4 cpu=20ms calls=0 requests=400"
	a, b := run1(t, text), run1(t, text+" client-cpu=0s")
	if a.ThroughputRPS != b.ThroughputRPS || a.LatencyMS != b.LatencyMS || a.CPUUtil != b.CPUUtil {
		t.Errorf("client-cpu=0s: %.3f rps, %+v; want the run without the key: %.3f rps, %+v",
			b.ThroughputRPS, b.LatencyMS, a.ThroughputRPS, a.LatencyMS)
	}
	s, _ := runSim(t, text+" client-cpu@2s=2ms")
	if s.cli.cpu == 0 {
		t.Errorf("client-cpu@2s=2ms: the clients ran no CPU")
	}
}

// Bad values name the key and what is allowed.
func TestClientCPUParseErrors(t *testing.T) {
	for _, v := range []string{"-1ms", "2s", "fast", "10"} {
		_, err := ParseScenario("model=sync client-cpu=" + v)
		if err == nil || !strings.Contains(err.Error(), "client-cpu") {
			t.Errorf("client-cpu=%s: error %v; want one that names client-cpu", v, err)
		}
	}
}

// The clients' CPU is part of their turn-around: with rtt, a kept-alive
// request reaches the server at the later of its draw X (exponential, mean
// rtt) and the CPU's end D, on average D + rtt·e^(−D/rtt), not X + D.
func TestClientCPUInsideRTT(t *testing.T) {
	const text = "model=asyncio clients=2 io=100ms io-dist=exp requests=1000 rtt=20ms"
	a, b := run1(t, text), run1(t, text+" client-cpu=10ms")
	rtt, d := 20.0, 10.0
	turn := d + rtt*math.Exp(-d/rtt) // E[max(X, D)], ms
	cycle := b.LatencyMS.Mean - rtt + turn
	if want := 2 / (cycle / 1000); !near(b.ThroughputRPS, want, 0.015) {
		t.Errorf("rtt=20ms client-cpu=10ms: %.2f rps; want 2 clients / (%.1f − %.0f + %.2f ms) = %.2f (without client-cpu %.2f)",
			b.ThroughputRPS, b.LatencyMS.Mean, rtt, turn, want, a.ThroughputRPS)
	}
}
