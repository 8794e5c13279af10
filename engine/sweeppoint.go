package engine

import (
	"fmt"
	"time"
)

// PointRun is the outcome of running one point of a sweep on its own
// (RunPoint): its result, or how many requests it came to hold when that
// was more than allowed, or why it could not run. Its JSON form is what
// the page's sweep workers (cmd/sweepworker) send the program.
type PointRun struct {
	Index int          `json:"index"`           // the point, in the order of Points
	Point *PointResult `json:"point,omitempty"` // nil if the point did not finish
	Slots int          `json:"slots,omitempty"` // the requests it held when it stopped for holding too many
	Error string       `json:"error,omitempty"` // why it could not run
}

// pointChunk is how many events RunPoint handles between looks at how
// many requests the point holds.
const pointChunk = 1 << 16

// RunPoint parses the sweep text and runs its point i to its end, the same
// run as RunSweep's point i (without Cheapest, which needs the other
// points), unless the point comes to hold more than maxSlots requests at
// once: then it stops there and says how many.
func RunPoint(text string, i, maxSlots int) PointRun {
	sc, err := ParseScenario(text)
	if err != nil {
		return PointRun{Index: i, Error: err.Error()}
	}
	if sc.Sweep == nil || i < 0 || i >= len(sc.Lanes)*len(sc.Sweep.Values) {
		return PointRun{Index: i, Error: fmt.Sprintf("engine: the sweep %q has no point %d", text, i)}
	}
	s := NewLane(sc.Point(i), 0, Options{Unwatched: true})
	for !s.Done() {
		s.Advance(s.Now()+time.Hour, pointChunk)
		if n := s.Slots(); n > maxSlots {
			return PointRun{Index: i, Slots: n}
		}
	}
	p := sc.PointResult(i, s.Result())
	return PointRun{Index: i, Point: &p}
}
