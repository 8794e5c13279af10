package engine

import "time"

// evKind says what an event does when it fires.
type evKind uint8

const (
	evArrive       evKind = iota + 1 // a client sends a request (a = client, -1 open-loop, -2 the burst)
	evSliceEnd                       // a CPU slice ends (a = thread)
	evIODone                         // an upstream call returns (a = request, b = generation)
	evClientGiveUp                   // a client's timeout fires (a = request, b = generation)
	evKeepaliveEnd                   // a kept-alive connection times out (a = conn, b = generation)
	evWorkerBoot                     // a replacement worker finishes booting (a = worker)
	evRetrySYN                       // a dropped connection attempt is retried (a = request, b = generation)
)

// event is one entry of the event queue. Events are plain values so that the
// queue never allocates per event; the payload fields mean what evKind says.
type event struct {
	at   time.Duration
	seq  uint64
	kind evKind
	a    int32
	b    uint32
}

// before orders events by time, then by the order they were scheduled, so
// that ties are first in, first out and every run is reproducible.
func (e *event) before(o *event) bool {
	if e.at != o.at {
		return e.at < o.at
	}
	return e.seq < o.seq
}

// eventQueue holds the pending events, most of them on a 4-ary min-heap:
// shallower than a binary heap, and each level's children sit together in
// memory. It is written out rather than built on container/heap because that
// interface boxes every pushed value, which costs an allocation per event on
// the engine's hottest path.
//
// Two kinds of event wait beside the heap, as they mostly come in time
// order anyway: arrivals (a closed-loop client sends again a fixed think
// time after its answer; open-loop and burst traffic have one arrival pending)
// and calls' returns (with a fixed io each is due io after it is scheduled; a
// return with nothing else queued is held in the slot below instead). (The
// kernel's preemptions wait outside the queue, with the arbiter's tick:
// Sim.tickAt.) An event of a
// lane scheduled before the last one waiting in it goes on the heap
// instead, so the order is (time, seq) whatever the traffic does; but a
// return that comes a little late (each call's answer comes io-late after
// its latency, an exponential draw, so two calls made a few hundred µs
// apart often come back in the other order) takes its place in its lane,
// at most laneBack places back from the tail (insertLate), once the lane
// holds that many: with fewer calls out, the heap is as small and as cheap.
//
// One slot holds an event that comes before every other event queued:
// most events are scheduled to fire next (a CPU slice of a few milliseconds
// while the others are calls and arrivals far later), and such an event
// passes through the slot without a push or a pop of the heap, nor a look
// at the other places. An event scheduled before the one held takes its
// place, and the held one goes on the heap.
type eventQueue struct {
	items  []event
	hold   event // before every other event queued, if held
	held   bool
	seq    uint64
	arrive ring[event]
	ret    ring[event] // calls' returns (evIODone), in time order
	// found is 1 + where first last found the earliest event, or 0 once a
	// push or a drop may have moved it: a look (peek) and the pop that
	// follows it search once.
	found int8
	// heads holds the rank of the first event of each place but the held
	// one (by where), so that first compares four pairs of numbers side by
	// side instead of reaching into each place.
	heads [inHold]rank
}

// rank is an event's place in the order, (time, seq), stored so that the
// zero rank, an empty place's, comes after every event: at is maxTime less
// the event's time, seq the complement of its seq, and the greater rank
// comes first.
type rank struct {
	at  time.Duration
	seq uint64
}

// rankOf returns e's rank.
func rankOf(e *event) rank { return rank{maxTime - e.at, ^e.seq} }

// setHead records where's first event, e, or an empty place if e is nil.
func (q *eventQueue) setHead(where int, e *event) {
	if e == nil {
		q.heads[where] = rank{}
		return
	}
	q.heads[where] = rankOf(e)
}

func (q *eventQueue) len() int {
	n := len(q.items) + q.arrive.size + q.ret.size
	if q.held {
		n++
	}
	return n
}

// The places an event waits; the held slot last (heads has the others).
const (
	inHeap = iota
	inArrive
	inRet
	inHold
)

// first says where the earliest event waits; the queue must not be empty.
func (q *eventQueue) first() int {
	if q.held {
		return inHold
	}
	if q.found != 0 {
		return int(q.found - 1)
	}
	h := &q.heads
	where, best := inHeap, h[inHeap]
	if k := h[inArrive]; k.at > best.at || k.at == best.at && k.seq > best.seq {
		where, best = inArrive, k
	}
	if k := h[inRet]; k.at > best.at || k.at == best.at && k.seq > best.seq {
		where = inRet
	}
	q.found = int8(where + 1)
	return where
}

// push schedules an event; seq is assigned here and only grows, so the
// event pushed comes after every queued event of its time: it is before one
// only if it is strictly earlier. (Comparing its fields, not the event by
// pointer, keeps it in registers: a whole copy of an event just stored
// field by field waits for the stores.)
func (q *eventQueue) push(e event) {
	q.found = 0
	q.seq++
	e.seq = q.seq
	if q.held && e.at < q.hold.at {
		q.heapPush(q.hold) // no longer the earliest
		q.held = false
		if e.kind != evArrive {
			q.hold, q.held = e, true
			return
		}
	}
	if e.kind == evArrive && (q.arrive.size == 0 || q.arrive.last().at <= e.at) {
		if q.arrive.size == 0 {
			q.heads[inArrive] = rankOf(&e)
		}
		q.arrive.push(e)
		return
	}
	if e.kind == evIODone && (q.ret.size > 0 && (q.ret.last().at <= e.at || q.ret.size >= laneBack && q.insertLate(&q.ret, inRet, &e)) || q.ret.size == 0 && (q.held || len(q.items) > 0)) {
		if q.ret.size == 0 {
			q.heads[inRet] = rankOf(&e)
		}
		q.ret.push(e)
		return
	}
	// Before every place's first event (an empty place's rank is 0).
	if h, r := &q.heads, maxTime-e.at; !q.held && r > h[inHeap].at && r > h[inArrive].at &&
		r > h[inRet].at {
		q.hold, q.held = e, true
		return
	}
	q.heapPush(e)
}

