package main

import "testing"

// paints runs n Updates, each followed by a Draw as Ebiten makes them, and
// counts the frames that Draw would paint.
func paints(a *app, n int) int {
	painted := 0
	for range n {
		a.step()
		if a.wantsDraw(true) {
			a.painted()
			a.frame()
			painted++
		}
	}
	return painted
}

func TestPictureIsPaintedOnlyWhenItChanges(t *testing.T) {
	a := newApp()
	if got := paints(a, 30); got != 30 {
		t.Errorf("a running picture: %d of 30 frames painted, want all", got)
	}
	a.paused = true
	if got := paints(a, 3*settleTicks); got != settleTicks {
		t.Errorf("paused: %d of %d frames painted, want the %d while its dots settle", got, 3*settleTicks, settleTicks)
	}
	a.resize(640, 480)
	if got := paints(a, settleTicks+1); got != settleTicks {
		t.Errorf("paused, resized: %d frames painted, want %d", got, settleTicks)
	}
	a.paused = false
	if got := paints(a, 10); got != 10 {
		t.Errorf("playing again: %d of 10 frames painted, want all", got)
	}
	a.resting = true
	if got := paints(a, 10); got != 0 {
		t.Errorf("resting: %d frames painted, want none", got)
	}
	a.resting = false
	if !a.wantsDraw(false) {
		t.Error("wantsDraw(false) = false: the first frame must be painted")
	}
}

func TestSweepHoldsThePictureUntilItsLastPoint(t *testing.T) {
	a := newApp()
	if err := a.load("model=sync workers=1..4 io=10ms clients=50 requests=50000"); err != nil {
		t.Fatal(err)
	}
	if !a.wantsDraw(true) {
		t.Fatal("the sweep's first frame (a new run) is not painted")
	}
	a.painted()
	a.frame()
	held := 0
	for i := 0; i < 100000 && a.sweeping(); i++ {
		a.step()
		if !a.wantsDraw(true) {
			held++
		} else if a.sweeping() {
			t.Fatalf("a frame painted at Update %d while point %d of %d ran", i, a.sweep.n+1, len(a.sweep.pts))
		}
	}
	if a.sweeping() || held == 0 {
		t.Fatalf("the sweep never finished or never held the picture (%d Updates held)", held)
	}
	if !a.wantsDraw(true) {
		t.Error("the frame after the sweep's last point is not painted")
	}
	if got := paints(a, 5); got != 5 {
		t.Errorf("after the sweep: %d of 5 frames painted, want all", got)
	}
}
