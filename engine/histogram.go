package engine

import (
	"math/bits"
	"time"
)

// histogram counts durations in log-linear buckets: each power of two is
// split into 2^subBits buckets, so a quantile is within 1/2^subBits of the
// true value, in fixed memory however many values it holds.
type histogram struct {
	subBits uint
	counts  []int64
	n       int64
}

func newHistogram(subBits uint) histogram {
	// Durations up to 2^46 ns (about 19 hours) have buckets of their own;
	// longer ones share the last.
	return histogram{subBits: subBits, counts: make([]int64, (47-int(subBits)+1)<<subBits)}
}

func (h *histogram) index(v time.Duration) int {
	if v < 0 {
		v = 0
	}
	u := uint64(v)
	sub := uint64(1) << h.subBits
	if u < sub {
		return int(u)
	}
	e := uint(63 - bits.LeadingZeros64(u)) // 2^e <= u < 2^(e+1), e >= subBits
	i := int((uint64(e-h.subBits+1) << h.subBits) + (u>>(e-h.subBits))&(sub-1))
	return min(i, len(h.counts)-1)
}

// bucketMid returns the middle of bucket i, the value a quantile reports.
func (h *histogram) bucketMid(i int) time.Duration {
	sub := 1 << h.subBits
	if i < sub {
		return time.Duration(i)
	}
	e := uint(i>>h.subBits) + h.subBits - 1
	lo := uint64(1)<<e + uint64(i&(sub-1))<<(e-h.subBits)
	width := uint64(1) << (e - h.subBits)
	return time.Duration(lo + width/2)
}

func (h *histogram) add(v time.Duration) {
	h.counts[h.index(v)]++
	h.n++
}

// quantile returns the q-quantile (0 < q <= 1) of the values added, or 0 if
// there are none: the smallest bucket at or below which a fraction q lies.
func (h *histogram) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := int64(q*float64(h.n) + 0.5)
	rank = max(1, min(rank, h.n))
	var seen int64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return h.bucketMid(i)
		}
	}
	return h.bucketMid(len(h.counts) - 1)
}

func (h *histogram) reset() {
	clear(h.counts)
	h.n = 0
}
