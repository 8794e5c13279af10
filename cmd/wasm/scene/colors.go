package scene

import (
	"fmt"

	"playground/engine"
)

// RGBA is a colour with straight (not premultiplied) alpha, each 0 to 1.
type RGBA struct{ R, G, B, A float32 }

func hex(v uint32) RGBA {
	return RGBA{float32(v>>16&0xff) / 255, float32(v>>8&0xff) / 255, float32(v&0xff) / 255, 1}
}

// WithAlpha returns c with alpha a.
func (c RGBA) WithAlpha(a float32) RGBA { c.A = a; return c }

// Hex returns c as CSS writes it, #rrggbb (alpha dropped).
func (c RGBA) Hex() string {
	b := func(f float32) int { return int(f*255 + 0.5) }
	return fmt.Sprintf("#%02x%02x%02x", b(c.R), b(c.G), b(c.B))
}

// StateInfo is one row of the legend: a request state (or an outcome), its
// colour and what it means in words. It is the one table of states: the page's
// legend, the CSS and docs/browser-api.md are generated from or checked
// against it.
type StateInfo struct {
	Name    string `json:"state"`   // as engine.State.String() prints it, or "done" / "failed"
	Colour  string `json:"colour"`  // #rrggbb
	Meaning string `json:"meaning"` // a short phrase for the legend
	c       RGBA
}

// The colours were chosen so that every pair stays apart (CIELAB distance)
// for normal vision and simulated protanopia, deuteranopia and tritanopia,
// and each has at least 3:1 contrast on the lanes' background (colors_test.go
// checks both). Blocked and failed also differ in place and motion: a blocked
// worker gets a thick outline, a failed request drops.
var states = [...]StateInfo{
	{Name: "connecting", c: hex(0x6e7681), Meaning: "turned away by a full listen queue; the client sends it again"},
	{Name: "backlog", c: hex(0xc9d1d9), Meaning: "in the listen queue, not yet accepted"},
	{Name: "queued", c: hex(0xf0e442), Meaning: "accepted; waits for a free thread (uWSGI: for its request)"},
	{Name: "wait-loop", c: hex(0xcc79a7), Meaning: "ready, waiting for its turn on the event loop"},
	{Name: "wait-gil", c: hex(0xff5fd2), Meaning: "wants CPU; another thread holds the GIL"},
	{Name: "wait-core", c: hex(0xb38e5d), Meaning: "wants CPU; every core is busy"},
	{Name: "cpu", c: hex(0xe69f00), Meaning: "running Python on a core"},
	{Name: "io", c: hex(0x56b4e9), Meaning: "waiting on the upstream; the GIL or the loop is free for others"},
	{Name: "blocked", c: hex(0xff3b30), Meaning: "waiting on the upstream and holding the whole loop"},
	{Name: "wait-pool", c: hex(0x009e73), Meaning: "waiting for an upstream connection from the pool"},
	{Name: "done", c: hex(0x2ee88a), Meaning: "answered: it travels back to its client"},
	{Name: "failed", c: hex(0xb36bff), Meaning: "timed out or refused: it drops away"},
}

func init() {
	for i := range states {
		states[i].Colour = states[i].c.Hex()
	}
	for st := engine.StateConnecting; st <= engine.StateWaitPool; st++ {
		if states[st-1].Name != st.String() {
			panic("scene: state table out of order at " + st.String())
		}
	}
}

// States returns the legend: every request state in engine order, then the
// outcomes "done" and "failed".
func States() []StateInfo { return append([]StateInfo(nil), states[:]...) }

// StateColor is the colour of a request in state st.
func StateColor(st engine.State) RGBA {
	if st == engine.StateNone || int(st) > len(states)-2 {
		return colorDim
	}
	return states[st-1].c
}

// Colours of what is not a request state.
var (
	ColorDone     = states[len(states)-2].c
	ColorFailed   = states[len(states)-1].c
	colorBG       = hex(0x1b1f24)
	colorPanel    = hex(0x262c33)
	colorBox      = hex(0x313840)
	colorEdge     = hex(0x4a535e)
	colorLane     = hex(0x20252b)
	colorText     = hex(0xe8ecef)
	colorDim      = hex(0xaab4be)
	colorOnCore   = hex(0xffe27a)
	colorBlocked  = states[engine.StateBlocked-1].c
	colorDead     = hex(0x3a3a3a)
	colorSelected = hex(0xffffff)
)
