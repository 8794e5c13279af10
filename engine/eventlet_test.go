package engine

import "testing"

// GreenPool.spawn blocks while the pool is full (eventlet/greenpool.py), so
// the worker stops accepting at worker_connections: 25 clients on a pool of
// 10 leave 15 in the listen queue, as gevent's Pool does.
func TestEventletPoolStopsAccept(t *testing.T) {
	rs := run(t, "model=eventlet,gevent worker-connections=10 clients=25 io=100ms requests=1000")
	for i := range rs {
		if rs[i].PeakBacklog != 15 || rs[i].PeakUpstream != 10 {
			t.Errorf("%s: peak listen queue %d, peak upstream %d; want 15 and 10", rs[i].Scenario, rs[i].PeakBacklog, rs[i].PeakUpstream)
		}
	}
}

// A call eventlet cannot patch holds the hub: the main green thread stops
// notifying the arbiter, which kills the worker after the timeout
// (geventlet.py run(): notify, then eventlet.sleep(1.0)).
func TestEventletBlockedHubTimeout(t *testing.T) {
	r := run1(t, "model=eventlet blocking=true io=3s timeout=2s clients=4 duration=20s")
	if r.WorkerRestarts == 0 || r.Failed.WorkerTimeout == 0 {
		t.Errorf("blocking calls of 3s with timeout=2s: %d restarts, %d worker-timeout failures; want the arbiter to kill the worker",
			r.WorkerRestarts, r.Failed.WorkerTimeout)
	}
	r = run1(t, "model=eventlet io=3s timeout=2s clients=4 duration=20s")
	if r.WorkerRestarts != 0 {
		t.Errorf("patched calls of 3s with timeout=2s: %d restarts, want none (the hub keeps notifying)", r.WorkerRestarts)
	}
}

// Keep-alive saves eventlet's measured 120µs a connection: the engine's CPU
// per request is lower with keepalive=true.
func TestEventletKeepalive(t *testing.T) {
	rs := run(t, "model=eventlet clients=1 calls=0 keepalive=true,false requests=2000")
	perReq := func(r Result) float64 { return r.CPUUtil * 2 * r.SimSeconds * 1e6 / float64(r.Completed) }
	ka, nka := perReq(rs[0]), perReq(rs[1])
	c := eventlet.costs
	if !near(ka, float64((c.parse+c.respond).Microseconds()), 0.02) || !near(nka-ka, float64(c.connect.Microseconds()), 0.1) {
		t.Errorf("CPU a request %.0fµs kept alive, %.0fµs on new connections; want %v and %v more", ka, nka, c.parse+c.respond, c.connect)
	}
}
