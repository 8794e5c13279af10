package engine

import (
	"testing"
	"time"
)

// cpuPerRequest is a run's busy core time per finished request.
func cpuPerRequest(r Result, cores int) time.Duration {
	return time.Duration(r.CPUUtil * float64(cores) / r.ThroughputRPS * float64(time.Second))
}

// asyncio's _run_once polls once and runs every task that was ready as it
// began, so one iteration's cost (costs.wake) is shared by the tasks it
// runs: one request at a time pays the measured figures in full, and a
// loop with many tasks ready pays less per request. Each request on an
// aiohttp call has three wake-ups (the request's read, the call's
// response, the task's step after it), with a sleep two and its timer's
// callback, which the measured sleep's wake-up includes (asyncioturns.go). gevent's hub shares nothing: its CPU
// per request did not fall with load (1.43 ms at 50 clients, 1.51-1.69 at
// 1000, docs/calibration.md).
func TestLoopIterationSharesItsWake(t *testing.T) {
	c := asyncio.costs
	if c.wake <= 0 {
		t.Fatalf("asyncio's wake is %v, want the measured iteration's CPU", c.wake)
	}
	full := serverCPU(ModelAsyncio)
	alone := run1(t, "model=asyncio clients=1 io=20ms io-late=0 requests=500 cores=2")
	if got := cpuPerRequest(alone, 2); !near(float64(got), float64(full), 0.02) {
		t.Errorf("asyncio, one client: %v of CPU a request, want the measured %v (every iteration runs one task)", got, full)
	}
	// 1000 of the 5000 requests come on a new connection: its CPU, and the
	// accept's wake-ups (acceptTurns) that are shared too.
	conn := c.connect / 5
	busy := run1(t, "model=asyncio clients=1000 io=200ms pool=1000 requests=5000 cores=2")
	lo, hi := full+conn-3*c.wake-acceptTurns*c.wake/5, full+conn-2*c.wake
	if got := cpuPerRequest(busy, 2); got < lo || got > hi {
		t.Errorf("asyncio, 1000 clients: %v of CPU a request, want between %v and %v (most of three wakes shared)", got, lo, hi)
	}
	sleepFull := c.parse + c.respond + sleepWakeTask
	sleeping := run1(t, "model=asyncio clients=1000 io=200ms wait=sleep requests=5000 cores=2")
	lo, hi = sleepFull+conn-2*c.wake-acceptTurns*c.wake/5, sleepFull+conn-c.wake/2
	if got := cpuPerRequest(sleeping, 2); got < lo || got > hi {
		t.Errorf("asyncio, 1000 sleepers: %v of CPU a request, want between %v and %v (of two wakes, some shared: the sleepers come back one by one, as they went)", got, lo, hi)
	}
	for _, m := range []string{"gevent", "eventlet"} {
		one := run1(t, "model="+m+" clients=1 io=20ms requests=500 cores=2")
		many := run1(t, "model="+m+" clients=1000 io=100ms requests=5000 cores=2")
		if a, b := cpuPerRequest(one, 2), cpuPerRequest(many, 2); float64(b) < 0.98*float64(a) {
			t.Errorf("%s: %v of CPU a request at 1000 clients, %v at one; want no less (its hub shares no iteration cost)", m, b, a)
		}
	}
}
