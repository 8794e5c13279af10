package engine

import (
	"fmt"
	"testing"
	"time"
)

// acceptsPerInstant runs text's one lane until every client has its
// connection (or the run ends) and returns, per worker, how many
// connections it accepted at each instant at which it accepted any, and
// those instants. The
// clients keep their connections alive and send again at once, so no
// connection closes meanwhile and a worker's open connections count its
// accepts.
func acceptsPerInstant(t *testing.T, text string, clients int) ([][]int, [][]time.Duration) {
	t.Helper()
	sc, err := ParseScenario(text)
	if err != nil {
		t.Fatalf("ParseScenario(%q): %v", text, err)
	}
	s := NewLane(sc, 0, Options{})
	per := make([][]int, len(s.procs))
	ats := make([][]time.Duration, len(s.procs))
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
				ats[i] = append(ats[i], at)
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
	return per, ats
}

// Clients that start together connect together, and with several workers
// (max_accept 1) the first hub to wake takes a run of them before their
// requests come: its greenlets find no request yet at their first reads,
// so it polls and accepts again at once (burstRun). The other idle hubs
// then take one each, their greenlets finding their requests, and the
// rest wait in the listen queue for the hubs' polls, one a turn. The run's
// length varies from burst to burst, as measured: 5, about 25 and all 50
// of 50 connections in three quiet runs (calibrate/rows.go,
// gevent-4w-blocking).
func TestGeventBurstFirstHubTakesARun(t *testing.T) {
	shortest, longest := 50, 0
	for seed := 1; seed <= 40; seed++ {
		text := fmt.Sprintf("model=gevent workers=4 io=100ms blocking=true clients=50 requests=600 seed=%d", seed)
		per, ats := acceptsPerInstant(t, text, 50)
		start := ats[0][0]
		runs := 0
		for i, counts := range per {
			for j, n := range counts {
				start = min(start, ats[i][j])
				if n > 1 {
					runs++
					shortest, longest = min(shortest, n), max(longest, n)
				}
			}
		}
		for i, counts := range per {
			for j, n := range counts {
				if n > 1 && ats[i][j] != start {
					t.Errorf("%q: worker %d took %d connections at %v, after the burst's start %v, want one a turn", text, i, n, ats[i][j], start)
				}
			}
		}
		if runs > 1 {
			t.Errorf("%q: accepts per worker and instant %v, want one run of the burst at most", text, per)
		}
	}
	if shortest > 5 || longest < 40 {
		t.Errorf("the burst's runs over seeds 1-40 ranged %d-%d, want from 5 or fewer to 40 or more", shortest, longest)
	}
}

// gunicorn sets a gevent worker's max_accept to 1 when it runs several
// workers (ggevent.py:79-80): a busy hub takes one connection at the poll
// that begins each turn, so connections that come while every hub is held
// by a blocking call wait in the listen queue and go one a turn, unless a
// hub is idle when they come (then it takes a run, as at the start).
func TestGeventSeveralWorkersBusyHubAcceptsOneATurn(t *testing.T) {
	const text = "model=gevent workers=2 io=100ms blocking=true clients=4 clients@2s=20 requests=1000"
	per, ats := acceptsPerInstant(t, text, 20)
	later := 0
	for i, counts := range per {
		for j, n := range counts {
			if ats[i][j] >= 2*time.Second {
				later += n
			}
			if n > 1 && ats[i][j] != ats[0][0] && ats[i][j] != 2*time.Second {
				t.Errorf("%q: worker %d accepted %d connections at %v, neither a burst's start nor 2s (%v), want at most 1 a turn", text, i, n, ats[i][j], counts)
			}
		}
	}
	if later != 16 {
		t.Errorf("%q: %d connections accepted from 2s on, want the 16 that joined at 2s", text, later)
	}
}

// With one worker gunicorn keeps gevent's max_accept, 100
// (gevent/baseserver.py): the idle hub's accept callback takes the whole
// burst at once.
func TestGeventOneWorkerAcceptsABurstAtOnce(t *testing.T) {
	const text = "model=gevent workers=1 cpu=5ms clients=20 requests=200"
	per, _ := acceptsPerInstant(t, text, 20)
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
	per, _ := acceptsPerInstant(t, text, 160)
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
	per, _ := acceptsPerInstant(t, text, 20)
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
