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
