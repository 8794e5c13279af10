package engine

import (
	"fmt"
	"reflect"
	"testing"
)

// TestUnwatchedSameRun checks that a Sim made with Options.Unwatched runs
// the same as one without, keeps no ends, and still keeps the timelines
// asked for.
func TestUnwatchedSameRun(t *testing.T) {
	for _, text := range []string{
		"model=gevent workers=2 io=50ms clients=100 client-timeout=60ms requests=3000",
		"model=sync workers=2 io=20ms rate=150 rtt=5ms io-dist=exp duration=5s",
	} {
		sc, err := ParseScenario(text)
		if err != nil {
			t.Fatal(err)
		}
		opt := Options{Timelines: 5, SeriesStep: 250e6}
		watched := New(sc.Lanes[0], opt)
		opt.Unwatched = true
		unwatched := New(sc.Lanes[0], opt)
		a, b := watched.Run(), unwatched.Run()
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: results differ:\nwatched   %+v\nunwatched %+v", text, a, b)
		}
		if !reflect.DeepEqual(watched.Series(), unwatched.Series()) {
			t.Errorf("%s: series differ", text)
		}
		if !reflect.DeepEqual(watched.Timelines(), unwatched.Timelines()) || len(unwatched.Timelines()) != 5 {
			t.Errorf("%s: timelines differ or are missing (%d kept)", text, len(unwatched.Timelines()))
		}
		if ends, n := watched.EndedSince(0, nil); n == 0 || len(ends) == 0 {
			t.Errorf("%s: the watched run kept no ends (%d)", text, n)
		}
		if ends, n := unwatched.EndedSince(0, nil); n != 0 || len(ends) != 0 {
			t.Errorf("%s: the unwatched run kept %d ends (total %d)", text, len(ends), n)
		}
	}
}

// BenchmarkMMcUnwatched runs BenchmarkMMcAlone's engine as the CLI does
// (Options.Unwatched), for counts beside it.
func BenchmarkMMcUnwatched(b *testing.B) {
	sc, err := ParseScenario(fmt.Sprintf(mmcScenario, mmcRequests))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		New(sc.Lanes[0], Options{Unwatched: true}).Run()
	}
}
