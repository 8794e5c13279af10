package engine

import (
	"strings"
	"testing"
	"time"
)

// rtt is time outside the server: each request reaches the server that
// long (a draw of mean rtt) after its client sent it, twice that on a new
// connection, and its latency counts it.
func TestRTTLatency(t *testing.T) {
	// Clients that start together send their first request together: a
	// handshake and the request, two round trips exactly.
	base := run1(t, "model=asyncio clients=1 io=100ms requests=1")
	one := run1(t, "model=asyncio clients=1 io=100ms requests=1 rtt=20ms")
	if got, want := one.LatencyMS.Mean-base.LatencyMS.Mean, 40.0; !near(got, want, 1e-9) {
		t.Errorf("first request with rtt=20ms: latency %.3f ms more than without; want %.0f (a handshake and the request)", got, want)
	}
	// Later requests draw their time (exponential, mean rtt): on average
	// one rtt more on a kept-alive connection, two on a new one. New
	// connections are measured on Node's loop: on asyncio's, each new
	// connection's iterations batch with the others' (asyncioturns.go), so
	// the clients' spread changes its queueing as well.
	for _, tc := range []struct {
		model, ka string
		want      float64 // mean added latency, in rtts
	}{{"asyncio", "true", 1}, {"node", "false", 2}} {
		text := "model=" + tc.model + " clients=20 io=50ms requests=4000 keepalive=" + tc.ka
		a, b := run1(t, text), run1(t, text+" rtt=10ms")
		got := (b.LatencyMS.Mean - a.LatencyMS.Mean) / 10
		if !near(got, tc.want, 0.1) {
			t.Errorf("keepalive=%s, rtt=10ms: mean latency %.2f ms more, %.2f rtts; want %.0f", tc.ka, b.LatencyMS.Mean-a.LatencyMS.Mean, got, tc.want)
		}
		// Closed-loop clients send again only after the answer is back, so
		// throughput is clients / latency (Little's law) with rtt in it.
		if want := 20 / (b.LatencyMS.Mean / 1000); !near(b.ThroughputRPS, want, 0.03) {
			t.Errorf("keepalive=%s, rtt=10ms: %.1f rps; want about 20 clients / %.1f ms = %.1f", tc.ka, b.ThroughputRPS, b.LatencyMS.Mean, want)
		}
	}
	// Open-loop arrivals come on new connections: two draws each.
	a := run1(t, "model=asyncio rate=50 io=50ms requests=3000")
	b := run1(t, "model=asyncio rate=50 io=50ms requests=3000 rtt=10ms")
	if got := (b.LatencyMS.Mean - a.LatencyMS.Mean) / 10; !near(got, 2, 0.1) {
		t.Errorf("rate=50, rtt=10ms: mean latency %.2f rtts more; want 2", got)
	}
}

// The default, rtt=0, is the client that sends the instant it is
// answered: the same run as without the key.
func TestRTTZeroIsDefault(t *testing.T) {
	a := run1(t, "model=gthread workers=2 threads=5 clients=11 io=100ms requests=600")
	b := run1(t, "model=gthread workers=2 threads=5 clients=11 io=100ms requests=600 rtt=0s")
	if a.ThroughputRPS != b.ThroughputRPS || a.LatencyMS != b.LatencyMS || a.PeakUpstream != b.PeakUpstream {
		t.Errorf("rtt=0s: %.3f rps, %+v; want the run without rtt: %.3f rps, %+v", b.ThroughputRPS, b.LatencyMS, a.ThroughputRPS, a.LatencyMS)
	}
}

// A client's time decides races that the engine's clients otherwise always
// win: asgiref 3.6 fails a request that comes on a kept-alive connection
// before the previous cycle completed (wsgitoasgi.go), and uvicorn's
// --limit-concurrency counts the connections of refused clients that come
// straight back.
func TestRTTRaces(t *testing.T) {
	const w2a = "model=wsgi-to-asgi clients=10 io=50ms requests=300"
	a, b := run1(t, w2a), run1(t, w2a+" rtt=10ms")
	// P(a draw of mean 10ms < the 111µs window) is 1.1%.
	if a.Failed.ServerError != 150 || b.Failed.ServerError > 30 || b.Failed.ServerError == 0 {
		t.Errorf("wsgi-to-asgi kept alive: %d failed at rtt=0 and %d at rtt=10ms; want 150 (every second request) and a few",
			a.Failed.ServerError, b.Failed.ServerError)
	}
	const limit = "model=asyncio clients=50 io=100ms keepalive=false limit-concurrency=20 duration=10s"
	c, d := run1(t, limit), run1(t, limit+" rtt=10ms")
	if d.Completed <= c.Completed || d.PeakUpstream > 19 {
		t.Errorf("limit-concurrency=20, 50 clients: served %d at rtt=0 and %d at rtt=10ms (peak upstream %d); want more once refused clients take time to come back, at most 19 calls",
			c.Completed, d.Completed, d.PeakUpstream)
	}
}

// A client gives up client-timeout after it sent, which is before its
// request reached the server.
func TestRTTClientTimeout(t *testing.T) {
	// Every call takes 1s; the client waits 1.05s; with rtt=100ms the first
	// requests spend 200ms on the way, so the client gives up on them.
	r := run1(t, "model=asyncio clients=5 io=1s client-timeout=1050ms requests=5 rtt=100ms")
	if r.Failed.ClientTimeout != 5 {
		t.Errorf("rtt=100ms, 1s calls, client-timeout=1050ms: %d timed out; want all 5", r.Failed.ClientTimeout)
	}
}

func TestRTTParse(t *testing.T) {
	for _, text := range []string{"rtt=-1ms", "rtt=2m", "rtt=fast"} {
		_, err := ParseScenario(text)
		if err == nil || !strings.Contains(err.Error(), "rtt") || !strings.Contains(err.Error(), "a duration from 0s to 1m0s") {
			t.Errorf("ParseScenario(%q) = %v; want an error naming rtt and the allowed durations", text, err)
		}
	}
	sc, err := ParseScenario("rtt=250us")
	if err != nil || sc.Lanes[0].RTT != 250*time.Microsecond {
		t.Errorf("ParseScenario(rtt=250us) = %v, %v; want RTT 250µs", sc, err)
	}
}

// A live change of rtt applies to the requests drawn after it.
func TestRTTLive(t *testing.T) {
	r := run1(t, "model=asyncio clients=20 io=50ms duration=20s rtt=0s rtt@10s=20ms")
	a := run1(t, "model=asyncio clients=20 io=50ms duration=20s")
	// The second half's requests take 20ms more (a kept-alive connection:
	// one draw of mean 20ms), and there are fewer of them: 20 clients make
	// about 20/50.5ms = 396 a second before, 20/70.5ms = 284 after, so the
	// mean rises by 20ms x 284/680, about 8.4ms.
	if got := r.LatencyMS.Mean - a.LatencyMS.Mean; got < 6 || got > 11 {
		t.Errorf("rtt@10s=20ms: mean latency %.1f ms more than without; want about 8.4 (the second half 20 ms more)", got)
	}
}
