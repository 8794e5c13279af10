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
	evArbiterTick                    // gunicorn's arbiter checks worker timeouts
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

// eventQueue is a 4-ary min-heap of events: shallower than a binary heap,
// and each level's children sit together in memory. It is written out rather
// than built on container/heap because that interface boxes every pushed
// value, which costs an allocation per event on the engine's hottest path.
//
// The arbiter's tick, due every simulated second whatever else happens,
// waits beside the heap (there is at most one), so that it does not cost a
// trip through it each second.
type eventQueue struct {
	items   []event
	seq     uint64
	tick    event
	hasTick bool
}

func (q *eventQueue) len() int {
	if q.hasTick {
		return len(q.items) + 1
	}
	return len(q.items)
}

// tickFirst reports whether the tick is the earliest event.
func (q *eventQueue) tickFirst() bool {
	return q.hasTick && (len(q.items) == 0 || q.tick.before(&q.items[0]))
}

// push schedules an event; seq is assigned here and only grows.
func (q *eventQueue) push(e event) {
	q.seq++
	e.seq = q.seq
	if e.kind == evArbiterTick {
		if q.hasTick {
			panic("engine: two arbiter ticks pending")
		}
		q.tick, q.hasTick = e, true
		return
	}
	q.items = append(q.items, e)
	h := q.items
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 4
		if !e.before(&h[p]) {
			break
		}
		h[i] = h[p]
		i = p
	}
	h[i] = e
}

// peek returns the earliest event; the queue must not be empty.
func (q *eventQueue) peek() *event {
	if q.tickFirst() {
		return &q.tick
	}
	return &q.items[0]
}

// pop removes and returns the earliest event; the queue must not be empty.
func (q *eventQueue) pop() event {
	if q.tickFirst() {
		q.hasTick = false
		return q.tick
	}
	h := q.items
	top := h[0]
	n := len(h) - 1
	last := h[n]
	q.items = h[:n]
	h = h[:n]
	if n == 0 {
		return top
	}
	i := 0
	for {
		c := 4*i + 1
		if c >= n {
			break
		}
		m := c
		end := min(c+4, n)
		for j := c + 1; j < end; j++ {
			if h[j].before(&h[m]) {
				m = j
			}
		}
		if !h[m].before(&last) {
			break
		}
		h[i] = h[m]
		i = m
	}
	h[i] = last
	return top
}
