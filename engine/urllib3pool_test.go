package engine

import (
	"testing"
	"time"
)

// A requests call on gevent takes its connection from urllib3's pool
// holding the pool's mutex across a turn of the hub (urllib3pool.go), and
// puts it back the same way: a lone client's request runs a CPU slice for
// the take before the trip's, and one for the put between coming back from
// the call and writing its response. httpx (no urllib3) and eventlet (its
// lock does not yield) make no such turn.
func TestPoolMutexTurns(t *testing.T) {
	for _, tc := range []struct {
		text        string
		before, all int
	}{
		{"model=gevent clients=1 io=100ms requests=3", 3, 6},
		{"model=gevent http-client=httpx clients=1 io=100ms requests=3", 2, 3},
		{"model=eventlet clients=1 io=100ms requests=3", 2, 3},
		{"model=gevent clients=1 io=100ms calls=2 requests=3", 3, 11}, // the rest of the first return after its put
	} {
		if n := cpuSlicesBeforeCall(t, tc.text, 2); n != tc.before {
			t.Errorf("%q: %d CPU slices before the first call, want %d", tc.text, n, tc.before)
		}
		tl := timelineOf(t, tc.text, 2, time.Second)
		n := 0
		for _, g := range tl.Segments {
			if g.State == StateCPU {
				n++
			}
		}
		if n != tc.all {
			t.Errorf("%q: %d CPU slices in all, want %d: %v", tc.text, n, tc.all, tl.Segments)
		}
	}
}

// The mutex's turn costs no CPU of its own: a lone client's request on
// gevent runs the same CPU with requests as with a blocking call (no take,
// no put, no trip).
func TestPoolMutexAddsNoCPU(t *testing.T) {
	base := "model=gevent clients=1 io=50ms requests=4"
	yielding, tl := cpuOf(t, base, 3)
	blocking, _ := cpuOf(t, base+" blocking=true", 3)
	if yielding == 0 || yielding != blocking {
		t.Errorf("request 3 ran %v of CPU with requests and %v with a blocking call, want the same, not 0 (%v)", yielding, blocking, tl.Segments)
	}
}

// Greenlets that reach the pool while another holds its mutex across its
// turn wait for it, and get it first in, first out: three clients that send
// at once on one gevent hub run their handlers one after another, so the
// second and third find the first's take holding the mutex; the second's
// call goes out before the third's. eventlet's lock never waits.
func TestPoolMutexWaitersFirstInFirstOut(t *testing.T) {
	waited := func(text string, seq int64) (time.Duration, time.Duration) {
		tl := timelineOf(t, text, seq, time.Second)
		var w time.Duration
		for _, g := range tl.Segments {
			if g.State == StateWaitPool {
				w += g.End - g.Start
			}
			if g.State == StateIO {
				return w, g.Start
			}
		}
		t.Fatalf("%q: request %d made no call: %v", text, seq, tl.Segments)
		return 0, 0
	}
	const gev = "model=gevent clients=3 io=100ms requests=6"
	w1, out1 := waited(gev, 1)
	w2, out2 := waited(gev, 2)
	w3, out3 := waited(gev, 3)
	if w1 != 0 || w2 <= 0 || w3 <= 0 {
		t.Errorf("%q: requests 1-3 waited %v, %v, %v for the pool's mutex, want 0 then more than 0 twice", gev, w1, w2, w3)
	}
	if !(out1 < out2 && out2 < out3) {
		t.Errorf("%q: calls went out at %v, %v, %v, want in the order the handlers reached the pool", gev, out1, out2, out3)
	}
	const evl = "model=eventlet clients=3 io=100ms requests=6"
	for seq := int64(1); seq <= 3; seq++ {
		if w, _ := waited(evl, seq); w != 0 {
			t.Errorf("%q: request %d waited %v for the pool's mutex, want 0 (eventlet's lock does not yield)", evl, seq, w)
		}
	}
}
