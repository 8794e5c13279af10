package scene

import (
	"fmt"

	"playground/engine"
)

// Quad is a filled rectangle.
type Quad struct {
	X, Y, W, H float32
	C          RGBA
}

// Label is a line of text, drawn with a 7x13 bitmap face.
type Label struct {
	Text string
	X, Y float32
	C    RGBA
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
	Dot    float32 // side of a request's dot this frame
}

func (sc *Scene) reset() {
	sc.Quads, sc.Labels, sc.Hits = sc.Quads[:0], sc.Labels[:0], sc.Hits[:0]
}

func (sc *Scene) fill(r Rect, c RGBA) {
	if r.W > 0 && r.H > 0 {
		sc.Quads = append(sc.Quads, Quad{r.X, r.Y, r.W, r.H, c})
	}
}

// stroke draws the outline of r, w wide, inside r.
func (sc *Scene) stroke(r Rect, w float32, c RGBA) {
	sc.fill(Rect{r.X, r.Y, r.W, w}, c)
	sc.fill(Rect{r.X, r.Y + r.H - w, r.W, w}, c)
	sc.fill(Rect{r.X, r.Y + w, w, r.H - 2*w}, c)
	sc.fill(Rect{r.X + r.W - w, r.Y + w, w, r.H - 2*w}, c)
}

