package engine

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestFrexpNormal checks the split that detLog reads off a positive normal
// number's bits against math.Frexp, which it stands for there, and detLog
// against math.Log on the values the engine draws.
func TestFrexpNormal(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	xs := []float64{1, 0.5, 2, math.Sqrt2 / 2, 0x1p-1022, math.MaxFloat64, 1 - 0x1p-53, 0x1p-53}
	for i := 0; i < 100000; i++ {
		xs = append(xs, 1-rng.Float64(), math.Abs(math.Float64frombits(rng.Uint64())))
	}
	for _, x := range xs {
		if x == 0 || math.IsInf(x, 0) || math.IsNaN(x) || x < 0x1p-1022 {
			continue // not normal: detLog calls math.Frexp itself
		}
		f, e := frexpNormal(math.Float64bits(x))
		if wf, we := math.Frexp(x); f != wf || e != we {
			t.Fatalf("frexpNormal(%v) = %v, %d; want math.Frexp's %v, %d", x, f, e, wf, we)
		}
		if got, want := detLog(x), math.Log(x); math.Abs(got-want) > 1e-15*math.Max(1, math.Abs(want)) {
			t.Fatalf("detLog(%v) = %v, want math.Log's %v", x, got, want)
		}
	}
	for _, x := range []float64{0, -1, math.Inf(1), math.NaN()} {
		got, want := detLog(x), math.Log(x)
		if got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Errorf("detLog(%v) = %v, want %v", x, got, want)
		}
	}
}
