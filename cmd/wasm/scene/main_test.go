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

// In a small worker box the main thread's bar does not take the pool's
// room: its threads keep the columns and names they would have without it
// (the bar thins to a strip of colour); in a roomy one the bar is tall
// enough for its words.
func TestMainThreadLeavesThePoolItsRoom(t *testing.T) {
	m := newMetrics(12)
	for _, c := range []struct {
		name    string
		w, h    float32
		workers int
		threads int
		words   bool // the bar has room for its words
	}{
		{"phone 4x8", 380, 380, 4, 8, false},
		{"phone 2x4", 380, 380, 2, 4, true},
		{"laptop 4x8", 700, 470, 4, 8, false},
		{"laptop 2x4", 700, 470, 2, 4, true},
		{"projector 1x4", 1300, 800, 1, 4, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			shape := laneShape{lanes: make([]int, c.workers)}
			for i := range shape.lanes {
				shape.lanes[i] = c.threads
			}
			var bare, with laneLayout
			layoutLane(Rect{0, 0, c.w, c.h}, m, shape, &bare)
			shape.main = true
			layoutLane(Rect{0, 0, c.w, c.h}, m, shape, &with)
			b, w := bare.workers[0], with.workers[0]
			if w.main.H <= 0 {
				t.Fatalf("no main thread bar")
			}
			if cols(w.lanes) != cols(b.lanes) || w.laneTitles != b.laneTitles {
				t.Errorf("with the main thread's bar (%.1f px high) the %d threads take %d columns, named %v; without it %d, named %v",
					w.main.H, c.threads, cols(w.lanes), w.laneTitles, cols(b.lanes), b.laneTitles)
			}
			if got := w.main.H >= m.lh; got != c.words {
				t.Errorf("the bar is %.1f px high (words %v), want words %v", w.main.H, got, c.words)
			}
		})
	}
}

// cols counts the columns bars stand in.
func cols(bars []Rect) int {
	n := 0
	for i, r := range bars {
		if i == 0 || r.X != bars[i-1].X {
			n++
		}
	}
	return n
}
