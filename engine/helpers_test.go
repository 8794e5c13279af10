package engine

import (
	"math"
	"testing"
	"time"
)

// run parses text and runs its lanes; it fails the test on a parse error.
func run(t testing.TB, text string) []Result {
	t.Helper()
	sc, err := ParseScenario(text)
	if err != nil {
		t.Fatalf("ParseScenario(%q): %v", text, err)
	}
	return Run(sc, Options{})
}

// run1 runs a one-lane scenario.
func run1(t testing.TB, text string) Result {
	t.Helper()
	rs := run(t, text)
	if len(rs) != 1 {
		t.Fatalf("%q has %d lanes, want 1", text, len(rs))
	}
	return rs[0]
}

// near reports whether got is within frac of want.
func near(got, want, frac float64) bool {
	return math.Abs(got-want) <= frac*math.Abs(want)
}

// serverCPU is the model's own CPU per request with one upstream call.
func serverCPU(m Model) time.Duration {
	c := specOf(m).costs
	return c.parse + c.respond + c.resume
}

// timelineOf returns the timeline of request seq in a run of text until
// the given time: live, or among the last ones kept.
func timelineOf(t *testing.T, text string, seq int64, until time.Duration) Timeline {
	t.Helper()
	sc, err := ParseScenario(text)
	if err != nil {
		t.Fatalf("ParseScenario(%q): %v", text, err)
	}
	s := NewLane(sc, 0, Options{Timelines: 16})
	s.RunUntil(until)
	if tl, ok := s.Timeline(seq); ok {
		return tl
	}
	for _, tl := range s.Timelines() {
		if tl.Seq == seq {
			return tl
		}
	}
	t.Fatalf("%q: no timeline for request %d", text, seq)
	return Timeline{}
}
