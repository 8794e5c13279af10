package engine

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestHistogramQuantiles(t *testing.T) {
	h := newHistogram(7)
	rng := rand.New(rand.NewPCG(1, 2))
	var vals []time.Duration
	for i := 0; i < 100000; i++ {
		v := time.Duration(rng.ExpFloat64() * float64(200*time.Millisecond))
		vals = append(vals, v)
		h.add(v)
	}
	slices.Sort(vals)
	for _, q := range []float64{0.5, 0.9, 0.99, 1} {
		exact := vals[int(q*float64(len(vals)))-1]
		got := h.quantile(q)
		if rel := float64(got-exact) / float64(exact); rel > 1.0/128 || rel < -1.0/128 {
			t.Errorf("quantile(%v) = %v, exact %v: off by %.2f%%, want within 1/128", q, got, exact, rel*100)
		}
	}
}

func TestHistogramIndexMonotonic(t *testing.T) {
	h := newHistogram(3)
	prev := -1
	for v := time.Duration(0); v < 1<<20; v += 7 {
		i := h.index(v)
		if i < prev {
			t.Fatalf("index(%d) = %d, below index of a smaller value %d", v, i, prev)
		}
		if mid := h.bucketMid(i); h.index(mid) != i {
			t.Fatalf("bucketMid(%d) = %d lies in bucket %d", i, mid, h.index(mid))
		}
		prev = i
	}
	if got := h.index(1 << 62); got != len(h.counts)-1 {
		t.Errorf("index(2^62) = %d, want the last bucket %d", got, len(h.counts)-1)
	}
}

// TestHistogramIndexBuckets checks index against the layout newHistogram
// describes: below 2^subBits a bucket per value, then each power of two
// split into 2^subBits buckets of equal width, numbered on from there.
func TestHistogramIndexBuckets(t *testing.T) {
	for _, subBits := range []uint{3, 4, 6, 7} {
		h := newHistogram(subBits)
		sub := int64(1) << subBits
		want := 0
		for v := int64(0); v < sub; v++ {
			if got := h.index(time.Duration(v)); got != want {
				t.Fatalf("subBits %d: index(%d) = %d, want %d", subBits, v, got, want)
			}
			want++
		}
		for e := subBits; want < len(h.counts)-1; e++ {
			width := int64(1) << (e - subBits)
			for k := int64(0); k < sub && want < len(h.counts)-1; k++ {
				lo := int64(1)<<e + k*width
				for _, v := range []int64{lo, lo + width/2, lo + width - 1} {
					if got := h.index(time.Duration(v)); got != want {
						t.Fatalf("subBits %d: index(%d) = %d, want %d", subBits, v, got, want)
					}
				}
				want++
			}
		}
		for _, v := range []time.Duration{-5, 1 << 62, 1<<63 - 1} {
			wantEnd := 0
			if v > 0 {
				wantEnd = len(h.counts) - 1
			}
			if got := h.index(v); got != wantEnd {
				t.Errorf("subBits %d: index(%d) = %d, want %d", subBits, v, got, wantEnd)
			}
		}
	}
}

// TestHistogramReuse fills a histogram, reads it, resets it and fills it
// again, as the series and the recent window do: every quantile must be
// what a fresh histogram of the same values gives, and a merge what one
// histogram of both sets of values gives.
func TestHistogramReuse(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	reused, other := newHistogram(4), newHistogram(4)
	for round := 0; round < 50; round++ {
		fresh, both := newHistogram(4), newHistogram(4)
		reused.reset()
		other.reset()
		for i := 0; i < round*round; i++ {
			v := time.Duration(rng.ExpFloat64() * float64(time.Second))
			reused.add(v)
			fresh.add(v)
			both.add(v)
			if i%3 == 0 {
				_ = reused.quantile(0.5) // a read between adds sorts what is there so far
			}
			w := time.Duration(rng.ExpFloat64() * float64(time.Millisecond))
			other.add(w)
			both.add(w)
		}
		for _, q := range []float64{0.01, 0.5, 0.9, 0.99, 1} {
			if got, want := reused.quantile(q), fresh.quantile(q); got != want {
				t.Fatalf("round %d: reused quantile(%v) = %v, want %v", round, q, got, want)
			}
		}
		merged := newHistogram(4)
		merged.merge(&reused)
		merged.merge(&other)
		for _, q := range []float64{0.01, 0.5, 0.9, 0.99, 1} {
			if got, want := merged.quantile(q), both.quantile(q); got != want {
				t.Fatalf("round %d: merged quantile(%v) = %v, want %v", round, q, got, want)
			}
		}
	}
}
