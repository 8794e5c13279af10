// Package scene lays out a running simulation for drawing: where each
// worker, thread lane and queue sits, where each request's dot is heading,
// and the coloured rectangles and labels that show them. It is plain Go with
// no graphics library, so tests check it natively; the browser program turns
// a Scene into one batched Ebiten draw.
package scene

import "playground/engine"

// RGBA is a colour with straight (not premultiplied) alpha, each 0 to 1.
type RGBA struct{ R, G, B, A float32 }

func hex(v uint32) RGBA {
	return RGBA{float32(v>>16&0xff) / 255, float32(v>>8&0xff) / 255, float32(v&0xff) / 255, 1}
}

// WithAlpha returns c with alpha a.
func (c RGBA) WithAlpha(a float32) RGBA { c.A = a; return c }

// StateColor is the colour of a request in state st; docs/browser-api.md
// lists the same colours for the page's legend.
func StateColor(st engine.State) RGBA { return stateColors[st] }

var stateColors = [...]RGBA{
	engine.StateNone:       hex(0x000000),
	engine.StateConnecting: hex(0xc8c8c8),
	engine.StateBacklog:    hex(0x8fa3bf),
	engine.StateQueued:     hex(0x6b7fa0),
	engine.StateWaitLoop:   hex(0xa58fbf),
	engine.StateWaitGIL:    hex(0xb455d8),
	engine.StateWaitCore:   hex(0x9b9b9b),
	engine.StateCPU:        hex(0xf5a623),
	engine.StateIO:         hex(0x4a90e2),
	engine.StateBlocked:    hex(0xe02020),
	engine.StateWaitPool:   hex(0x50b8b0),
}

// Colours of what is not a request state.
var (
	ColorDone     = hex(0x58c322)
	ColorFailed   = hex(0xff8c8c)
	colorBG       = hex(0x1b1f24)
	colorPanel    = hex(0x262c33)
	colorBox      = hex(0x313840)
	colorEdge     = hex(0x4a535e)
	colorLane     = hex(0x20252b)
	colorText     = hex(0xe8ecef)
	colorDim      = hex(0x9aa4ae)
	colorOnCore   = hex(0xffe27a)
	colorBlocked  = hex(0xe02020)
	colorDead     = hex(0x3a3a3a)
	colorSelected = hex(0xffffff)
)