func (sc *Scene) label(text string, x, y float32, c RGBA) {
	sc.Labels = append(sc.Labels, Label{Text: text, X: x, Y: y, C: c})
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

// Input is one lane to draw: its label, this frame's snapshot, and the
// requests that ended since the last frame.
type Input struct {
	Label string
	Snap  *engine.Snapshot
	Ended []engine.Ended
}

// Selection names the request the user picked.
type Selection struct {
	Lane int
	Seq  int64
	On   bool
}

// View turns snapshots into scenes, frame after frame. It remembers where
// each request's dot is so that dots glide to where their request went
// instead of jumping. Nothing it does changes the simulation.
type View struct {
	lanes []laneState
	out   Scene
}

type laneState struct {
	layout laneLayout
	dots   []dot // by the request's engine slot; a dot whose seq differs is stale
	fades  []fade
	parked []int // per worker, dots placed in its waiting room this frame
}

type dot struct {
	seq  int64
	x, y float32
}

type fade struct {
	x, y, vx, vy float32
	age          int
	ok           bool
}

// Glide is the share of the remaining distance a dot covers each frame:
// fast enough that a dot reaches its thread within a few frames even at the
// low frame rates of software WebGL.
const Glide = 0.45

const fadeFrames = 16

// Reset forgets every dot, as when a new scenario starts.
func (v *View) Reset() { v.lanes = v.lanes[:0] }

// Frame lays out the lanes in a w x h canvas and returns the scene to draw.
// The scene is reused by the next call.
func (v *View) Frame(in []Input, w, h float32, sel Selection) *Scene {
	sc := &v.out
	sc.reset()
	for len(v.lanes) < len(in) {
		v.lanes = append(v.lanes, laneState{})
	}
	sc.fill(Rect{0, 0, w, h}, colorBG)
	areas := splitLanes(Rect{0, 0, w, h}, len(in))
	for i := range in {
		v.drawLane(i, &in[i], areas[i].Inset(3), sel)
	}
	return sc
}

func (v *View) drawLane(li int, in *Input, r Rect, sel Selection) {
	ls := &v.lanes[li]
	sc := &v.out
	snap := in.Snap
	lanes := make([]int, 0, 16)
	loop, loopOnly := false, false
	for _, w := range snap.Workers {
		lanes = append(lanes, max(1, w.Lanes))
		loop = loop || w.Loop
		loopOnly = w.Loop && w.Lanes == 1
	}
	L := &ls.layout
	layoutLane(r, lanes, loop, loopOnly, L)
	d := L.dot
	sc.Dot = d

	// Panels and labels.
	sc.fill(r, colorPanel)
	sc.label(in.Label, r.X+6, r.Y+3, colorText)
	coresX := r.X + r.W - float32(snap.Cores)*(d+3) - 60
	sc.label("cores", coresX-38, r.Y+4, colorDim)
	for c := 0; c < snap.Cores; c++ {
		col := colorLane
		if c < snap.Busy {
			col = StateColor(engine.StateCPU)
		}
		sc.fill(Rect{coresX + float32(c)*(d+3), r.Y + 6, d + 1, d + 1}, col)
	}
	sc.fill(L.backlog, colorBox)
	sc.label(fmt.Sprintf("listen queue %d", snap.Backlog), L.backlog.X+3, L.backlog.Y+2, colorDim)
	sc.fill(L.upstream, colorBox)
	sc.label(fmt.Sprintf("upstream %d calls", snap.Upstream), L.upstream.X+3, L.upstream.Y+2, colorDim)

	ls.parked = ls.parked[:0]
	for i := range L.workers {
		ls.parked = append(ls.parked, 0)
		v.drawWorker(L, i, &snap.Workers[i])
	}

	// Upstream calls: one dot a call.
	up := Rect{L.upstream.X + 3, L.upstream.Y + 18, L.upstream.W - 6, L.upstream.H - 20}
	for k := 0; k < snap.Upstream; k++ {
		x, y, over := gridSlot(up, k, d)
		if over { // the area is full: the label has the count
			break
		}
		sc.fill(Rect{x, y, d, d}, StateColor(engine.StateIO))
	}

	// Requests.
	backlogArea := Rect{L.backlog.X + 3, L.backlog.Y + 18, L.backlog.W - 6, L.backlog.H - 20}
	for qi := range snap.Requests {
		q := &snap.Requests[qi]
		tx, ty, hidden := v.target(ls, q, backlogArea, d)
		for q.Slot >= len(ls.dots) {
			ls.dots = append(ls.dots, dot{seq: -1})
		}
		dt := &ls.dots[q.Slot]
		if dt.seq != q.Seq { // a new request: it comes in from the clients
			*dt = dot{seq: q.Seq, x: L.clientX, y: ty}
		}
		dt.x += (tx - dt.x) * Glide
		dt.y += (ty - dt.y) * Glide
		c := StateColor(q.State)
		if q.Orphan {
			c = c.WithAlpha(0.45)
		}
		sc.Hits = append(sc.Hits, Hit{dt.x + d/2, dt.y + d/2, li, q.Seq})
		// A queue longer than its area piles dots on its last row: once such
		// a dot has settled under another it adds nothing to the picture.
		if hidden && abs(tx-dt.x) < 0.5 && abs(ty-dt.y) < 0.5 {
			continue
		}
		sc.fill(Rect{dt.x, dt.y, d, d}, c)
		if sel.On && sel.Lane == li && sel.Seq == q.Seq {
			sc.stroke(Rect{dt.x - 3, dt.y - 3, d + 6, d + 6}, 1.5, colorSelected)
		}
	}

	// Requests that ended fly out: answered ones back to the clients,
	// failed ones down.
	for _, e := range in.Ended {
		if e.Slot >= len(ls.dots) || ls.dots[e.Slot].seq != e.Seq {
			continue // never drawn
		}
		dt := &ls.dots[e.Slot]
		dt.seq = -1
		f := fade{x: dt.x, y: dt.y, ok: e.OK}
		if e.OK {
			f.vx = -2 // drifts back toward the clients as it fades
		} else {
			f.vy = 2 // drops as it fades
		}
		ls.fades = append(ls.fades, f)
	}
	live := ls.fades[:0]
	for _, f := range ls.fades {
		f.age++
		if f.age > fadeFrames {
			continue
		}
		f.x += f.vx
		f.y += f.vy
		c := ColorDone
		if !f.ok {
			c = ColorFailed
		}
		sc.fill(Rect{f.x, f.y, d, d}, c.WithAlpha(1-float32(f.age)/fadeFrames))
		live = append(live, f)
	}
	ls.fades = live
}

func (v *View) drawWorker(L *laneLayout, i int, w *engine.WorkerSnap) {
	sc := &v.out
	wl := &L.workers[i]
	switch {
	case !w.Alive:
		sc.fill(wl.box, colorDead)
		sc.label("restarting", wl.box.X+4, wl.box.Y+2, colorDim)
		return
	default:
		sc.fill(wl.box, colorBox)
	}
	if w.Blocked {
		sc.stroke(wl.box, 3, colorBlocked)
	} else {
		sc.stroke(wl.box, 1, colorEdge)
	}
	if wl.box.H >= 16 && len(L.workers) <= 8 {
		sc.label(fmt.Sprintf("worker %d", i+1), wl.queue.X+2, wl.queue.Y+1, colorDim)
	}
	for li, lr := range wl.lanes {
		sc.fill(lr, colorLane)
		if w.Running == li {
			sc.stroke(lr, 1, colorOnCore)
		}
	}
	if wl.room.H > 0 {
		sc.fill(wl.room, colorLane.WithAlpha(0.5))
	}
}

// target is where request q's dot belongs now; hidden says that place is
// under another dot (its queue overflows its area).
func (v *View) target(ls *laneState, q *engine.RequestSnap, backlog Rect, d float32) (x, y float32, hidden bool) {
	L := &ls.layout
	switch q.State {
	case engine.StateConnecting:
		return L.clientX + 2, backlog.Y + float32((q.Seq*7)%int64(max(1, int(backlog.H/(d+1)))))*(d+1), false
	case engine.StateBacklog:
		return gridSlot(backlog, q.Order, d)
	}
	if q.Worker < 0 || q.Worker >= len(L.workers) {
		return L.clientX, backlog.Y, false
	}
	wl := &L.workers[q.Worker]
	if q.Lane >= 0 && q.Lane < len(wl.lanes) {
		lr := wl.lanes[q.Lane]
		// On a thread or the loop: the bar shows the state, the dot sits at its end.
		v.out.fill(Rect{lr.X, lr.Y, lr.W - d - 2, lr.H}, StateColor(q.State).WithAlpha(0.55))
		return lr.X + lr.W - d - 1, lr.Y + (lr.H-d)/2, false
	}
	if q.State == engine.StateIO || q.State == engine.StateBlocked {
		if wl.room.H > 0 {
			k := ls.parked[q.Worker]
			ls.parked[q.Worker]++
			return gridSlot(wl.room, k, d)
		}
	}
	qa := Rect{wl.queue.X, wl.queue.Y + 14, wl.queue.W, max(d, wl.queue.H-14)}
	if wl.queue.H < 30 {
		qa = wl.queue
	}
	if q.State == engine.StateWaitLoop && len(wl.lanes) > 0 {
		// Ready tasks line up in the top half, waiting for the loop.
		qa.H /= 2
	} else if q.State == engine.StateQueued && wl.room.H == 0 && len(wl.lanes) > 1 && L.workers[q.Worker].lanes[0].H < wl.queue.H/2 {
		qa.Y += qa.H / 2
		qa.H /= 2
	}
	return gridSlot(qa, q.Order, d)
}

func abs(x float32) float32 {
	if x < 0 {
		return -x
	}
	return x
}
