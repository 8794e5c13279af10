package engine

import (
	"reflect"
	"strings"
	"testing"
)

// Each point RunPoint runs is the point RunSweep runs: the same result,
// whatever order the points come in.
func TestRunPointIsRunSweepsPoint(t *testing.T) {
	const text = "model=sync,gevent workers=1..3 io=100ms clients=20 requests=300 target=p99<400ms"
	sc, err := ParseScenario(text)
	if err != nil {
		t.Fatal(err)
	}
	want := RunSweep(sc, Options{}, nil)
	got := make([]PointResult, len(want))
	for i := len(want) - 1; i >= 0; i-- {
		r := RunPoint(sc.String(), i, 200000)
		if r.Point == nil || r.Index != i {
			t.Fatalf("RunPoint(%d) = %+v; want point %d's result", i, r, i)
		}
		got[i] = *r.Point
	}
	MarkCheapest(got)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("RunPoint's points = %+v\nwant RunSweep's %+v", got, want)
	}
}

// A point that comes to hold more requests than allowed stops and says how
// many; bad text and a point out of range say what is wrong.
func TestRunPointRefuses(t *testing.T) {
	r := RunPoint("model=sync workers=1..2 io=1s rate=2000 requests=5000", 0, 1000)
	if r.Point != nil || r.Slots <= 1000 {
		t.Errorf("a flooding point: %+v; want no result and more than 1000 slots", r)
	}
	if r := RunPoint("model=sync workers=x..2", 0, 1000); !strings.Contains(r.Error, "workers") {
		t.Errorf("bad text: error %q; want one that names workers", r.Error)
	}
	if r := RunPoint("model=sync workers=1..2 requests=10", 2, 1000); !strings.Contains(r.Error, "no point 2") {
		t.Errorf("point 2 of 2: error %q; want one that says there is no point 2", r.Error)
	}
}
