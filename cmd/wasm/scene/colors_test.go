package scene

import (
	"math"
	"testing"
)

// Colour-vision simulation matrices of Machado, Oliveira and Fernandes
// (2009), severity 1.0, applied to linear RGB.
var visions = []struct {
	name string
	m    [9]float64
}{
	{"normal", [9]float64{1, 0, 0, 0, 1, 0, 0, 0, 1}},
	{"protanopia", [9]float64{0.152286, 1.052583, -0.204868, 0.114503, 0.786281, 0.099216, -0.003882, -0.048116, 1.051998}},
	{"deuteranopia", [9]float64{0.367322, 0.860646, -0.227968, 0.280085, 0.672501, 0.047413, -0.011820, 0.042940, 0.968881}},
	{"tritanopia", [9]float64{1.255528, -0.076749, -0.178779, -0.078411, 0.930809, 0.147602, 0.004733, 0.691367, 0.303900}},
}

func linear(c float32) float64 {
	v := float64(c)
	if v <= 0.04045 {
		return v / 12.92
	}
	return math.Pow((v+0.055)/1.055, 2.4)
}

// seen is c as CIELAB, after a colour-vision simulation m.
func seen(c RGBA, m [9]float64) [3]float64 {
	r, g, b := linear(c.R), linear(c.G), linear(c.B)
	cl := func(x float64) float64 { return math.Max(0, math.Min(1, x)) }
	r, g, b = cl(m[0]*r+m[1]*g+m[2]*b), cl(m[3]*r+m[4]*g+m[5]*b), cl(m[6]*r+m[7]*g+m[8]*b)
	x := (0.4124*r + 0.3576*g + 0.1805*b) / 0.95047
	y := 0.2126*r + 0.7152*g + 0.0722*b
	z := (0.0193*r + 0.1192*g + 0.9505*b) / 1.08883
	f := func(t float64) float64 {
		if t > 216.0/24389 {
			return math.Cbrt(t)
		}
		return (24389.0/27*t + 16) / 116
	}
	return [3]float64{116*f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))}
}

func luminance(c RGBA) float64 {
	return 0.2126*linear(c.R) + 0.7152*linear(c.G) + 0.0722*linear(c.B)
}

// Every two states stay apart for normal vision and the three dichromacies.
// The threshold is in CIELAB units (about 2.3 is a just noticeable
// difference; 10 is plainly different at a dot's size).
func TestStateColoursStayApart(t *testing.T) {
	const minDist = 10
	for _, v := range visions {
		for i := range states {
			for j := i + 1; j < len(states); j++ {
				a, b := seen(states[i].c, v.m), seen(states[j].c, v.m)
				d := math.Sqrt((a[0]-b[0])*(a[0]-b[0]) + (a[1]-b[1])*(a[1]-b[1]) + (a[2]-b[2])*(a[2]-b[2]))
				if d < minDist {
					t.Errorf("%s: %s %s and %s %s are %.1f apart, want at least %d",
						v.name, states[i].Name, states[i].Colour, states[j].Name, states[j].Colour, d, minDist)
				}
			}
		}
	}
}

// Every state colour has at least 3:1 contrast on the lane background (WCAG
// 1.4.11 for graphical objects).
func TestStateColoursContrast(t *testing.T) {
	bg := luminance(colorLane)
	for _, s := range states {
		if c := (luminance(s.c) + 0.05) / (bg + 0.05); c < 3 {
			t.Errorf("%s %s: contrast %.2f on %s, want at least 3", s.Name, s.Colour, c, colorLane.Hex())
		}
	}
}

func TestStatesTable(t *testing.T) {
	for _, s := range States() {
		if s.Colour != s.c.Hex() || len(s.Colour) != 7 || s.Meaning == "" {
			t.Errorf("state %q: colour %q meaning %q", s.Name, s.Colour, s.Meaning)
		}
	}
	if got := ColorDone.Hex(); got != "#2ee88a" {
		t.Errorf("ColorDone = %s, want the done row's colour", got)
	}
}
