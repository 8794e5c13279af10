//go:build js && wasm

package main

import (
	"image"
	"image/color"
	"sync"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"playground/cmd/wasm/scene"
)

// game is the Ebiten side: it steps the app, draws its scene in one batched
// DrawTriangles32, and draws labels from a cache of pre-rendered images.
// mu guards the app against the page's calls through cpSim.
type game struct {
	mu     sync.Mutex
	a      *app
	w, h   int
	last   *scene.Scene
	white  *ebiten.Image
	verts  []ebiten.Vertex
	idx    []uint32
	atlas  *ebiten.Image // printable ASCII in a 7x13 bitmap face, side by side
	textV  []ebiten.Vertex
	textI  []uint32
	triOpt ebiten.DrawTrianglesOptions
}

func newGame(a *app) *game {
	w := ebiten.NewImage(3, 3)
	w.Fill(color.White)
	return &game{a: a, white: w.SubImage(image.Rect(1, 1, 2, 2)).(*ebiten.Image), atlas: glyphAtlas()}
}

// Update advances the simulation by one tick of simulated time at the
// chosen speed and handles clicks; it never reads the simulation's clock
// from the OS.
func (g *game) Update() error {
	start := time.Now()
	g.mu.Lock()
	defer g.mu.Unlock()
	g.a.step()
	if g.last != nil {
		if inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonLeft) {
			x, y := ebiten.CursorPosition()
			g.a.click(g.last, float32(x), float32(y))
		}
		for _, id := range inpututil.AppendJustPressedTouchIDs(nil) {
			x, y := ebiten.TouchPosition(id)
			g.a.click(g.last, float32(x), float32(y))
		}
	}
	g.a.recordUpdate(time.Since(start))
	return nil
}

// Draw lays out and paints the current state; it does not change the
// simulation.
func (g *game) Draw(screen *ebiten.Image) {
	start := time.Now()
	g.mu.Lock()
	defer g.mu.Unlock()
	sc := g.a.frame(float32(g.w), float32(g.h))
	g.last = sc
	tScene := time.Now()
	g.verts, g.idx = g.verts[:0], g.idx[:0]
	for i := range sc.Quads {
		q := &sc.Quads[i]
		n := uint32(len(g.verts))
		v := ebiten.Vertex{DstX: q.X, DstY: q.Y, SrcX: 1, SrcY: 1, ColorR: q.C.R, ColorG: q.C.G, ColorB: q.C.B, ColorA: q.C.A}
		g.verts = append(g.verts, v)
		v.DstX = q.X + q.W
		g.verts = append(g.verts, v)
		v.DstX, v.DstY = q.X, q.Y+q.H
		g.verts = append(g.verts, v)
		v.DstX = q.X + q.W
		g.verts = append(g.verts, v)
		g.idx = append(g.idx, n, n+1, n+2, n+1, n+3, n+2)
	}
	tVerts := time.Now()
	screen.DrawTriangles32(g.verts, g.idx, g.white, &g.triOpt)
	tDraw := time.Now()
	g.textV, g.textI = g.textV[:0], g.textI[:0]
	for _, l := range sc.Labels {
		g.appendText(l)
	}
	screen.DrawTriangles32(g.textV, g.textI, g.atlas, &g.triOpt)
	g.a.ready = true
	g.a.parts = [4]time.Duration{tScene.Sub(start), tVerts.Sub(tScene), tDraw.Sub(tVerts), time.Since(tDraw)}
	g.a.recordDraw(time.Since(start))
}

// Layout uses the page's size in CSS pixels as the logical screen.
func (g *game) Layout(outsideWidth, outsideHeight int) (int, int) {
	g.w, g.h = max(outsideWidth, 320), max(outsideHeight, 240)
	return g.w, g.h
}

const (
	glyphW, glyphH = 7, 13
	firstGlyph     = ' '
	lastGlyph      = '~'
)

// glyphAtlas draws every printable ASCII character once, in white, with a
// 7x13 bitmap face. Labels are then quads cut from it, all in one draw call.
// (ebitenutil's debug text would do, but ebitenutil imports net/http, which
// costs the page about half a megabyte of download.)
func glyphAtlas() *ebiten.Image {
	n := int(lastGlyph - firstGlyph + 1)
	rgba := image.NewRGBA(image.Rect(0, 0, n*glyphW, glyphH))
	d := font.Drawer{Dst: rgba, Src: image.White, Face: basicfont.Face7x13}
	for c := firstGlyph; c <= lastGlyph; c++ {
		d.Dot = fixed.P(int(c-firstGlyph)*glyphW, 10)
		d.DrawString(string(rune(c)))
	}
	return ebiten.NewImageFromImage(rgba)
}

// appendText adds the quads of one label; characters outside printable
// ASCII show as '?'.
func (g *game) appendText(l scene.Label) {
	x := l.X
	for _, r := range l.Text {
		c := int(r)
		if c < firstGlyph || c > lastGlyph {
			c = '?'
		}
		sx := float32((c - firstGlyph) * glyphW)
		n := uint32(len(g.textV))
		const w, h = glyphW, glyphH
		for _, p := range [4][4]float32{{x, l.Y, sx, 0}, {x + w, l.Y, sx + glyphW, 0}, {x, l.Y + h, sx, glyphH}, {x + w, l.Y + h, sx + glyphW, glyphH}} {
			g.textV = append(g.textV, ebiten.Vertex{DstX: p[0], DstY: p[1], SrcX: p[2], SrcY: p[3],
				ColorR: l.C.R, ColorG: l.C.G, ColorB: l.C.B, ColorA: l.C.A})
		}
		g.textI = append(g.textI, n, n+1, n+2, n+1, n+3, n+2)
		x += w
	}
}
