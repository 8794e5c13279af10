package engine

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// The floor: the least a Go program can do to simulate the M/M/c model of
// BenchmarkMMc, to measure the engine against. Poisson arrivals, c servers,
// one FIFO queue, a service time of a fixed CPU plus an exponential call:
// two events per request (arrival, departure) on a 4-ary heap ordered by
// (time, seq), and draws from one PCG. No states, no metrics beyond a count
// and the mean wait, no per-request bookkeeping.

// floorEvent is one event of the floor: an arrival or a departure.
type floorEvent struct {
	at   time.Duration
	seq  uint64
	done bool // a departure
}

// floorHeap is a 4-ary min-heap of floorEvents, as eventQueue is.
type floorHeap struct {
	h   []floorEvent
	seq uint64
}

func (q *floorHeap) less(a, b *floorEvent) bool {
	return a.at < b.at || a.at == b.at && a.seq < b.seq
}

func (q *floorHeap) push(at time.Duration, done bool) {
	q.seq++
	e := floorEvent{at, q.seq, done}
	q.h = append(q.h, e)
	h := q.h
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 4
		if !q.less(&e, &h[p]) {
			break
		}
		h[i] = h[p]
		i = p
	}
	h[i] = e
}

func (q *floorHeap) pop() floorEvent {
	h := q.h
	top := h[0]
	n := len(h) - 1
	last := h[n]
	q.h = h[:n]
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
		for j := c + 1; j < min(c+4, n); j++ {
			if q.less(&h[j], &h[m]) {
				m = j
			}
		}
		if !q.less(&h[m], &last) {
			break
		}
		h[i] = h[m]
		i = m
	}
	h[i] = last
	return top
}

// floorMMc simulates n requests of M/M/c (arrivals at rate per second, c
// servers, service cpu + Exp(io)) and returns the mean wait for a server.
func floorMMc(n, c int, rate float64, cpu, io time.Duration, seed uint64) time.Duration {
	rng := rand.New(rand.NewPCG(seed, 1))
	exp := func(mean float64) time.Duration { return time.Duration(-math.Log(1-rng.Float64()) * mean) }
	meanGap := float64(time.Second) / rate
	var q floorHeap
	var waiting []time.Duration // arrival times of requests waiting for a server, FIFO
	head, busy, done := 0, 0, 0
	var waitSum time.Duration
	q.push(exp(meanGap), false)
	for done < n {
		e := q.pop()
		now := e.at
		if !e.done {
			q.push(now+exp(meanGap), false)
			if busy < c {
				busy++
				q.push(now+cpu+exp(float64(io)), true)
			} else {
				waiting = append(waiting, now)
			}
			continue
		}
		done++
		if head < len(waiting) {
			waitSum += now - waiting[head]
			head++
			if head == len(waiting) {
				waiting, head = waiting[:0], 0
			}
			q.push(now+cpu+exp(float64(io)), true)
		} else {
			busy--
		}
	}
	return waitSum / time.Duration(n)
}

// TestFloorMMc checks that the floor simulates the engine's model: its mean
// wait is Erlang C's, within 10%, at the benchmark's load.
func TestFloorMMc(t *testing.T) {
	const c, rate = 3, 2.4
	cpu := serverCPU(ModelSync)
	service := (time.Second + cpu).Seconds()
	_, wUnits := erlangC(c, rate*service)
	want := wUnits * service
	got := floorMMc(400000, c, rate, cpu, time.Second, 1).Seconds()
	if math.Abs(got-want) > 0.1*want {
		t.Errorf("floorMMc mean wait = %.3fs, want Erlang C's %.3fs within 10%%", got, want)
	}
}
