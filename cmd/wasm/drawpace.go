package main

// When the picture is painted. A painted frame costs the machine far more
// than the Go side of it: in headless Chromium WebGL runs on SwiftShader,
// whose threads used about 80-100 ms of CPU a frame (2.6-4.8 CPU seconds
// in 5 s of a running picture; TestSweepSpeedFigure and /proc), and
// during a sweep that CPU is taken from the Web Workers that compute the
// points. So a frame that would look like the last one is not painted:
// Draw leaves the canvas as it is and Ebiten, after four such frames,
// stops presenting, so the GPU process rests. Update goes on at 60 ticks
// a second, since the simulation and the sweep's points need it (Ebiten's
// FPSModeVsyncOffMinimum would stop Update too).
//
// Nothing is painted while a sweep's points are computed: the picture
// holds the first frame of its live run (the run goes on, and the page's
// numbers with it) and painting comes back with the last point. Painting
// a few frames a second instead would not save much: Ebiten presents the
// three frames after each painted one all the same.

// settleTicks is how long the picture keeps being painted after its last
// change: dots glide 30% of the way each tick and ended ones fade over 30
// ticks, so after a second nothing moves.
const settleTicks = tps

// changed notes that the run moved on: the picture may look different.
func (a *app) changed() { a.still = 0 }

// reshaped notes a change the next frame must show even while a sweep
// holds the picture: a new run, a new size, a click.
func (a *app) reshaped() {
	a.still = 0
	a.fresh = true
}

// tick counts one Update for the pace of painting.
func (a *app) tick() { a.still++ }

// wantsDraw reports whether Draw should paint this frame, given whether a
// frame was painted before (the canvas keeps it). A resting page paints
// nothing new, nor does a still picture (paused, its dots settled), nor
// the picture while a sweep's points are computed, unless it was reshaped.
func (a *app) wantsDraw(painted bool) bool {
	switch {
	case !painted:
		return true
	case a.resting:
		return false
	case a.fresh:
		return true
	case a.sweeping():
		a.held = true
		return false
	case a.held: // the sweep is done: show where the run is now
		return true
	}
	return a.still <= settleTicks
}

// sweeping reports whether a sweep's points are being computed.
func (a *app) sweeping() bool { return a.sweep != nil && !a.sweep.done }

// painted notes that Draw painted a frame.
func (a *app) painted() { a.fresh, a.held = false, false }
