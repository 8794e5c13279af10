package engine

import (
	"testing"
	"time"
)

// cpuSlicesAround counts the CPU slices request seq runs before its first
// upstream call goes out and after its last one ends, in a run of text.
func cpuSlicesAround(t *testing.T, text string, seq int64) (before, after int) {
	t.Helper()
	tl := timelineOf(t, text, seq, 2*time.Second)
	seen := false
	for _, g := range tl.Segments {
		switch {
		case g.State == StateIO:
			after, seen = 0, true
		case g.State == StateCPU && !seen:
			before++
		case g.State == StateCPU:
			after++
		}
	}
	if !seen {
		t.Fatalf("%q: request %d made no call: %v", text, seq, tl.Segments)
	}
	return before, after
}

// httpx's call on asyncio's loop runs through the iterations httpcore's
// locks and anyio's checkpoints make (httpxturns.go): before it goes out,
// the task's first step (which starts the call and takes the pool's lock),
// the pool's step, _request_lock's, _state_lock's, the send's and the
// receive's; after it, the response's read, three steps of the body and
// the step that closes it and writes the app's response. aiohttp's call
// starts in the task's first step and goes on in one step after its read.
func TestHTTPXCallIterations(t *testing.T) {
	for _, tc := range []struct {
		text          string
		before, after int
	}{
		// The parse's slice comes first in both.
		{"model=asyncio clients=1 io=100ms requests=3 http-client=httpx", 1 + 6, 1 + 3 + 1},
		{"model=fastapi view=async clients=1 io=100ms requests=3 http-client=httpx", 1 + 6, 1 + 3 + 1},
		{"model=asyncio clients=1 io=100ms requests=3", 1 + 1, 1 + 1},
		// Gathered calls are tasks of their own: not modelled apart.
		{"model=asyncio clients=1 io=100ms requests=3 calls=2 parallel=true http-client=httpx", 1 + 1, 1},
	} {
		b, a := cpuSlicesAround(t, tc.text, 2)
		if b != tc.before || a != tc.after {
			t.Errorf("%q: %d CPU slices before the call and %d after, want %d and %d", tc.text, b, a, tc.before, tc.after)
		}
	}
}

// One call at a time the split costs nothing: every iteration runs alone
// and charges its wake-up in full, so a request with httpx takes what it
// did when its call was one slice: 100 ms, the parse, the model's call
// changed by the clients' measured difference, and the response.
func TestHTTPXCallCostsTheCalibratedFigure(t *testing.T) {
	c := asyncio.costs
	call := c.resume + asyncClients[ClientHTTPX].cold - asyncClients[ClientAiohttp].cold
	want := 100*time.Millisecond + c.parse + call + c.respond
	first := run1(t, "model=asyncio clients=1 io=100ms io-late=0 requests=1 http-client=httpx")
	r := run1(t, "model=asyncio clients=1 io=100ms io-late=0 requests=2 http-client=httpx")
	got := time.Duration((2*r.LatencyMS.Mean - first.LatencyMS.Mean) * float64(time.Millisecond))
	// The shares are rounded to thousandths: a few µs.
	if d := got - want; d < -5*time.Microsecond || d > 5*time.Microsecond {
		t.Errorf("second request alone: %v, want %v (100 ms, parse %v, call %v, respond %v)", got, want, c.parse, call, c.respond)
	}
}

// httpcore's pool lock is held across the iteration after the task takes
// it: a call that starts meanwhile waits for it (anyio's Lock queues it),
// though the pool has 100 connections, and is handed it in turn, so the
// calls leave one by one, in the order they started. aiohttp's calls take
// no lock: with a pool of 100 none waits.
func TestHTTPXPoolLock(t *testing.T) {
	waits := func(text string) (n int, out []time.Duration) {
		for seq := int64(1); seq <= 4; seq++ {
			tl := timelineOf(t, text, seq, 2*time.Second)
			for _, g := range tl.Segments {
				if g.State == StateWaitPool {
					n++
				}
				if g.State == StateIO {
					out = append(out, g.Start)
					break
				}
			}
		}
		return n, out
	}
	const text = "model=asyncio clients=4 io=100ms requests=4 http-client=httpx"
	n, out := waits(text)
	if n == 0 {
		t.Errorf("%q: no call waited for the pool's lock", text)
	}
	for i := 1; i < len(out); i++ {
		if out[i] <= out[i-1] {
			t.Errorf("%q: calls went out at %v, want one after another in the order they started", text, out)
		}
	}
	if n, _ := waits("model=asyncio clients=4 io=100ms requests=4"); n != 0 {
		t.Errorf("aiohttp: %d calls waited for the pool, want none", n)
	}
}
