package engine

import (
	"math/bits"
	"slices"
	"time"
)

// histogram counts durations in log-linear buckets: each power of two is
// split into 2^subBits buckets, so a quantile is within 1/2^subBits of the
// true value, in fixed memory however many values it holds.
//
// It lists the buckets that hold values, so that a quantile, a reset and a
// merge cost what the values spread over, not the hundreds or thousands of
// buckets: the series and the recent window read and clear a histogram
// every fraction of a simulated second, most of whose buckets are empty.
type histogram struct {
	subBits uint
	counts  []int64
	n       int64
	used    []int32 // the buckets with a count, in increasing order up to sorted
	sorted  int     // used[:sorted] is in increasing order
}

func newHistogram(subBits uint) histogram {
	// Durations up to 2^46 ns (about 19 hours) have buckets of their own;
	// longer ones share the last.
	return histogram{subBits: subBits, counts: make([]int64, (47-int(subBits)+1)<<subBits)}
}

func (h *histogram) index(v time.Duration) int {
	u := uint64(max(v, 0))
	b := h.subBits & 63 // below 64: the shifts need no check for wider ones
	if u>>b == 0 {
		return int(u)
	}
	// With 2^e <= u < 2^(e+1) and e >= subBits, bucket (e-subBits+1)<<subBits
	// plus the subBits bits below u's top one, u>>sh - 2^subBits: together
	// sh<<subBits + u>>sh.
	sh := uint(63-bits.LeadingZeros64(u)) - b
	i := int(uint64(sh)<<b + u>>(sh&63))
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

func (h *histogram) add(v time.Duration) { h.addN(h.index(v), 1) }

// addN adds c values to bucket i.
func (h *histogram) addN(i int, c int64) {
	if h.counts[i] == 0 {
		h.used = append(h.used, int32(i))
	}
	h.counts[i] += c
	h.n += c
}

// merge adds the values of o, a histogram with the same buckets.
func (h *histogram) merge(o *histogram) {
	for _, i := range o.used {
		h.addN(int(i), o.counts[i])
	}
}

// quantile returns the q-quantile (0 < q <= 1) of the values added, or 0 if
// there are none: the smallest bucket at or below which a fraction q lies.
func (h *histogram) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := quantileRank(q, h.n)
	if h.sorted < len(h.used) {
		slices.Sort(h.used)
		h.sorted = len(h.used)
	}
	var seen int64
	for _, i := range h.used {
		seen += h.counts[i]
		if seen >= rank {
			return h.bucketMid(int(i))
		}
	}
	return h.bucketMid(len(h.counts) - 1)
}

// quantileRank is the rank (1 to n) of the value that is the q-quantile of
// n values, smallest first.
func quantileRank(q float64, n int64) int64 {
	rank := int64(q*float64(n) + 0.5)
	return max(1, min(rank, n))
}

// reset empties the histogram, in time that grows with the buckets used.
func (h *histogram) reset() {
	for _, i := range h.used {
		h.counts[i] = 0
	}
	h.used, h.sorted, h.n = h.used[:0], 0, 0
}
