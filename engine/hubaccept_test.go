package engine

import (
	"testing"
	"time"
)

// acceptsPerInstant runs text's one lane until every client has its
// connection (or the run ends) and returns, per worker, how many
// connections it accepted at each instant at which it accepted any. The
// clients keep their connections alive and send again at once, so no
// connection closes meanwhile and a worker's open connections count its
// accepts.
func acceptsPerInstant(t *testing.T, text string, clients int) [][]int {
	t.Helper()
	sc, err := ParseScenario(text)
	if err != nil {
		t.Fatalf("ParseScenario(%q): %v", text, err)
	}
	s := New(sc.Lanes[0], Options{})
	per := make([][]int, len(s.procs))
	last := make([]int, len(s.procs)) // connections at the end of the previous instant
	at := s.Now()
	total := func() (n int) {
		for i := range s.procs {
			n += s.procs[i].conns
		}
		return n
	}
	prev := make([]int, len(s.procs)) // connections after the last event
	for i := range s.procs {
		prev[i] = s.procs[i].conns
	}
	flush := func() {
		for i := range s.procs {
			if d := prev[i] - last[i]; d > 0 {
				per[i] = append(per[i], d)
			} else if d < 0 {
				t.Fatalf("%q: worker %d closed a connection at %v", text, i, at)
			}
			last[i] = prev[i]
		}
	}
	for total() < clients || s.Now() == at {
		if !s.Step() {
			break
		}
		if s.Now() != at {
			flush()
			at = s.Now()
		}
		for i := range s.procs {
			prev[i] = s.procs[i].conns
		}
	}
	flush()
	if total() != clients {
		t.Fatalf("%q: %d connections accepted, want %d", text, total(), clients)
	}
	return per
}

// gunicorn sets a gevent worker's max_accept to 1 when it runs several
// workers (ggevent.py:79-80): each worker's hub accepts one connection a
// turn, and the rest of a burst waits in the listen queue for the next
// turns, of this worker or another.
func TestGeventSeveralWorkersAcceptOneATurn(t *testing.T) {
	const text = "model=gevent workers=2 cpu=5ms clients=20 requests=200"
	per := acceptsPerInstant(t, text, 20)
	for i, counts := range per {
		if len(counts) < 2 {
			t.Errorf("%q: worker %d accepted at %d instants (%v), want a burst of 20 spread over turns", text, i, len(counts), counts)
		}
		for _, n := range counts {
			if n > 1 {
				t.Errorf("%q: worker %d accepted %d connections at one instant (%v), want at most 1 a turn", text, i, n, counts)
				break
			}
		}
	}
}

// With one worker gunicorn keeps gevent's max_accept, 100
// (gevent/baseserver.py): the idle hub's accept callback takes the whole
// burst at once.
func TestGeventOneWorkerAcceptsABurstAtOnce(t *testing.T) {
	const text = "model=gevent workers=1 cpu=5ms clients=20 requests=200"
	per := acceptsPerInstant(t, text, 20)
	if len(per[0]) != 1 || per[0][0] != 20 {
		t.Errorf("%q: accepts per instant %v, want all 20 at once", text, per[0])
	}
}

// A busy hub takes no connection until its next poll: with one worker and
// a burst larger than max_accept, the hub takes 100 at its first callback,
// and the rest only at a later poll, never while a greenlet runs. (In the
// engine the first greenlet takes the idle hub for a turn of its own, so
// that poll comes after its slice: its connect, parse and handler.)
func TestGeventBusyHubAcceptsAtItsPoll(t *testing.T) {
	const text = "model=gevent workers=1 cpu=1ms clients=150 requests=1500"
	per := acceptsPerInstant(t, text, 150)
	if len(per[0]) < 2 || per[0][0] != geventDefaultMaxAccept {
		t.Fatalf("%q: accepts per instant %v, want %d first, then the rest at a later poll", text, per[0], geventDefaultMaxAccept)
	}
	slice := gevent.costs.connect + gevent.costs.parse + time.Millisecond
	if got := acceptDelay(t, text, geventDefaultMaxAccept); got < slice {
		t.Errorf("%q: connection %d accepted %v after the first, want at least %v (the first greenlet's slice)", text, geventDefaultMaxAccept+1, got, slice)
	}
}

// acceptDelay is how long after the first connection the (n+1)th of text's
// run was accepted.
func acceptDelay(t *testing.T, text string, n int) time.Duration {
	t.Helper()
	sc, err := ParseScenario(text)
	if err != nil {
		t.Fatalf("ParseScenario(%q): %v", text, err)
	}
	s := New(sc.Lanes[0], Options{})
	for s.handoffs <= int64(n) && s.Step() {
	}
	return s.Now()
}

// eventlet's acceptor has no max_accept (geventlet.py _eventlet_serve:
// GreenSocket.accept drains the queue): with several workers a burst is
// still taken by whichever worker is awake, several at once.
func TestEventletSeveralWorkersAcceptMany(t *testing.T) {
	const text = "model=eventlet workers=2 cpu=5ms clients=20 requests=200"
	per := acceptsPerInstant(t, text, 20)
	most := 0
	for _, counts := range per {
		for _, n := range counts {
			most = max(most, n)
		}
	}
	if most < 2 {
		t.Errorf("%q: accepts per worker and instant %v, want some instant with several", text, per)
	}
}
