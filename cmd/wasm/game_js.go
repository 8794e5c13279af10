//go:build js && wasm

package main

import (
	"slices"
	"sync"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"playground/cmd/wasm/scene"
)

// game is the Ebiten side: it steps the app, draws its scene's shapes in
// one batched DrawTriangles32 from a small atlas (a white square for
// rectangles, anti-aliased discs for dots, each dot a triangle), and hands the scene's labels to the HTML layer over
// the canvas. mu guards the app against the page's calls through cpSim.
type game struct {
	mu     sync.Mutex
	a      *app
	last   *scene.Scene
	atlas  *ebiten.Image
	verts  []ebiten.Vertex
	idx    []uint32
	triOpt ebiten.DrawTrianglesOptions
	text   labelLayer
}

func newGame(a *app) *game {
	g := &game{a: a, atlas: ebiten.NewImageFromImage(atlasImage())}
	g.triOpt.Filter = ebiten.FilterLinear
	// The atlas already has each disc at about twice its drawn size: no
	// mipmaps (Ebiten would scan every vertex to pick a level).
	g.triOpt.DisableMipmaps = true
	g.text.init()
	return g
}

// Update advances the simulation by one tick of simulated time at the
// chosen speed, moves the dots one tick and handles clicks; it never reads
// the simulation's clock from the OS.
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

// Draw paints the last Update's state; it does not change the simulation.
func (g *game) Draw(screen *ebiten.Image) {
	start := time.Now()
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.a.wantsDraw(g.last != nil) {
		return // the screen keeps the last picture (main turns off clearing)
	}
	g.a.painted()
	sc := g.a.frame()
	g.last = sc
	tScene := time.Now()
	g.verts, g.idx = appendShapes(g.verts[:0], g.idx[:0], sc.Quads)
	tVerts := time.Now()
	screen.DrawTriangles32(g.verts, g.idx, g.atlas, &g.triOpt)
	tDraw := time.Now()
	g.text.sync(sc.Labels, g.a.followsPoll(time.Now()))
	g.a.ready = true
	g.a.parts = [4]time.Duration{tScene.Sub(start), tVerts.Sub(tScene), tDraw.Sub(tVerts), time.Since(tDraw)}
	g.a.recordDraw(time.Since(start))
}

// appendShapes appends the vertices and indices that draw quads: a
// rectangle is two triangles sampling the atlas's white square, a dot the
// triangle around its disc.
func appendShapes(verts []ebiten.Vertex, idx []uint32, quads []scene.Quad) ([]ebiten.Vertex, []uint32) {
	verts, idx = slices.Grow(verts, 4*len(quads)), slices.Grow(idx, 6*len(quads))
	var lastD float32 = -1
	var tri [3]corner
	for i := range quads {
		q := &quads[i]
		n := uint32(len(verts))
		v := ebiten.Vertex{ColorR: q.C.R, ColorG: q.C.G, ColorB: q.C.B, ColorA: q.C.A}
		if q.Round { // a dot: the triangle around its disc
			if q.W != lastD { // the frame's dots mostly share a size
				lastD, tri = q.W, discTriangle(0, 0, q.W)
			}
			for _, c := range tri {
				v.DstX, v.DstY, v.SrcX, v.SrcY = q.X+c.dx, q.Y+c.dy, c.sx, c.sy
				verts = append(verts, v)
			}
			idx = append(idx, n, n+1, n+2)
			continue
		}
		src := whiteSrc
		v.DstX, v.DstY, v.SrcX, v.SrcY = q.X, q.Y, src.x0, src.y0
		verts = append(verts, v)
		v.DstX, v.SrcX = q.X+q.W, src.x1
		verts = append(verts, v)
		v.DstX, v.DstY, v.SrcX, v.SrcY = q.X, q.Y+q.H, src.x0, src.y1
		verts = append(verts, v)
		v.DstX, v.SrcX = q.X+q.W, src.x1
		verts = append(verts, v)
		idx = append(idx, n, n+1, n+2, n+1, n+3, n+2)
	}
	return verts, idx
}

// Layout uses the page's size in CSS pixels as the logical screen.
func (g *game) Layout(outsideWidth, outsideHeight int) (int, int) {
	w, h := max(outsideWidth, 200), max(outsideHeight, 120)
	g.a.resize(float32(w), float32(h))
	return w, h
}
