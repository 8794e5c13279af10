package main

import "time"

// While the page polls state() (four times a second), the picture's dots
// follow the snapshots of its polls, the ones its numbers and the picture's
// words are written from, and not a snapshot of every frame: a request that
// lives a few milliseconds (the background-jobs page answers 200 a second,
// each in 1-2 ms) was drawn on a thread by one frame while the page's
// number, polled a moment before, said "In flight 0". Between polls the
// dots glide on toward their places (a fifth of a second), so the picture
// still moves; a state shorter than a poll is not drawn, as it is not
// counted. A page that stops polling (a bare canvas.html) gets a snapshot
// every drawn frame again after pollHold.

// pollHold is how long after the page's last poll the picture waits for
// its next one before it takes its own snapshots again.
const pollHold = time.Second

// polled notes the page's poll of state() at wall time t.
func (a *app) polled(t time.Time) { a.pollAt = t }

// followsPoll reports whether, at wall time t, the picture follows the
// page's polls: the page polled less than pollHold ago.
func (a *app) followsPoll(t time.Time) bool {
	return !a.pollAt.IsZero() && t.Sub(a.pollAt) < pollHold
}
