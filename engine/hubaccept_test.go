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
	s := NewLane(sc, 0, Options{})
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

// Clients that start together connect together: each idle hub's greenlet
// finds no request yet at its first read (the request follows the
// handshake), so the hub polls again at once and takes another, even with
// max_accept 1 (several workers). The burst is taken at its instant,
// spread over the idle workers, as measured (four workers took 46 of 50
// connections within 0.15 s; calibrate/rows.go, gevent-4w-blocking).
func TestGeventIdleHubsTakeABurstAtOnce(t *testing.T) {
	const text = "model=gevent workers=2 cpu=5ms clients=20 requests=200"
	per := acceptsPerInstant(t, text, 20)
	for i, counts := range per {
		if len(counts) != 1 || counts[0] == 0 {
			t.Errorf("%q: worker %d accepts per instant %v, want a share of the burst at its one instant", text, i, counts)
		}
	}
}

// gunicorn sets a gevent worker's max_accept to 1 when it runs several
// workers (ggevent.py:79-80): a busy hub takes one connection at the poll
// that begins each turn, so connections that come while every hub is held
// by a blocking call wait in the listen queue and go one a turn.
func TestGeventSeveralWorkersBusyHubAcceptsOneATurn(t *testing.T) {
	const text = "model=gevent workers=2 io=100ms blocking=true clients=20 clients@1s=40 requests=1000"
	per := acceptsPerInstant(t, text, 40)
	later := 0
	for i, counts := range per {
		for _, n := range counts[1:] {
			later += n
			if n > 1 {
				t.Errorf("%q: worker %d accepted %d connections at one instant after the start (%v), want at most 1 a turn", text, i, n, counts)
				break
			}
		}
	}
	if later != 20 {
		t.Errorf("%q: %d connections accepted after the start, want the 20 that joined at 1s", text, later)
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

// A busy hub takes no connection until its next poll: with one worker,
// clients that join while a blocking call holds the hub wait in the listen
// queue, and the hub takes max_accept (100) of them at its next poll and
// the rest at a later one, never while the call runs.
func TestGeventBusyHubAcceptsAtItsPoll(t *testing.T) {
	const text = "model=gevent workers=1 io=100ms blocking=true clients=10 clients@1s=160 requests=1000"
	per := acceptsPerInstant(t, text, 160)
	if len(per[0]) < 3 || per[0][0] != 10 || per[0][1] != geventDefaultMaxAccept {
		t.Fatalf("%q: accepts per instant %v, want the 10 at once, then %d at a poll, then the rest later", text, per[0], geventDefaultMaxAccept)
	}
	if got := acceptDelay(t, text, 10); got <= time.Second {
		t.Errorf("%q: the first client that joined at 1s was accepted at %v, want after 1s (the hub is held by a call)", text, got)
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
	s := NewLane(sc, 0, Options{})
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
