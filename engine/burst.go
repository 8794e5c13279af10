package engine

import "slices"

// The kernel's accept in a burst, for a model whose workers each wait in
// their own poller on the shared listening socket (spec.acceptLate).
//
// gunicorn's gthread workers each register the listener in their own
// selectors.DefaultSelector, an epoll instance, without EPOLLEXCLUSIVE
// (gthread.py:190-191), so a connection in the accept queue wakes every
// worker, and the first to call accept() takes it (gthread.py:117-128);
// the others find the queue empty (EAGAIN) and go back to select. The main
// thread takes one connection per turn and loops straight back to select,
// which finds the next one queued. So in a burst the connections go to the
// workers that are on a core: a woken worker that the kernel queued behind
// a running task (the client dialling, or another worker, on a machine of
// two cores) gets none until that task's time is up. Workers on a core
// take turns, as each accept turn costs the same.
//
// The engine's burst arrives at one instant, so the order in which the
// connections are accepted stands for time: a late worker joins the race
// acceptLateAfter connections into the burst, or for its last one or two
// if it is shorter (lateJoin).

// acceptBehind is how many of the last connections of a short late burst,
// at most, the late workers draw for (lateJoin): fitted to how many a late
// worker got in the quiet runs (none, one or two of 10 or 11). In the
// traces (perf sched and accept4, gthread -w 2 --threads 5, 10 clients)
// the Go client's connects came 40-57 µs apart and a worker on a core took
// one per 50-130 µs, so the queue stays short while the client dials.
const acceptBehind = 2

// lateJoin is the connection of the burst just started from which the
// workers woken late race for it. A late worker waits behind the dialling
// client on its core: it runs when the client has sent its last SYN and
// sleeps, or when the client's time on the core is up, acceptLateAfter
// connections in. In a burst shorter than that the worker that runs alone
// has taken all but the last one or two (drawn evenly, 1 to acceptBehind),
// which the late ones then share by fair draws. So a late burst of 10 or
// 11 kept-alive clients on two workers ends N/0 (3 in 8), N-1/1 (1 in 2)
// or N-2/2 (1 in 8): the quiet runs of gthread-2x5-c10 and -c11
// (2026-12-02) ended 10/0, 11/0, 11/0, 10/0 (4), 9/1 five times and 10/1
// (6), 9/2 (1) among 11 lopsided runs of 22. The last one or two stand for
// what the traces show: in a 9/1 run the late worker came in while the
// first was still draining the queue, took one connection, and was still
// starting a pool thread for it (Thread.start waits for the thread) when
// the first, whose pool was full, took the rest at 50 µs each; in a 10/0
// run the kernel had woken both workers onto one vCPU and the first took
// all 10 within 1 ms before the second ran. A connection alone (a new
// connection per request) keeps acceptLateAfter, and takes no draw.
func (s *Sim) lateJoin() int32 {
	n := 1 + s.dialling()
	if n < 2 || n >= acceptLateAfter+acceptBehind {
		return acceptLateAfter
	}
	return max(1, n-1-int32(s.rng.IntN(acceptBehind)))
}

// dialling counts the new connections that reach the listen socket at
// this instant after the one being accepted: the arrivals queued for now
// of closed-loop clients that hold no open connection, or what is left of
// an open-loop burst (burst=N sends all its requests in one event, at the
// start).
func (s *Sim) dialling() int32 {
	t := &s.traffic
	if t.burstN > 0 {
		return int32(max(0, int64(t.burstN)-t.seq))
	}
	a := &s.q.arrive
	n := int32(0)
	for i := range a.len() {
		e := a.at(i)
		if e.at != s.now {
			break
		}
		if e.a >= 0 && int(e.a) < t.active && !t.clients[e.a].conn.open {
			n++
		}
	}
	return n
}

// acceptLateAfter is how many connections of a burst go out before the
// workers woken late by its first one get a core. Fitted to the quiet runs
// of gthread -w 4 --threads 8 with 64 kept-alive clients: in the run where
// three workers came late they ended with 7, 6 and 5 connections (575-809
// of 3000 requests against 924 for the first), so they joined with about
// 24 of the 64 left: 40 in.
const acceptLateAfter = 40

// acceptBurst chooses which of the ready workers wins a new connection,
// under the burst race. The first connection after a quiet spell (no
// accept within acceptAwake) starts a burst: it wakes every worker, one
// drawn uniformly among those whose main thread sleeps in select
// (selecting) runs first and wins it, and the others are on a core at
// once, or, with probability spec.acceptLate, all late: queued behind the
// first on its core, they race from connection lateJoin on. Each
// later connection of the burst goes to a worker drawn uniformly among
// those racing.
func (s *Sim) acceptBurst(ready []int32) int32 {
	if s.lastAccept < 0 || s.now-s.lastAcceptAt > acceptAwake {
		ready = s.selecting(ready)
		first := ready[s.rng.IntN(len(ready))]
		var join int32
		if s.rng.Float64() < s.sp.acceptLate {
			join = s.lateJoin()
		}
		for i := range s.procs {
			s.procs[i].burstJoin = join
		}
		s.procs[first].burstJoin = 0
		s.burstN = 1
		return first
	}
	// The racing workers, kept in place in ready; if every racing worker
	// is full, the late ones take it.
	racing := ready[:0]
	for _, pid := range ready {
		if s.procs[pid].burstJoin <= s.burstN {
			racing = append(racing, pid)
		}
	}
	if len(racing) == 0 { // nothing was written over: ready is whole
		racing = ready
	}
	s.burstN++
	return racing[s.rng.IntN(len(racing))]
}

// selecting keeps, of the ready workers, those whose main thread sleeps in
// select, if there are any (it compacts ready in place); otherwise it
// returns ready whole. A new connection wakes every worker that sleeps in
// epoll_wait on the listener (ep_poll_callback, for each entry of the
// listening socket's wait queue: sock_def_readable, __wake_up_common), and
// one of them calls accept() within a wake-up. A worker whose main thread
// is busy, running a turn or waiting for the GIL behind its pool threads
// (mainthread.go), is not waiting there: the kernel only marks the
// listener ready in its epoll (ep_poll_callback adds it to the ready list),
// and it looks at it when its turn is over, after a sleeping worker has
// taken the connection. Which of the sleeping workers wins is a race (each
// is woken on a core of its own or queued behind the dialling client),
// drawn uniformly: the quiet runs of gthread -w 2 with a new connection per
// request split 301/299, 317/283, 310/290 and 306/294.
func (s *Sim) selecting(ready []int32) []int32 {
	busy := func(pid int32) bool { return s.procs[pid].main.busy }
	if s.sp.mainTurn == nil || !slices.ContainsFunc(ready, busy) ||
		!slices.ContainsFunc(ready, func(pid int32) bool { return !busy(pid) }) {
		return ready
	}
	return slices.DeleteFunc(ready, busy)
}
