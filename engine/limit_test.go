package engine

import (
	"strings"
	"testing"
)

// uvicorn's --limit-concurrency, as h11_impl.py:176-181 checks it: the
// request's own connection counts, so a limit of 1 refuses everything.
func TestLimitConcurrency(t *testing.T) {
	r := run1(t, "model=asyncio limit-concurrency=1 clients=3 requests=300")
	if r.Completed != 0 || r.Failed.Unavailable != 300 {
		t.Errorf("limit-concurrency=1: completed %d, 503 %d; want 0 and 300 (the request's own connection reaches the limit)", r.Completed, r.Failed.Unavailable)
	}
	// Fewer connections than the limit: nothing is refused, and the run is
	// the run without a limit.
	a := run1(t, "model=asyncio limit-concurrency=11 clients=10 io=50ms requests=500")
	b := run1(t, "model=asyncio clients=10 io=50ms requests=500")
	if a.Failed.Total() != 0 || a.ThroughputRPS != b.ThroughputRPS || a.LatencyMS != b.LatencyMS {
		t.Errorf("10 clients under a limit of 11: %+v, %.1f rps; want no failure and %.1f rps", a.Failed, a.ThroughputRPS, b.ThroughputRPS)
	}
	// A burst of 10 on a limit of 10: the first connection wakes the idle
	// loop alone, and its request is parsed while the other 9, an
	// iteration behind it, are still being accepted: it counts only its
	// own connection and is served. Each of the 9 counts from its
	// connection_made, which runs an iteration before its parse
	// (asyncioturns.go), so each finds all 10 and is refused.
	c := run1(t, "model=asyncio limit-concurrency=10 burst=10 io=50ms")
	if c.Completed != 1 || c.Failed.Unavailable != 9 {
		t.Errorf("a burst of 10 on a limit of 10: completed %d, 503 %d; want 1 and 9", c.Completed, c.Failed.Unavailable)
	}
	// New connections each time: only the tasks in flight and the open
	// connections count, so about limit requests run at once and the
	// rest are refused; the refused cost the loop only a parse and a 503.
	d := run1(t, "model=asyncio limit-concurrency=20 clients=50 keepalive=false io=100ms duration=10s")
	if d.Failed.Unavailable == 0 || d.Completed == 0 || d.PeakUpstream > 20 {
		t.Errorf("50 clients, limit 20, no keep-alive: completed %d, 503 %d, peak upstream %d; want both, at most 20 calls at once",
			d.Completed, d.Failed.Unavailable, d.PeakUpstream)
	}
	// The limit is per worker (each has its own server_state).
	e := run1(t, "model=uvicorn-wsgi workers=2 limit-concurrency=8 clients=10 io=50ms duration=10s seed=3")
	f := run1(t, "model=uvicorn-wsgi workers=1 limit-concurrency=8 clients=10 io=50ms duration=10s seed=3")
	if f.Failed.Unavailable == 0 || e.Failed.Total() != 0 || e.Completed < 1000 {
		t.Errorf("10 kept-alive clients, limit 8: one worker refused %d (want some), two workers refused %d and completed %d (want them all served)",
			f.Failed.Unavailable, e.Failed.Total(), e.Completed)
	}
	for _, s := range []string{"model=sync limit-concurrency=5", "model=node limit-concurrency=5"} {
		if _, err := ParseScenario(s); err == nil || !strings.Contains(err.Error(), "does nothing here") || !strings.Contains(err.Error(), "uvicorn") {
			t.Errorf("ParseScenario(%q) = %v, want it refused as uvicorn's", s, err)
		}
	}
}

// uvicorn drops an ended request's connection and task from its counts in
// callbacks scheduled with call_soon (connection_lost, tasks.discard), so a
// request parsed in the same iteration still counts them, and one parsed
// in the next iteration does not.
func TestLimitCountsEndedUntilNextIteration(t *testing.T) {
	s := newSim(t, "model=asyncio limit-concurrency=2 clients=2 keepalive=false", Options{})
	p := &s.procs[0]
	p.open = 1 // the request being parsed: its own connection
	if s.overLimit(0) {
		t.Fatal("one open connection under a limit of 2: refused; want it served")
	}
	done := request{proc: 0, parsed: true}
	p.open++
	p.parsed++
	s.limitDone(&done, false) // its answer went out, its connection closes
	p.open--
	if !s.overLimit(0) {
		t.Error("a connection closed earlier in the same iteration: the request parsed after it was served; want it refused (connection_lost has not run)")
	}
	s.loopAccepts(p, &request{proc: 0}) // the next iteration begins
	if s.overLimit(0) {
		t.Error("in the next iteration the closed connection still counts; want it gone (its call_soon callback ran first)")
	}
	// A kept connection stays open: only its task lingers, which alone
	// does not reach 2.
	kept := request{proc: 0, parsed: true}
	p.parsed++
	s.limitDone(&kept, true)
	if s.overLimit(0) || p.goneTasks != 1 || p.goneConns != 0 {
		t.Errorf("a kept-alive request done: over limit %v, lingering tasks %d, connections %d; want false, 1, 0", s.overLimit(0), p.goneTasks, p.goneConns)
	}
}
