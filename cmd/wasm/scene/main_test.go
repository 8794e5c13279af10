package scene

import (
	"strings"
	"testing"
	"time"

	"playground/engine"
)

// gthread's main thread has a bar of its own over the pool's threads,
// named for what it does; it shows the GIL when it holds it, and lights up
// after it handed a request to a pool thread. A model without one has no
// such bar.
func TestMainThreadDrawn(t *testing.T) {
	const w, h = 1200, 700
	sims := sim(t, "model=gthread workers=1 threads=4 io=50ms cpu=5ms clients=100")
	var v View
	sc := frames(&v, sims, 2*time.Second, 3, w, h)
	L := &v.lanes[0].layout
	bar := L.workers[0].main
	if bar.H <= 0 {
		t.Fatalf("gthread: no main thread bar in %+v", L.workers[0])
	}
	for i, lr := range L.workers[0].lanes {
		if lr.Overlaps(bar) {
			t.Errorf("thread %d at %+v overlaps the main thread's bar %+v", i+1, lr, bar)
		}
	}
	if !strings.Contains(labelsText(sc), "main thread") {
		t.Errorf("no label names the main thread: %s", labelsText(sc))
	}
	if v.lanes[0].handed[0] == 0 {
		t.Errorf("100 clients on 4 threads for 2 s, and the main thread handed nothing out in the last frames")
	}
	// At each of its states, the bar's words.
	snap := v.in[0].Snap
	for main, want := range map[int]string{1: "main thread: accepts, hands to a pool thread", 2: "waits for the GIL", 3: "main thread (GIL)"} {
		snap.Workers[0].Main = main
		if got := labelsText(v.Scene(Selection{})); !strings.Contains(got, want) {
			t.Errorf("Main = %d: labels %s, want %q", main, got, want)
		}
	}

	for _, text := range []string{"model=sync workers=2 io=50ms clients=20", "model=gevent io=50ms clients=20", "model=asyncio io=50ms clients=20"} {
		sims := sim(t, text)
		var v View
		sc := frames(&v, sims, time.Second, 2, w, h)
		if v.lanes[0].layout.workers[0].main.H > 0 || strings.Contains(labelsText(sc), "main thread") {
			t.Errorf("%s: a main thread is drawn", text)
		}
	}
}

// The engine's snapshot says where gthread's main thread is: asleep in
// select, waiting for the GIL with connections to hand out, or on the GIL.
func TestMainThreadStates(t *testing.T) {
	s := sim(t, "model=gthread workers=1 threads=8 io=50ms cpu=5ms clients=100")[0]
	var seen [4]int
	var snap engine.Snapshot
	for at := time.Second; at < 4*time.Second; at += time.Second / 600 {
		s.RunUntil(at)
		s.Snapshot(&snap)
		seen[snap.Workers[0].Main]++
	}
	if seen[0] != 0 || seen[1] == 0 || seen[2] == 0 || seen[3] == 0 {
		t.Errorf("states of the main thread seen (none, select, waits, GIL) = %v, want all but none", seen)
	}
}
