package engine

import "slices"

// The order of gevent's hub. gevent's loop on libev (gevent/libev/corecext,
// Debian's libev 4.33, epoll backend) does not run its ready greenlets
// first in, first out. One turn of its loop, ev_run in libev's ev.c:
//
//  1. The prepare watcher runs the callbacks queued with loop.run_callback,
//     first in, first out (_run_callbacks, gevent/_ffi/loop.py), checking
//     the time after every 50 and stopping once the pass has run for the
//     switch interval (5 ms). A greenlet spawned for a new connection starts
//     there (BaseServer._do_read accepts up to max_accept, 100, a turn and
//     spawns each into the worker's Pool; Greenlet.start queues
//     loop.run_callback(self.switch)), and so does a sleep(0).
//  2. epoll_wait, level-triggered, reports the ready descriptors.
//  3. ev_invoke_pending runs what is pending, the highest priority first
//     and, within a priority, from the end of its array (pendings[pri] +
//     --pendingcnt[pri]): the descriptors' watchers the last reported
//     first, each switching into its greenlet, which runs until it waits
//     again; then timers of priority -1, such as the 0 s Timeout of a
//     requests call's poll(0) (gevent/timeout.py, gevent/select.py; the
//     hub trip of hubtrips.go).
//
// Which descriptor epoll reports first: epoll keeps its ready list in the
// order the descriptors became ready (ep_poll_callback adds at the tail),
// and puts each level-triggered descriptor that it reports back on the
// tail, in the order reported (ep_send_events). If that descriptor is ready
// again at the next epoll_wait it keeps that place, ahead of descriptors
// that became ready since; if not, it leaves the list, and joins at the
// tail when it is next ready. So on a hub held by a call it cannot yield on
// (row gevent-blocking), where each connection served in a turn has its
// next request before the next poll, the connections keep their order from
// poll to poll and each is served once a turn, as first in, first out
// would serve them (run newest first without that, the clients served last
// in one turn are served first in the next, twice in a row: p50 309-364 ms
// against the real 572-678, branch loop-gevent-lifo). On a free hub (row
// articles-gevent) a greenlet's descriptor is ready again only a poll or
// more later, so each turn runs what became ready during the last one
// newest first, and the waits spread: a greenlet reported first waits for
// all the others of its turn.
//
// The engine's turn is the greenlets waiting as the hub's previous turn
// ends (or one that finds the hub idle), run newest first, the connections
// reported in the turn before and ready again kept in their places, and
// the new connections' first runs ahead of them all, first accepted first,
// as callbacks (a spawned greenlet starts from loop.run_callback, and the
// loop runs its callbacks before it polls); from then on a connection
// keeps its place as a kept-alive one does. It takes every other waiting
// greenlet as a descriptor: a trip goes in the order it became ready.
// Row articles-gevent then gives
// p50 1.35-1.36 s and p99 2.24-2.27 s (seeds 1-3; real 1.29 and 2.59, first
// in, first out 1.56-1.57 and 1.80-1.85), and the other gevent rows and
// lessons 06 and 07 move by 4% or less. Modelled as the source has them
// (the first runs as callbacks ahead of the turn, at most 50 a pass once a
// pass has run 5 ms; the poll(0)'s timer after the turn's descriptors; a
// new pooled connection's connect as a descriptor; urllib's resolver answer
// as a callback), row articles-gevent's start slowed, the 1000 greenlets'
// first runs 50 a turn between ever longer turns (p99 4.5 s), and the trips
// at the end of each turn sent the calls in cohorts: row gevent 385-406 rps
// and p50 120-128 ms (real 426.4 and 112.8), and lesson 06's hub with 1 s
// calls idled between cohorts (589 rps, urllib 610, against 677 and 906
// now). Adding urllib3's pool mutex held across a sleep(0) (see
// calibrate/rows.go, row gevent), whose waiters pass it on within a pass of
// callbacks, gave articles-gevent the real start (every greenlet parses
// before the first call goes out: p99 1.90 s, p50 1.43 s) but sent the calls
// 50 a turn (peak upstream 351, real 202-316) and slowed row gevent further
// (373-378 rps). Not modelled either: epoll's array of events, 64 at first
// and grown each time a poll fills it (array_nextsize; 1.5% on row
// articles-gevent's p50). The listening socket's accepts, max_accept a
// poll, are in hubaccept.go: a busy hub takes connections at the poll that
// begins a turn, and their greenlets first run in the turn after; an idle
// hub takes a burst at once, or with several workers the first hub awake a
// drawn run of it. The real hubs of row gevent-4w-blocking, logged client
// by client, ran each new connection's greenlet first in the turn after
// its accept, so each turn served the connections newest first. The first
// runs ahead of the turn (without the pass's limit of 50) took that row's
// p99 from 8690.6 ms to 8237.6 (real 6926.5) and moved the other gevent
// rows by 3% or less; lesson 06's one worker with 300 clients on a new
// connection per request went from 282 to 263 rps and p50 1009 to 1120 ms.
// Six real runs of that scenario (20 s each, calibrate -scenario,
// 2026-12-02 16:34 and 16:48 UTC, all loaded: others on 0.53-1.34 cores,
// the upstream 0.8-1.7 ms late) served 241.8-266.8 rps (median 246.8) at
// p50 1071-1202 ms (median 1129) and p99 1443-1941; the engine
// on its text gives 249-253 rps, p50 1137-1187 ms and p99 1422-1472 (seeds
// 1-3), where the first runs in libev's order gave 271-275 rps and p50
// 1013-1021.

