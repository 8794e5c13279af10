package engine

import "testing"

// Node's cluster primary hands connections to the workers in turn
// (internal/cluster/round_robin_handle.js), where gunicorn's workers race
// for accept() and the engine draws the winner.
func TestNodeClusterRoundRobin(t *testing.T) {
	rs := run(t, "model=node,asyncio workers=4 io=100ms clients=40 keepalive=false requests=4000")
	for i, name := range []string{"node", "asyncio"} {
		if rs[i].PeakUpstream != 40 {
			t.Errorf("%s: peak upstream %d, want 40", name, rs[i].PeakUpstream)
		}
	}
	// Kept-alive connections stay where the primary put them: 40 clients
	// on 4 workers are 10 each, exactly.
	sc, err := ParseScenario("model=node workers=4 io=100ms clients=40 requests=2000")
	if err != nil {
		t.Fatal(err)
	}
	s := NewLane(sc, 0, Options{})
	s.Run()
	ends, _ := s.EndedSince(0, nil)
	per := map[int]int{}
	for _, e := range ends {
		per[e.Worker]++
	}
	if len(per) != 4 {
		t.Fatalf("requests per worker %v, want 4 workers", per)
	}
	for w, n := range per {
		if n < 240 || n > 260 { // the last 1024 ends: 256 each
			t.Errorf("worker %d served %d of the last %d requests, want a quarter: %v", w, n, len(ends), per)
		}
	}
}
