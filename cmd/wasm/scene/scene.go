// Package scene lays out a running simulation for drawing: where the
// clients, the listen queue, each worker with its threads or event loop and
// the upstream sit, where each request's dot is heading, and the shapes and
// words that show them. It is plain Go with no graphics library, so tests
// check it natively; the browser program draws a Scene's shapes in one
// batched Ebiten call and its labels as HTML text over the canvas.
//
// View.Update moves the dots (once per simulation tick, so their speed does
// not depend on the frame rate); View.Scene only reads.
package scene

import (
	"playground/engine"
)

// Quad is a filled rectangle, or the disc inscribed in it when Round.
type Quad struct {
	X, Y, W, H float32
	C          RGBA
	Round      bool
}

// Tone is how a label is coloured.
type Tone uint8

// The tones of a label.
const (
	ToneText  Tone = iota // a name or a number that matters
	ToneDim               // a region's name
	ToneAlert             // something is wrong: a blocked loop, a full queue
)

// Label is a line of text whose box (X, Y, W, H, in CSS pixels of the
// canvas) holds it at font size Px. No two labels of a scene overlap and
// none leaves the canvas.
type Label struct {
	Text       string
	X, Y, W, H float32
	Px         float32
	Tone       Tone
}

// Hit is a request's dot, for finding what the user clicked.
type Hit struct {
	X, Y float32
	Lane int
	Seq  int64
}

// Scene is one frame's drawing: quads in painting order, then labels.
type Scene struct {
	Quads  []Quad
	Labels []Label
	Hits   []Hit
	Dot    float32 // diameter of a request's dot this frame
	W, H   float32 // the canvas
}

func (sc *Scene) reset(w, h float32) {
	sc.Quads, sc.Labels, sc.Hits = sc.Quads[:0], sc.Labels[:0], sc.Hits[:0]
	sc.W, sc.H = w, h
}

func (sc *Scene) fill(r Rect, c RGBA) {
	if r.W > 0 && r.H > 0 {
		sc.Quads = append(sc.Quads, Quad{X: r.X, Y: r.Y, W: r.W, H: r.H, C: c})
	}
}

func (sc *Scene) disc(x, y, d float32, c RGBA) {
	sc.Quads = append(sc.Quads, Quad{X: x, Y: y, W: d, H: d, C: c, Round: true})
}

// stroke draws the outline of r, w wide, inside r.
func (sc *Scene) stroke(r Rect, w float32, c RGBA) {
	sc.fill(Rect{r.X, r.Y, r.W, w}, c)
	sc.fill(Rect{r.X, r.Y + r.H - w, r.W, w}, c)
	sc.fill(Rect{r.X, r.Y + w, w, r.H - 2*w}, c)
	sc.fill(Rect{r.X + r.W - w, r.Y + w, w, r.H - 2*w}, c)
}

// Pick returns the lane and request of the dot nearest to (x, y) within
// radius r, if there is one.
func (sc *Scene) Pick(x, y, r float32) (lane int, seq int64, ok bool) {
	best := r * r
	for _, h := range sc.Hits {
		dx, dy := h.X-x, h.Y-y
		if d := dx*dx + dy*dy; d <= best {
			best, lane, seq, ok = d, h.Lane, h.Seq, true
		}
	}
	return lane, seq, ok
}

// Input is one lane to draw: its label, this tick's snapshot, the requests
// that ended since the last tick, and the words for its traffic and its
// upstream ("50 clients", "upstream, 200 ms").
type Input struct {
	Label    string
	Snap     *engine.Snapshot
	Ended    []engine.Ended
	Traffic  []string // the clients column's title, longest first
	Upstream []string // the upstream column's title, longest first
}

// Selection names the request the user picked.
type Selection struct {
	Lane int
	Seq  int64
	On   bool
}

// Options are the reader's settings.
type Options struct {
	TextScale     float32 // 1 is normal; large text and presenter modes raise it
	ReducedMotion bool    // dots jump to their place instead of gliding
}
