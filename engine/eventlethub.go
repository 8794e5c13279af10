package engine

// The order of eventlet's hub. One turn of eventlet's loop (eventlet 0.33,
// hubs/hub.py BaseHub.run) fires the due timers, then waits on epoll
// (hubs/epolls.py, whose wait is poll.Hub.wait, hubs/poll.py:77-120), and
// that wait does not run the reported descriptors in epoll's order: it
// first gathers their listeners into a set, callbacks.add((listener,
// fileno)), "to keep the set of callbacks in sync with the events we've
// just polled for", and then runs `for listener, fileno in callbacks`. A
// set runs in the order of its hash table's slots, and the hash of a
// (FdListener, fileno) tuple mixes the listener's id with the descriptor:
// FdListener defines no __hash__, so it is its address, and a green thread
// makes a new FdListener each time it trampolines (hub.add). The order
// within a turn is that of addresses the allocator hands out, the same for
// no two turns in any way a client could count on; the engine draws it,
// one shuffle a turn with the server's random stream. Each listener's cb
// switches into its green thread, which runs until it waits again, so the
// turn runs its green threads one after another in that order; those that
// become ready meanwhile wait for the next poll.
//
// On a hub held by a blocking call (row eventlet-blocking) every green
// thread served in a turn has its next request before the next poll, so a
// turn is every client, each served once (or more: holdLoop), and where
// first in, first out gives every request the same wait, the other nine
// calls, the shuffle makes it the rest of one turn and a random part of the
// next: from a call to nearly two turns.
//
// The engine shuffles every waiter of a turn, a trip's 0 s timer
// (hubtrips.go) among them. The real hub fires its due timers before it
// polls; run first in their order, then the descriptors shuffled, row
// eventlet went to 449.6 rps and p50 106.7 ms (seeds 1-10: 442-456 rps,
// real 412.7 and 115.1), away from it, as gevent's trip modelled at its
// source's place did (hubtrips.go), so the trip keeps its place in the turn.

// setOrder is the order of one eventlet hub's ready green threads (see
// above). The green threads of the hub's current turn wait at the head of
// its queue, in the order they run.
type setOrder struct {
	s    *Sim
	left int // of the waiters at the head of the queue, how many the current turn still runs
}

// took is a green thread that takes the idle hub: its poll reported it
// alone.
func (o *setOrder) took(int32) { o.left = 0 }

// next puts the green thread that runs next at w's head: the current
// turn's next, or the first of a new turn, whose order it draws.
func (o *setOrder) next(w *fifo) {
	o.left = min(o.left, w.len()) // a waiter may have left the queue
	if o.left == 0 {
		n := w.len()
		for i := n - 1; i > 0; i-- {
			j := o.s.rng.IntN(i + 1)
			a, b := w.at(i), w.at(j)
			w.set(i, b)
			w.set(j, a)
		}
		o.left = n
	}
	o.left--
}

// idle is the hub left with nothing to run.
func (o *setOrder) idle() { o.left = 0 }