// pushPlain schedules an event of a kind that has no lane (not evArrive,
// or evIODone), as push does, without push's looks at the lanes.
func (q *eventQueue) pushPlain(e event) {
	q.found = 0
	q.seq++
	e.seq = q.seq
	if q.held {
		if e.at >= q.hold.at {
			q.heapPush(e)
			return
		}
		q.heapPush(q.hold) // no longer the earliest
	} else if h, r := &q.heads, maxTime-e.at; r <= h[inHeap].at || r <= h[inArrive].at ||
		r <= h[inRet].at {
		q.heapPush(e)
		return
	}
	q.hold, q.held = e, true
}

// laneBack is how many events of a lane an event that comes a little late
// to it (scheduled before the lane's last) may pass, scanning back from the
// tail, to take its place in the lane; beyond that it goes on the heap.
const laneBack = 4

// insertLate puts e, which comes before the last event of lane l, in its
// place if that is at most laneBack events back from the tail, shifting
// the events after it but the last one place up, and swaps e for that last
// one, which push then puts at the tail (so that push keeps one ring push
// per event, where the engine's profile expects it); it reports whether it
// did. e's seq is above every queued event's, so
// its place is after every event of its time.
func (q *eventQueue) insertLate(l *ring[event], where int, e *event) bool {
	buf, m, h := l.buf, len(l.buf)-1, l.head
	k := l.size - 1 // e passes the events from k on
	for k > 0 && buf[(h+k-1)&m].at > e.at {
		if l.size-k == laneBack {
			return false
		}
		k--
	}
	last := buf[(h+l.size-1)&m]
	for j := l.size - 1; j > k; j-- {
		buf[(h+j)&m] = buf[(h+j-1)&m]
	}
	buf[(h+k)&m] = *e
	if k == 0 {
		q.heads[where] = rankOf(e)
	}
	*e = last
	return true
}

// pushDue schedules e, due now, as push does; when nothing else is queued
// at or before now it goes straight to the slot, whatever its kind: an event
// pushed later is never earlier than now, so it stays there until it fires.
// (push keeps arrivals out of the slot, where one due later than now is
// soon moved to the heap by an earlier push.)
func (q *eventQueue) pushDue(e event) {
	if h, r := &q.heads, maxTime-e.at; !q.held && r > h[inHeap].at && r > h[inArrive].at &&
		r > h[inRet].at {
		q.found = 0
		q.seq++
		e.seq = q.seq
		q.hold, q.held = e, true
		return
	}
	q.push(e)
}

// heapPush puts e on the heap.
func (q *eventQueue) heapPush(e event) {
	h := q.items
	i := len(h)
	if i < cap(h) {
		h = h[:i+1] // e is written once, in its place below
	} else {
		h = append(h, e)
	}
	q.items = h
	for i > 0 {
		p := (i - 1) / 4
		if o := &h[p]; e.at > o.at || e.at == o.at && e.seq > o.seq {
			break
		}
		h[i] = h[p]
		i = p
	}
	h[i] = e
	if i == 0 {
		q.heads[inHeap] = rankOf(&e)
	}
}

// peek returns the earliest event; the queue must not be empty.
func (q *eventQueue) peek() *event { return q.at(q.first()) }

// pop removes and returns the earliest event; the queue must not be empty.
func (q *eventQueue) pop() event { return q.take(q.first()) }

// at returns the event first waits in where (see first).
func (q *eventQueue) at(where int) *event {
	switch where {
	case inArrive:
		return q.arrive.first()
	case inHold:
		return &q.hold
	case inRet:
		return q.ret.first()
	}
	return &q.items[0]
}

// take removes and returns the event first waits in where (see first).
func (q *eventQueue) take(where int) event {
	e := *q.at(where)
	q.drop(where)
	return e
}

// drop removes the event first waits in where (see first), so that a caller
// that looked at it (at) does not search again, nor copy it whole.
func (q *eventQueue) drop(where int) {
	q.found = 0
	switch where {
	case inArrive:
		q.dropLane(&q.arrive, where)
		return
	case inHold:
		q.held = false
		return
	case inRet:
		q.dropLane(&q.ret, where)
		return
	}
	h := q.items
	n := len(h) - 1
	last := h[n]
	q.items = h[:n]
	h = h[:n]
	if n == 0 {
		q.heads[inHeap] = rank{}
		return
	}
	i := 0
	for {
		c := 4*i + 1
		var m int
		if c+3 < n {
			// Four children: two pairs, then their winners, so that the
			// two first comparisons do not wait for each other.
			m = c
			m2 := c + 2
			if h[c+1].before(&h[c]) {
				m = c + 1
			}
			if h[c+3].before(&h[c+2]) {
				m2 = c + 3
			}
			if h[m2].before(&h[m]) {
				m = m2
			}
		} else {
			if c >= n {
				break
			}
			m = c
			for j := c + 1; j < n; j++ {
				if h[j].before(&h[m]) {
					m = j
				}
			}
		}
		if !h[m].before(&last) {
			break
		}
		h[i] = h[m]
		i = m
	}
	h[i] = last
	q.heads[inHeap] = rankOf(&h[0])
}

// dropLane removes the first event of lane l, which waits in where.
func (q *eventQueue) dropLane(l *ring[event], where int) {
	l.drop()
	if l.size == 0 {
		q.heads[where] = rank{}
		return
	}
	q.heads[where] = rankOf(l.first())
}
