package main

import (
	"math"
	"testing"
)

// A dot drawn as a triangle shows the same disc as its square did: the
// triangle maps the dot's box onto the disc's texels, holds the whole dot,
// and samples nothing but transparent texels outside the disc, inside the
// disc's own cell.
func TestDiscTriangle(t *testing.T) {
	img := atlasImage()
	for _, d := range []float32{3, 4.5, 7, 12, 16.5, 40} {
		x, y := float32(101.25), float32(37.5)
		c := discTriangle(x, y, d)
		src := discSrc(d)
		// The affine map from canvas to atlas that the three corners make.
		det := (c[1].dx-c[0].dx)*(c[2].dy-c[0].dy) - (c[2].dx-c[0].dx)*(c[1].dy-c[0].dy)
		at := func(px, py float32) (float32, float32) {
			u := ((px-c[0].dx)*(c[2].dy-c[0].dy) - (c[2].dx-c[0].dx)*(py-c[0].dy)) / det
			v := ((c[1].dx-c[0].dx)*(py-c[0].dy) - (px-c[0].dx)*(c[1].dy-c[0].dy)) / det
			return c[0].sx + u*(c[1].sx-c[0].sx) + v*(c[2].sx-c[0].sx), c[0].sy + u*(c[1].sy-c[0].sy) + v*(c[2].sy-c[0].sy)
		}
		for _, p := range [][4]float32{{x, y, src.x0, src.y0}, {x + d, y + d, src.x1, src.y1}, {x + d, y, src.x1, src.y0}} {
			if sx, sy := at(p[0], p[1]); abs32(sx-p[2]) > 1e-3 || abs32(sy-p[3]) > 1e-3 {
				t.Errorf("d=%v: the triangle maps the box corner (%v, %v) to texel (%v, %v), want (%v, %v)", d, p[0], p[1], sx, sy, p[2], p[3])
			}
		}
		// Each side is at least the dot's radius from its centre.
		cx, cy, r := x+d/2, y+d/2, d/2
		for i := range c {
			a, b := c[i], c[(i+1)%3]
			ex, ey := b.dx-a.dx, b.dy-a.dy
			dist := abs32(ex*(cy-a.dy)-ey*(cx-a.dx)) / float32(math.Hypot(float64(ex), float64(ey)))
			if dist < r-1e-3 {
				t.Errorf("d=%v: side %d passes %v from the dot's centre, inside its radius %v", d, i, dist, r)
			}
		}
		// The corners stay in the disc's cell, off its edges by discPad.
		i := 0
		for discSizes[i] < int(src.x1-src.x0) {
			i++
		}
		x0, x1 := float32(discX(i)+discPad), float32(discX(i)+discCellW(discSizes[i])-discPad)
		for _, k := range c {
			if k.sx < x0-1e-3 || k.sx > x1+1e-3 || k.sy < discPad-1e-3 || k.sy > float32(atlasH-discPad)+1e-3 {
				t.Errorf("d=%v: corner samples texel (%v, %v), outside disc %d's cell %v..%v", d, k.sx, k.sy, i, x0, x1)
			}
		}
	}
	// Outside each disc's square, its cell is transparent.
	for i, s := range discSizes {
		sq := discSquare(i)
		for y := 0; y < atlasH; y++ {
			for x := discX(i); x < discX(i)+discCellW(s); x++ {
				in := float32(x) >= sq.x0 && float32(x) < sq.x1 && float32(y) >= sq.y0 && float32(y) < sq.y1
				if a := img.RGBAAt(x, y).A; !in && a != 0 {
					t.Fatalf("disc %d: texel (%d, %d) outside the disc has alpha %d", i, x, y, a)
				}
			}
		}
		if a := img.RGBAAt(int(sq.x0)+s/2, int(sq.y0)+s/2).A; a != 255 {
			t.Errorf("disc %d: its centre has alpha %d, want 255", i, a)
		}
	}
	if c := img.RGBAAt(int(whiteSrc.x0), int(whiteSrc.y0)); c.R != 255 || c.A != 255 {
		t.Errorf("the white square is %v", c)
	}
}

func abs32(x float32) float32 { return float32(math.Abs(float64(x))) }