// libevOrder is the order of one gevent hub's ready greenlets (see above).
// The greenlets of the hub's current turn wait at the head of its queue, in
// the order they run.
type libevOrder struct {
	s     *Sim
	pid   int32  // the hub's worker
	left  int    // of the waiters at the head of the queue, how many the current turn still runs
	polls uint32 // the hub's polls so far
	// seenAt and rank are, per client, the poll that last reported its
	// connection and its place in that report.
	seenAt []uint32
	rank   []int32
	report []int32    // scratch: a poll's report
	kept   [][2]int32 // scratch: the connections of a report that keep their places, as (rank, id)
	fresh  []int32    // scratch: the new connections' first runs of a report
}

// hubOrder sets worker pid's loop to libev's order if its model runs on
// gevent's hub (or to a set's on eventlet's, eventlethub.go), keeping the
// order's memory across a restart.
func (s *Sim) hubOrder(pid int32) {
	p := &s.procs[pid]
	if s.sp.setHub {
		p.turn.order = &setOrder{s: s}
		return
	}
	if !s.sp.libevHub {
		p.turn.order = nil
		return
	}
	o, _ := p.turn.order.(*libevOrder)
	if o == nil {
		o = &libevOrder{s: s, pid: pid}
		p.turn.order = o
	}
	o.left = 0
}

// took is a greenlet that takes the idle hub: its poll reported it alone.
func (o *libevOrder) took(id int32) {
	o.polls++
	o.left = 0
	if r := &o.s.reqs[id]; o.clientFD(r) {
		o.seen(r.client, 0)
	}
}

// next puts the greenlet that runs next at w's head: the current turn's
// next, or the last reported of a new turn's.
func (o *libevOrder) next(w *fifo) {
	o.left = min(o.left, w.len()) // a waiter may have left the queue
	if o.left == 0 {
		o.poll(w)
	}
	o.left--
}

// poll begins a turn of the hub with the greenlets waiting in w, which it
// puts in the order the turn runs them: the reverse of epoll's report.
func (o *libevOrder) poll(w *fifo) {
	o.polls++
	n := w.len()
	last := o.polls - 1
	report := o.report[:0]
	kept := o.kept[:0]
	for i := range n {
		id := w.at(i)
		r := &o.s.reqs[id]
		if last > 0 && o.clientFD(r) && int(r.client) < len(o.seenAt) && o.seenAt[r.client] == last {
			kept = append(kept, [2]int32{o.rank[r.client], id})
		} else {
			report = append(report, id)
		}
	}
	// Those reported last time and ready again keep their places, ahead of
	// the rest, which stay in the order they became ready.
	if len(kept) > 0 {
		if cmp := func(a, b [2]int32) int { return int(a[0] - b[0]) }; !slices.IsSortedFunc(kept, cmp) {
			slices.SortStableFunc(kept, cmp)
		}
		m := len(report)
		report = slices.Grow(report, len(kept))[:m+len(kept)]
		copy(report[len(kept):], report[:m])
		for i, k := range kept {
			report[i] = k[1]
		}
	}
	// A new connection's greenlet starts as a loop callback, ahead of the
	// poll and first in, first out: it goes first, the first accepted
	// first (the turn runs the report from its end).
	if i := slices.IndexFunc(report, o.firstRun); i >= 0 {
		fresh := append(o.fresh[:0], report[i:]...)
		report = slices.DeleteFunc(report, o.firstRun)
		fresh = slices.DeleteFunc(fresh, func(id int32) bool { return !o.firstRun(id) })
		slices.Reverse(fresh)
		report = append(report, fresh...)
		o.fresh = fresh
	}
	o.report, o.kept = report, kept
	for i, id := range report {
		if r := &o.s.reqs[id]; o.clientFD(r) {
			o.seen(r.client, int32(i))
		}
		w.set(n-1-i, id)
	}
	o.left = n
	o.s.hubPolls(o.pid) // the listening socket is among the reported (hubaccept.go)
}

// idle is the hub left with nothing to run: it blocks in epoll_wait, which
// reports the listening socket at once if connections wait (hubaccept.go).
func (o *libevOrder) idle() { o.s.hubPolls(o.pid) }

// firstRun reports whether request id is a new connection's first read,
// its greenlet's first run.
func (o *libevOrder) firstRun(id int32) bool {
	r := &o.s.reqs[id]
	return r.newConn && r.started < 0
}

// clientFD reports whether r waits on its client's connection: the read
// of its request (the engine takes a new connection's first read as one,
// see above).
func (o *libevOrder) clientFD(r *request) bool {
	return r.started < 0 && r.client >= 0 && r.trips == 0
}

// seen records that this turn's poll reported client c's connection at
// place i.
func (o *libevOrder) seen(c, i int32) {
	for int(c) >= len(o.seenAt) {
		o.seenAt = append(o.seenAt, 0)
		o.rank = append(o.rank, 0)
	}
	o.seenAt[c], o.rank[c] = o.polls, i
}
