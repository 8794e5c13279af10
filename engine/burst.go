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
// acceptLateAfter connections into the burst.

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
// first on its core, they race from connection acceptLateAfter on. Each
// later connection of the burst goes to a worker drawn uniformly among
// those racing.
func (s *Sim) acceptBurst(ready []int32) int32 {
	if s.lastAccept < 0 || s.now-s.lastAcceptAt > acceptAwake {
		ready = s.selecting(ready)
		first := ready[s.rng.IntN(len(ready))]
		var join int32
		if s.rng.Float64() < s.sp.acceptLate {
			join = acceptLateAfter
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
