package main

import (
	"image"
	"image/color"
	"math"
)

// The atlas the picture is drawn from: a white square for rectangles and
// anti-aliased white discs of several sizes, so that a dot of any size is
// cut from a disc about twice as large (sharp on high-density screens too).
var discSizes = [...]int{8, 16, 32, 64}

const atlasH = 64

// srcRect is a region of the atlas in texels.
type srcRect struct{ x0, y0, x1, y1 float32 }

// whiteSrc samples the middle of the white square, where linear filtering
// sees only white.
var whiteSrc = srcRect{1.5, 1.5, 2.5, 2.5}

func discX(i int) int {
	x := 4
	for _, d := range discSizes[:i] {
		x += d + 2
	}
	return x
}

// discSrc is the disc to draw a dot of diameter d (CSS pixels) from.
func discSrc(d float32) srcRect {
	for i, s := range discSizes {
		if float32(s) >= 2*d || i == len(discSizes)-1 {
			x := float32(discX(i))
			return srcRect{x, 0, x + float32(s), float32(s)}
		}
	}
	panic("unreachable")
}

// atlasImage draws the atlas: premultiplied white, each disc's edge
// antialiased over one texel.
func atlasImage() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, discX(len(discSizes)), atlasH))
	for y := 0; y < 4; y++ {
		for x := 0; x < 4; x++ {
			img.SetRGBA(x, y, color.RGBA{255, 255, 255, 255})
		}
	}
	for i, s := range discSizes {
		x0 := discX(i)
		r := float64(s)/2 - 0.5 // keep a transparent rim for linear filtering
		for y := 0; y < s; y++ {
			for x := 0; x < s; x++ {
				dx, dy := float64(x)+0.5-float64(s)/2, float64(y)+0.5-float64(s)/2
				a := math.Max(0, math.Min(1, r-math.Hypot(dx, dy)+0.5))
				v := uint8(math.Round(a * 255))
				img.SetRGBA(x0+x, y, color.RGBA{v, v, v, v})
			}
		}
	}
	return img
}
