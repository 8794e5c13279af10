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
// two events per request (arrival, departure) on the engine's own event
// queue's 4-ary heap, ordered by (time, seq), and draws from one PCG. No
// states, no metrics beyond the mean wait, no per-request bookkeeping.

// The floor's two kinds of event: kinds that the queue keeps on its heap
// (arrivals would take the engine's lane for them).
const floorArrival, floorDeparture = evSliceEnd, evIODone

// floorMMc simulates n requests of M/M/c (arrivals at rate per second, c
// servers, service cpu + Exp(io)) and returns the mean wait for a server.
func floorMMc(n, c int, rate float64, cpu, io time.Duration, seed uint64) time.Duration {
	rng := rand.New(rand.NewPCG(seed, 1))
	exp := func(mean float64) time.Duration { return time.Duration(-math.Log(1-rng.Float64()) * mean) }
	meanGap := float64(time.Second) / rate
	var q eventQueue
	var waiting []time.Duration // arrival times of requests waiting for a server, FIFO
	head, busy, done := 0, 0, 0
	var waitSum time.Duration
	q.push(event{at: exp(meanGap), kind: floorArrival})
	for done < n {
		e := q.pop()
		now := e.at
		if e.kind == floorArrival {
			q.push(event{at: now + exp(meanGap), kind: floorArrival})
			if busy < c {
				busy++
				q.push(event{at: now + cpu + exp(float64(io)), kind: floorDeparture})
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
			q.push(event{at: now + cpu + exp(float64(io)), kind: floorDeparture})
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
