package engine

import (
	"slices"
	"testing"
)

// hubFor returns a gevent hub's loop (a resource of one unit in libev's
// order) and a request for each of clients, request i from clients[i], each
// the read of a kept-alive connection's next request.
func hubFor(clients ...int32) *resource {
	s := &Sim{reqs: make([]request, len(clients))}
	for i, c := range clients {
		s.reqs[i] = request{id: int32(i), client: c, started: -1}
	}
	return &resource{max: 1, order: &libevOrder{s: s}}
}

// runTurn releases the hub n times and returns the greenlets it went to.
func runTurn(t *testing.T, rs *resource, n int) []int32 {
	t.Helper()
	var got []int32
	for range n {
		id, ok := rs.release()
		if !ok {
			t.Fatalf("release after %v: no waiter, want %d", got, n)
		}
		got = append(got, id)
	}
	return got
}

// libev runs the greenlets that one poll found ready newest first, and
// those that become ready meanwhile in the next turn.
func TestLibevRunsATurnNewestFirst(t *testing.T) {
	rs := hubFor(0, 1, 2, 3, 4, 5)
	if !rs.take(0) {
		t.Fatal("take(0) on the idle hub = false, want true")
	}
	for id := int32(1); id <= 3; id++ {
		rs.take(id)
	}
	got := runTurn(t, rs, 1)
	for id := int32(4); id <= 5; id++ {
		rs.take(id) // ready while the turn runs
	}
	got = append(got, runTurn(t, rs, 4)...)
	if want := []int32{3, 2, 1, 5, 4}; !slices.Equal(got, want) {
		t.Errorf("hub order = %v, want %v", got, want)
	}
}

// A connection that epoll reported at one poll and that is ready again at
// the next keeps its place on the ready list (level-triggered), ahead of
// one that became ready since; one not ready at that poll loses it.
func TestLibevKeepsReportedConnectionsInPlace(t *testing.T) {
	// The requests: h holds the hub as it starts (client 9); a0-a2 are
	// clients 0-2's, reported by poll 2; b0-b2 their next, before poll 3;
	// x3 client 3's, new since poll 2; d3, c2, c1 next before poll 4; e0
	// client 0's, after poll 4.
	const (
		h int32 = iota
		a0
		a1
		a2
		b0
		b1
		b2
		x3
		d3
		c2
		c1
		e0
	)
	rs := hubFor(9, 0, 1, 2, 0, 1, 2, 3, 3, 2, 1, 0)
	rs.take(h)
	for _, id := range []int32{a0, a1, a2} {
		rs.take(id)
	}
	var got []int32
	step := func(next ...int32) {
		got = append(got, runTurn(t, rs, 1)...)
		for _, id := range next {
			rs.take(id)
		}
	}
	step(b2)     // a2: poll 2 reported a0, a1, a2
	step(b1)     // a1
	step(b0, x3) // a0; client 3 connects
	// Poll 3 reports b0, b1, b2 where poll 2 had their clients, then x3.
	step(d3) // x3
	step(c2) // b2
	step(c1) // b1
	step()   // b0, served last: its client's next request misses poll 4
	// Poll 4 reports c1, c2, d3 in their clients' places.
	step(e0) // d3
	step()   // c2
	step()   // c1
	step()   // e0: poll 5
	want := []int32{a2, a1, a0, x3, b2, b1, b0, d3, c2, c1, e0}
	if !slices.Equal(got, want) {
		t.Errorf("hub order = %v, want %v", got, want)
	}
}
