package main

import (
	"image"
	"image/color"
	"math"
)

// The atlas the picture is drawn from: a white square for rectangles and
// anti-aliased white discs of several sizes, so that a dot of any size is
// cut from a disc about twice as large (sharp on high-density screens too).
// A dot is drawn as the triangle around its disc (three corners and three
// indices, where a square takes four and six: a quarter of the vertices
// and half the indices of the frame's one draw call), so each disc sits in
// a cell with a transparent margin that the triangle's corners reach into.
var discSizes = [...]int{8, 16, 32, 64}

// discPad is the transparent rim, in texels, around what a triangle samples.
const discPad = 2

var sqrt3 = float32(math.Sqrt(3))

// srcRect is a region of the atlas in texels.
type srcRect struct{ x0, y0, x1, y1 float32 }

// whiteSrc samples the middle of the white square, where linear filtering
// sees only white.
var whiteSrc = srcRect{1.5, 1.5, 2.5, 2.5}

// discCellW and discCellH are the size of the cell of a disc of s texels:
// the triangle around it is sqrt(3)*s wide and 1.5*s tall. The width is
// even, so that the disc, centred across, starts on a whole texel.
func discCellW(s int) int { return 2*int(math.Ceil(math.Sqrt(3)*float64(s)/2)) + 2*discPad }
func discCellH(s int) int { return s + s/2 + 2*discPad }

// discX is the left edge of disc i's cell.
func discX(i int) int {
	x := 4
	for _, s := range discSizes[:i] {
		x += discCellW(s)
	}
	return x
}

// atlasW and atlasH are the atlas's size.
var atlasW, atlasH = discX(len(discSizes)), discCellH(discSizes[len(discSizes)-1])

// discSquare is where disc i lies in its cell: centred across, with room
// for the triangle's top corner above it.
func discSquare(i int) srcRect {
	s := discSizes[i]
	x := float32(discX(i)) + float32(discCellW(s)-s)/2
	y := float32(discPad + s/2)
	return srcRect{x, y, x + float32(s), y + float32(s)}
}

// discSrc is the disc to draw a dot of diameter d (CSS pixels) from.
func discSrc(d float32) srcRect {
	for i, s := range discSizes {
		if float32(s) >= 2*d || i == len(discSizes)-1 {
			return discSquare(i)
		}
	}
	panic("unreachable")
}

// corner is a vertex of a shape: where it lies on the canvas (dx, dy) and
// where it samples the atlas (sx, sy).
type corner struct{ dx, dy, sx, sy float32 }

// discTriangle is the triangle that draws a dot of diameter d whose box's
// top left is (x, y): equilateral, with the dot as its inscribed circle. It
// maps the dot's box onto its disc in the atlas exactly as the box's square
// would, so the pixels are the same; the rest of it samples transparent
// texels.
func discTriangle(x, y, d float32) [3]corner {
	src := discSrc(d)
	r, rs := d/2, (src.x1-src.x0)/2
	cx, cy := x+r, y+r
	scx, scy := src.x0+rs, src.y0+rs
	return [3]corner{
		{cx, cy - 2*r, scx, scy - 2*rs},
		{cx - sqrt3*r, cy + r, scx - sqrt3*rs, scy + rs},
		{cx + sqrt3*r, cy + r, scx + sqrt3*rs, scy + rs},
	}
}

// atlasImage draws the atlas: premultiplied white, each disc's edge
// antialiased over one texel, transparent elsewhere.
func atlasImage() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, atlasW, atlasH))
	for y := 0; y < 4; y++ {
		for x := 0; x < 4; x++ {
			img.SetRGBA(x, y, color.RGBA{255, 255, 255, 255})
		}
	}
	for i, s := range discSizes {
		sq := discSquare(i)
		x0, y0 := int(sq.x0), int(sq.y0)
		r := float64(s)/2 - 0.5 // keep a transparent rim for linear filtering
		for y := 0; y < s; y++ {
			for x := 0; x < s; x++ {
				dx, dy := float64(x)+0.5-float64(s)/2, float64(y)+0.5-float64(s)/2
				a := math.Max(0, math.Min(1, r-math.Hypot(dx, dy)+0.5))
				v := uint8(math.Round(a * 255))
				img.SetRGBA(x0+x, y0+y, color.RGBA{v, v, v, v})
			}
		}
	}
	return img
}
