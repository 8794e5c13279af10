package engine

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// A burst of kept-alive connections goes often all to one worker
// (pickWorker, acceptBurst): with 11 clients on gthread 2 x 5, a worker
// that gets all 11 leaves 5 calls in flight. Under a fair draw that split
// has probability 2/2048, so it would almost never show in 40 seeds; when
// the other worker is late (probability 0.46) it always does.
func TestAcceptBurstGoesToTheAwakeWorker(t *testing.T) {
	const seeds = 40
	allOnOne, even := 0, 0
	for seed := 1; seed <= seeds; seed++ {
		r := run1(t, fmt.Sprintf("model=gthread workers=2 threads=5 clients=11 io=100ms requests=200 seed=%d", seed))
		switch r.PeakUpstream {
		case 5:
			allOnOne++
		case 10:
			even++
		}
	}
	if allOnOne < 9 || allOnOne > 28 {
		t.Errorf("11 clients on 2 workers: all on one worker in %d of %d seeds, want about half (0.46)", allOnOne, seeds)
	}
	if even == 0 {
		t.Errorf("11 clients on 2 workers: no seed of %d split them 6/5 or 5/6; when both workers race, the draw is fair", seeds)
	}
}

// Connections that arrive spread out split evenly: with a new connection per
// request, each worker serves about half the requests, and the two
// workers' 10 threads all have work (peak 10 calls).
func TestAcceptSpacedIsFair(t *testing.T) {
	for seed := 1; seed <= 5; seed++ {
		r := run1(t, fmt.Sprintf("model=gthread workers=2 threads=5 clients=10 io=100ms keepalive=false requests=600 seed=%d", seed))
		if r.PeakUpstream != 10 {
			t.Errorf("seed %d, keepalive=false: peak upstream %d, want 10 (spaced connections split evenly)", seed, r.PeakUpstream)
		}
	}
}

// The pull of the awake worker is the model's (spec.acceptLate and
// spec.acceptStay): the same burst under a model whose accept path does
// not stick draws every connection fairly, and 11 connections never all
// land on one worker.
func TestAcceptStayIsTheModels(t *testing.T) {
	setAcceptLate(t, 0)
	for seed := 1; seed <= 40; seed++ {
		r := run1(t, fmt.Sprintf("model=gthread workers=2 threads=5 clients=11 io=100ms requests=200 seed=%d", seed))
		if r.PeakUpstream == 5 {
			t.Errorf("seed %d, acceptStay 0: all 11 connections on one worker (peak upstream 5); a fair draw gives that with probability 1/1024", seed)
		}
	}
	for _, m := range []*spec{&syncWorker, &dev, &devThreaded} {
		if m.acceptStay != 0 || m.acceptLate != 0 {
			t.Errorf("%s: acceptStay %v, acceptLate %v, want 0 (its worker is busy once it has accepted, or it is one process)", m.name, m.acceptStay, m.acceptLate)
		}
	}
}

// The client's kernel resends a dropped SYN 1s apart five times, then
// doubles the wait: resends at 1, 2, 3, 4, 5, 7, 11, 19, 35 and 67s.
func TestSYNResendSchedule(t *testing.T) {
	var at time.Duration
	var got []time.Duration
	for n := uint8(0); n <= synRetries+synLinearRetries-1; n++ {
		at += synBackoff(n)
		got = append(got, at)
	}
	want := []time.Duration{1, 2, 3, 4, 5, 7, 11, 19, 35, 67}
	for i := range want {
		want[i] *= time.Second
	}
	if !slices.Equal(got, want) {
		t.Errorf("resends at %v, want %v", got, want)
	}
}

// The resend timer sits on the kernel's timer wheel, which fires it at the
// next tick of its level's granularity after it expires (calc_index rounds
// (expires >> shift) + 1 up). Worked by hand at HZ=250 for a SYN dropped at
// 0: expires at jiffy 250, level 1 (63 <= 250 < 504, 8 jiffies), fires at
// 256 (1.024s); re-armed there, 506 fires at 512 (2.048s); ... 1280
// (5.12s); then 2s = 500 jiffies, still level 1: 1780 fires at 1784
// (7.136s); then 4s = 1000 jiffies, level 2 (64 jiffies): 2784 fires at
// 2816 (11.264s).
func TestSYNResendOnTheTimerWheel(t *testing.T) {
	var at time.Duration
	var got []time.Duration
	for n := uint8(0); n <= 6; n++ {
		at = synResendAt(at, n)
		got = append(got, at)
	}
	want := []time.Duration{1024, 2048, 3072, 4096, 5120, 7136, 11264}
	for i := range want {
		want[i] *= time.Millisecond
	}
	if !slices.Equal(got, want) {
		t.Errorf("resends of a SYN dropped at 0 at %v, want %v", got, want)
	}
	// SYNs whose timers expire within one 32 ms bucket are resent
	// together: dropped in jiffies 0-5 (expiring at 250-255) they go at
	// 256; from jiffy 6 (expiring at 256) at 264, 32 ms later.
	for _, c := range []struct{ dropped, want time.Duration }{
		{time.Millisecond, 1024 * time.Millisecond},
		{23 * time.Millisecond, 1024 * time.Millisecond},
		{24 * time.Millisecond, 1056 * time.Millisecond},
	} {
		if got := synResendAt(c.dropped, 0); got != c.want {
			t.Errorf("synResendAt(%v, 0) = %v, want %v", c.dropped, got, c.want)
		}
	}
}

// Linux's accept queue holds one connection more than the listen backlog
// (sk_acceptq_is_full drops a SYN when sk_ack_backlog > sk_max_ack_backlog):
// 20 clients on one uWSGI thread with backlog=5 leave 1 served, 6 queued and
// 13 dropped.
func TestAcceptQueueHoldsBacklogPlusOne(t *testing.T) {
	r := run1(t, "model=uwsgi workers=1 threads=1 backlog=5 clients=20 io=100ms requests=50 seed=1")
	if r.PeakBacklog != 6 {
		t.Errorf("backlog=5: peak listen queue %d, want 6", r.PeakBacklog)
	}
}
