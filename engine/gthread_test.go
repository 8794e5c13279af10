package engine

import (
	"testing"
	"time"
)

// futuresWait passes through the measured points and is cheaper by the
// measured share when a future is done.
func TestFuturesWaitMeasured(t *testing.T) {
	for _, c := range []struct {
		n    int
		want time.Duration
	}{{10, 49 * time.Microsecond}, {100, 148 * time.Microsecond}, {369, 629 * time.Microsecond}, {1000, 1789 * time.Microsecond}} {
		if got := futuresWait(c.n, false); got != c.want {
			t.Errorf("futuresWait(%d, false) = %v, want %v (measured)", c.n, got, c.want)
		}
		if got, want := futuresWait(c.n, true), c.want*43/100; got != want {
			t.Errorf("futuresWait(%d, true) = %v, want %v (0.33/0.77 of it)", c.n, got, want)
		}
	}
	// Between and beyond the points it grows, never below the first.
	prev := futuresWait(0, false)
	for n := 1; n <= 2000; n++ {
		if got := futuresWait(n, false); got < prev || got < 38*time.Microsecond {
			t.Fatalf("futuresWait(%d, false) = %v after %v: not growing", n, got, prev)
		}
		prev = futuresWait(n, false)
	}
}

// The main thread accepts one connection a turn and each turn costs it
// futures.wait over what it holds, on the GIL: a burst of 1000 connections
// on 1000 threads with a 1 s call cannot all be in their call before the
// first ones come back, as the real worker held 369-542 (docs/calibration.md,
// articles-threads-1000), and the rest wait their turn in the main thread's
// queue, first come first served, so the latency's spread is narrow.
func TestGthreadMainThreadAdmitsTurnByTurn(t *testing.T) {
	r := run1(t, "model=gthread threads=1000 clients=1000 io=1s requests=3000 duration=15s cores=2 seed=1")
	if r.PeakUpstream >= 700 || r.PeakUpstream < 300 {
		t.Errorf("peak upstream = %d, want 300-700 (one admission a turn of the GIL)", r.PeakUpstream)
	}
	if r.LatencyMS.P99 > 1.5*r.LatencyMS.P50 {
		t.Errorf("p99 = %.0f ms against p50 %.0f ms: admitted turn by turn, first come first served, want p99 < 1.5 p50", r.LatencyMS.P99, r.LatencyMS.P50)
	}
}

// A turn's futures.wait grows with the futures the worker holds: 1000
// clients on 50 threads keep about 1000 futures in the deque, and each of
// their requests costs a turn over them, done ones among them.
func TestGthreadTurnCostFollowsFuturesHeld(t *testing.T) {
	const base = "model=gthread io=1s duration=30s cores=2 seed=1"
	few := cpuPerRequest(run1(t, base+" threads=50 clients=50"), 2)
	held := cpuPerRequest(run1(t, base+" threads=50 clients=1000"), 2)
	// At least the difference of a done turn over 1000 futures and over 50.
	if want := futuresWait(1000, true) - futuresWait(50, true); held-few < want*9/10 {
		t.Errorf("1000 clients on 50 threads: %v of CPU a request against %v with 50, want at least %v more", held, few, want*9/10)
	}
	// The sync worker has no main thread: no such cost.
	sync1 := cpuPerRequest(run1(t, "model=sync workers=4 io=1s clients=1000 duration=20s cores=2 seed=1"), 2)
	if c := specOf(ModelSync).costs; !near(float64(sync1), float64(c.parse+c.respond+c.resume), 0.05) {
		t.Errorf("sync, 1000 clients: %v of CPU a request, want its constant %v", sync1, c.parse+c.respond+c.resume)
	}
}

// A requests call runs costs.send of its CPU before the call goes out and
// the rest after, and the first call of a worker opens its connection
// (costs.upConnect): one request alone, on a new thread.
func TestRequestsSendBeforeCall(t *testing.T) {
	tl := timelineOf(t, "model=gthread threads=1 clients=1 io=100ms requests=1 cores=2 seed=1", 1, time.Second)
	var before, after time.Duration
	seenIO := false
	for _, sg := range tl.Segments {
		switch {
		case sg.State == StateIO:
			seenIO = true
		case sg.State == StateCPU && !seenIO:
			before += sg.End - sg.Start
		case sg.State == StateCPU:
			after += sg.End - sg.Start
		}
	}
	c := specOf(ModelGthread).costs
	if want := c.parse + c.connect + c.send + c.upConnect + threadBoot; before != want {
		t.Errorf("CPU before the call = %v, want parse+connect+send+upConnect+threadBoot = %v (segments %v)", before, want, tl.Segments)
	}
	if want := c.resume - c.send + c.respond; after != want {
		t.Errorf("CPU after the call = %v, want resume-send+respond = %v (segments %v)", after, want, tl.Segments)
	}
}

// Thread.start blocks the main thread until the new thread has the GIL,
// and the main thread then waits for the GIL like any thread: of two
// connections that arrive together on a worker with no thread yet, the
// second is accepted only when the first one's thread, computing, is made
// to drop the GIL after the switch interval.
func TestGthreadThreadStartWaitsForGIL(t *testing.T) {
	const sc = "model=gthread threads=2 cpu=50ms calls=0 burst=2 cores=2 seed=1"
	waited := func(seq int64) time.Duration {
		tl := timelineOf(t, sc, seq, time.Second)
		var d time.Duration
		for _, sg := range tl.Segments {
			if sg.State == StateBacklog {
				d += sg.End - sg.Start
			}
		}
		return d
	}
	first, second := waited(1), waited(2)
	if first > time.Millisecond {
		t.Errorf("first connection waited %v in the listen queue, want under 1ms (a turn)", first)
	}
	if second < switchInterval {
		t.Errorf("second connection waited %v in the listen queue, want at least the switch interval %v", second, switchInterval)
	}
}

// A connection that a gthread worker's main thread has yet to accept is in
// the kernel's accept queue: a burst larger than the backlog overflows it
// (Linux holds backlog+1) however many connections the workers may hold.
func TestGthreadUnacceptedCountAgainstBacklog(t *testing.T) {
	r := run1(t, "model=gthread workers=3 threads=2 burst=300 io=100ms backlog=20 seed=1")
	if r.PeakBacklog != 21 {
		t.Errorf("peak listen queue %d, want backlog+1 = 21", r.PeakBacklog)
	}
	big := run1(t, "model=gthread workers=3 threads=2 burst=300 io=100ms seed=1")
	if big.PeakBacklog != 300 || big.Completed != 300 {
		t.Errorf("backlog 2048: peak listen queue %d and %d completed, want the whole burst, 300, in the queue at once and all served", big.PeakBacklog, big.Completed)
	}
}
