package engine

import (
	"testing"
	"time"
)

// cpuSlicesBeforeCall counts the CPU slices request seq runs before its
// first upstream call, in a run of text.
func cpuSlicesBeforeCall(t *testing.T, text string, seq int64) int {
	t.Helper()
	sc, err := ParseScenario(text)
	if err != nil {
		t.Fatalf("ParseScenario(%q): %v", text, err)
	}
	s := NewLane(sc, 0, Options{Timelines: 16})
	s.RunUntil(time.Second)
	tl, ok := s.Timeline(seq)
	if !ok {
		t.Fatalf("%q: no timeline for request %d", text, seq)
	}
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

// aiohttp sends a call on a new connection only once the connection is
// made, in a later turn of the loop: the first request of a worker runs two
// slices before its call (its handler, then the connection's turn), the
// next one, on the open connection, one. A client without the rule (gevent
// with requests) sends at once.
func TestNewConnectionSendsInATurnOfItsOwn(t *testing.T) {
	const text = "model=asyncio pool=1 clients=1 io=100ms requests=3"
	if n := cpuSlicesBeforeCall(t, text, 1); n != 2 {
		t.Errorf("asyncio, first request: %d CPU slices before its call, want 2 (the handler, then the new connection's turn)", n)
	}
	if n := cpuSlicesBeforeCall(t, text, 2); n != 1 {
		t.Errorf("asyncio, second request: %d CPU slices before its call, want 1 (the connection is open)", n)
	}
	if n := cpuSlicesBeforeCall(t, "model=gevent clients=1 io=100ms requests=3", 1); n != 1 {
		t.Errorf("gevent, first request: %d CPU slices before its call, want 1", n)
	}
}
