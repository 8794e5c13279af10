package engine

import (
	"testing"
	"time"
)

// cpuSlicesBeforeCall counts the CPU slices request seq runs before its
// first upstream call, in a run of text.
func cpuSlicesBeforeCall(t *testing.T, text string, seq int64) int {
	t.Helper()
	tl := timelineOf(t, text, seq, time.Second)
	n := 0
	for _, g := range tl.Segments {
		if g.State == StateIO {
			return n
		}
		if g.State == StateCPU {
			n++
		}
	}
	t.Fatalf("%q: request %d made no call: %v", text, seq, tl.Segments)
	return 0
}

// aiohttp sends a call on a new upstream connection only once the
// connection is made, in a later turn of the loop. On asyncio's loop the
// first request of a client runs six slices before its call: its own
// connection's three accept turns, its parse, its task's first step
// (asyncioturns.go), then the upstream connection's turn; the next one, on
// both open connections, two (the parse and the task's step). A client
// without the rule (urllib on eventlet, which makes no hub trip either:
// hubtrips.go) sends at once.
func TestNewConnectionSendsInATurnOfItsOwn(t *testing.T) {
	const text = "model=asyncio pool=1 clients=1 io=100ms requests=3"
	if n := cpuSlicesBeforeCall(t, text, 1); n != 6 {
		t.Errorf("asyncio, first request: %d CPU slices before its call, want 6 (three accept turns, the parse, the task's step, the new upstream connection's turn)", n)
	}
	if n := cpuSlicesBeforeCall(t, text, 2); n != 2 {
		t.Errorf("asyncio, second request: %d CPU slices before its call, want 2 (the parse and the task's step: the connections are open)", n)
	}
	if n := cpuSlicesBeforeCall(t, "model=eventlet http-client=urllib clients=1 io=100ms requests=3", 1); n != 1 {
		t.Errorf("eventlet with urllib, first request: %d CPU slices before its call, want 1", n)
	}
}

// ioSpans returns the upstream calls (StateIO segments) of request seq in
// a run of text.
func ioSpans(t *testing.T, text string, seq int64) []Segment {
	t.Helper()
	tl := timelineOf(t, text, seq, 2*time.Second)
	var io []Segment
	for _, g := range tl.Segments {
		if g.State == StateIO {
			io = append(io, g)
		}
	}
	return io
}

// aiohttp 3.8 gives a pooled connection back when the task that used it
// runs again (ClientResponse.start's on_eof calls Connection.release), and
// the waiter it wakes takes it in a turn of the loop of its own
// (_release_waiter sets its future): with one connection and two clients,
// the second call goes out after the first call's task has run its resume
// and respond slice and the waiter its own turn, not as the first call
// returns. A gathered call is a task of its own, and the engine hands its
// connection over as the call returns.
func TestPooledConnectionGoesBackInTheTasksTurn(t *testing.T) {
	c := asyncio.costs
	const text = "model=asyncio pool=1 clients=2 io=100ms io-late=0 requests=4"
	first, second := ioSpans(t, text, 1), ioSpans(t, text, 2)
	if len(first) != 1 || len(second) != 1 {
		t.Fatalf("calls: %d and %d, want one each", len(first), len(second))
	}
	// Each turn here runs alone: nothing shared.
	want := first[0].End + c.resume + c.respond + c.wake
	if second[0].Start != want {
		t.Errorf("second call starts at %v, want %v: the first call returned at %v, then its task's %v slice released the connection and the waiter's %v turn sent the call",
			second[0].Start, want, first[0].End, c.resume+c.respond, c.wake)
	}
	gathered := ioSpans(t, "model=asyncio pool=1 clients=1 calls=2 parallel=true io=100ms io-late=0 requests=2", 1)
	if len(gathered) != 1 || gathered[0].End-gathered[0].Start != 200*time.Millisecond {
		t.Errorf("two gathered calls through one connection: waits on the upstream %v, want one span of 200ms (the second starts as the first returns)", gathered)
	}
}

// 150 clients through aiohttp's 100 connections: a connection released
// while the last waiter is woken but has not run wakes nobody, and new
// calls queue behind the waiters (connect: key in _waiters) instead of
// taking it, so fewer than 100 calls are out on average: well under the
// 1000 a second that 100 connections of 100 ms allow. Woken waiters run
// before the requests that arrived meanwhile reach connect (readyFirst),
// so the pool never holds more than its limit.
func TestAiohttpPoolServesBelowItsLimit(t *testing.T) {
	for _, rtt := range []string{"0s", "200us"} {
		r := run1(t, "model=asyncio clients=150 io=100ms requests=4000 duration=15s cores=2 rtt="+rtt)
		if r.ThroughputRPS > 900 || r.PeakUpstream != 100 {
			t.Errorf("rtt=%s: %.1f rps, peak upstream %d; want under 900 rps (connections left idle) and a peak of 100", rtt, r.ThroughputRPS, r.PeakUpstream)
		}
	}
}
