package engine

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestSeriesQuantilesOfFewValues checks that a point whose quantiles are read
// off its few latencies (seriesPoint.settle) says what a histogram of the
// same latencies says, for steps of 0 to a few more than seriesFew answers
// (where the step counts them in its histogram instead).
func TestSeriesQuantilesOfFewValues(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for n := 0; n <= seriesFew+3; n++ {
		for round := 0; round < 20; round++ {
			var sr series
			sr.init(Options{SeriesLen: 4})
			want := newHistogram(4)
			for i := 0; i < n; i++ {
				// Latencies from 0 to about a second, some of them equal.
				v := time.Duration(rng.ExpFloat64() * float64(200*time.Millisecond))
				if i > 0 && rng.IntN(4) == 0 {
					v = sr.few[0]
				}
				sr.complete(v)
				want.add(v)
			}
			s := &Sim{}
			sr.advance(s, sr.step)
			p := sr.points()[0]
			if p.P50 != want.quantile(0.5) || p.P99 != want.quantile(0.99) {
				t.Fatalf("%d latencies: P50, P99 = %v, %v, want the histogram's %v, %v",
					n, p.P50, p.P99, want.quantile(0.5), want.quantile(0.99))
			}
		}
	}
}

// TestRecentWithHeldBackAnswers checks Recent against the answers it covers,
// counted directly, when the answers come at rates that fill the window's
// pending answers many times over, or once in a while: its count is the
// answers of the last five slots of time, and its quantiles are a
// histogram's of those.
func TestRecentWithHeldBackAnswers(t *testing.T) {
	type answer struct{ at, d time.Duration }
	for _, gap := range []time.Duration{time.Millisecond, 37 * time.Millisecond, 400 * time.Millisecond, 3 * time.Second} {
		rng := rand.New(rand.NewPCG(uint64(gap), 9))
		s := &Sim{}
		s.m.recent.init()
		var all []answer
		for i := 0; i < 3000; i++ {
			s.now += time.Duration(rng.Int64N(int64(2 * gap)))
			a := answer{s.now, time.Duration(rng.ExpFloat64() * float64(100*time.Millisecond))}
			all = append(all, a)
			s.m.recent.complete(a.at, a.d)
			if i%401 != 400 {
				continue
			}
			// Read now, and again a little later with no answer between.
			for _, later := range []time.Duration{0, 300 * time.Millisecond} {
				s.now += later
				k := int64(s.now / recentSlot)
				want := newHistogram(6)
				for _, b := range all {
					if int64(b.at/recentSlot) > k-5 {
						want.add(b.d)
					}
				}
				_, p50, p99, ok := s.Recent()
				if ok != (want.n > 0) || p50 != want.quantile(0.5) || p99 != want.quantile(0.99) {
					t.Fatalf("gap %v, answer %d, at %v: Recent = %v %v %v, want %v %v %v",
						gap, i, s.now, p50, p99, ok, want.quantile(0.5), want.quantile(0.99), want.n > 0)
				}
				if s.m.recent.all.n != want.n {
					t.Fatalf("gap %v, answer %d: Recent counted %d answers, want %d", gap, i, s.m.recent.all.n, want.n)
				}
			}
		}
	}
}
