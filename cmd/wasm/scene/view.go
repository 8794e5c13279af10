package scene

import (
	"playground/engine"
)

// View turns snapshots into scenes. It remembers where each request's dot
// is, so that dots glide to where their request went instead of jumping, and
// answered requests travel back to their client. Nothing it does changes the
// simulation.
type View struct {
	lanes []laneState
	in    []Input
	w, h  float32
	opt   Options
	m     textMetrics
	out   Scene
}

type laneState struct {
	layout laneLayout
	dots   []dot // by the request's engine slot; a dot whose seq differs is stale
	fades  []fade
	// Per worker, counted each Update: requests parked on I/O in its room,
	// requests waiting in its queue.
	parked, queued []int
	waiting        []int32 // per client mark: clients waiting for an answer
	// handed is, per worker slot, the ticks left of the flash that shows
	// its main thread handed a request to a pool thread (gthread).
	handed     []int
	slot       []int // per worker slot of the snapshot, its box, or -1 if gone
	connecting int
}

type dot struct {
	seq    int64
	state  engine.State // its request's state at the last snapshot
	x, y   float32      // where it is
	tx, ty float32      // where it goes
	over   bool         // its place is under another dot of an overflowing queue
	hidden bool         // it has settled there
}

type fade struct {
	x0, y0, x1, y1 float32
	age            int
	ok             bool
}

// Glide is the share of the remaining distance a dot covers in one tick
// (1/60 s): it reaches its place in about a fifth of a second.
const Glide = 0.3

// handTicks is how long a main thread's bar stays lit after it handed a
// request to a pool thread: a quarter of a second.
const handTicks = 15

// fadeTicks is how long an ended request stays in view: an answered one
// travels back to its client, a failed one drops.
const fadeTicks = 30

// Reset forgets every dot, as when a new scenario starts.
func (v *View) Reset() {
	v.lanes = v.lanes[:0]
	v.in = v.in[:0]
}

// Update lays out the lanes in a w x h canvas, sets each dot's place from
// the snapshots and moves every dot one tick toward it. The view keeps in
// (and the snapshots it points to) until the next Update; the caller must
// not change them before Scene. Between snapshots, Glide moves the dots on.
func (v *View) Update(in []Input, w, h float32, opt Options) {
	v.Place(in, w, h, opt)
	v.Glide()
}

// Place is Update without the tick's motion: it takes new snapshots (and
// their words) between ticks, and the dots move only as the ticks go on.
func (v *View) Place(in []Input, w, h float32, opt Options) {
	v.in, v.w, v.h, v.opt = in, w, h, opt
	v.m = newMetrics(fontPx(w, h, len(in), opt.TextScale))
	for len(v.lanes) < len(in) {
		v.lanes = append(v.lanes, laneState{})
	}
	areas := splitLanes(Rect{0, 0, w, h}, len(in))
	for i := range in {
		v.updateLane(&v.lanes[i], &in[i], areas[i].Inset(2))
	}
}

// Glide moves every dot one tick (1/60 s) toward its place, and ages the
// ended requests' dots: the motion of a tick without a new snapshot.
func (v *View) Glide() {
	g := float32(Glide)
	if v.opt.ReducedMotion {
		g = 1
	}
	for i := range v.in {
		ls := &v.lanes[i]
		for j := range ls.dots {
			dt := &ls.dots[j]
			if dt.seq < 0 {
				continue
			}
			dt.x += (dt.tx - dt.x) * g
			dt.y += (dt.ty - dt.y) * g
			dt.hidden = dt.over && abs(dt.tx-dt.x) < 0.5 && abs(dt.ty-dt.y) < 0.5
		}
		for w := range ls.handed {
			ls.handed[w] = max(0, ls.handed[w]-1)
		}
		live := ls.fades[:0]
		for _, f := range ls.fades {
			f.age++
			if f.age <= fadeTicks {
				live = append(live, f)
			}
		}
		ls.fades = live
	}
}

// shapeOf is the shape of the server in s, and for each of its worker
// slots the box it gets (-1 for a slot whose worker has exited).
func shapeOf(s *engine.Snapshot, slot []int) (laneShape, []int) {
	var sh laneShape
	sh.lanes = make([]int, 0, len(s.Workers))
	slot = slot[:0]
	for _, w := range s.Workers {
		if w.Gone {
			slot = append(slot, -1)
			continue
		}
		slot = append(slot, len(sh.lanes))
		sh.lanes = append(sh.lanes, max(1, w.Lanes))
		sh.loop = sh.loop || w.Loop
		sh.loopOnly = w.Loop && w.Lanes == 1
		sh.main = sh.main || w.Main > 0
	}
	sh.jobs = len(s.Jobs.Workers)
	return sh, slot
}

// handedOut reports whether request q, in state was at the last snapshot
// (StateBacklog for one that was not yet drawn), has since left the listen
// queue for its worker's threads: the hand-off a main thread makes.
func handedOut(was engine.State, q *engine.RequestSnap) bool {
	if q.Worker < 0 || q.State == engine.StateBacklog || q.State == engine.StateConnecting {
		return false
	}
	return was == engine.StateBacklog || was == engine.StateConnecting
}

// box is the index in layout.workers of worker slot w, or -1.
func (ls *laneState) box(w int) int {
	if w < 0 || w >= len(ls.slot) {
		return -1
	}
	return ls.slot[w]
}

func (v *View) updateLane(ls *laneState, in *Input, r Rect) {
	snap := in.Snap
	L := &ls.layout
	var sh laneShape
	sh, ls.slot = shapeOf(snap, ls.slot)
	layoutLane(r, v.m, sh, L)
	d := L.dot
	ls.parked = zeroed(ls.parked, len(L.workers))
	ls.queued = zeroed(ls.queued, len(L.workers))
	marks := clientMarks(L, snap.Clients)
	ls.waiting = zeroed(ls.waiting, marks.n)
	ls.connecting = 0
	for len(ls.handed) < len(snap.Workers) {
		ls.handed = append(ls.handed, 0)
	}
	for qi := range snap.Requests {
		q := &snap.Requests[qi]
		if q.Client >= 0 && !q.Orphan {
			ls.waiting[marks.index(q.Client)]++
		}
		if q.State == engine.StateConnecting {
			ls.connecting++
		}
		tx, ty, hidden := v.target(ls, q, marks)
		for q.Slot >= len(ls.dots) {
			ls.dots = append(ls.dots, dot{seq: -1})
		}
		dt := &ls.dots[q.Slot]
		fresh := dt.seq != q.Seq
		if fresh { // a new request: it leaves its client
			sx, sy := marks.center(L, q.Client)
			*dt = dot{seq: q.Seq, x: sx - d/2, y: sy - d/2, state: engine.StateBacklog}
		}
		if handedOut(dt.state, q) && q.Worker < len(ls.handed) {
			// Out of the listen queue into the worker: in gthread, its
			// main thread took the GIL and handed it to the pool since the
			// last snapshot.
			ls.handed[q.Worker] = handTicks
		}
		dt.state = q.State
		dt.tx, dt.ty, dt.over = tx, ty, hidden
	}

	// Requests that ended: answered ones travel back to their client,
	// failed ones drop.
	for _, e := range in.Ended {
		if e.Slot >= len(ls.dots) || ls.dots[e.Slot].seq != e.Seq {
			continue // never drawn
		}
		dt := &ls.dots[e.Slot]
		dt.seq = -1
		f := fade{x0: dt.x, y0: dt.y, x1: dt.x, y1: dt.y + 3*d, ok: e.OK}
		if e.OK {
			cx, cy := marks.center(L, e.Client)
			f.x1, f.y1 = cx-d/2, cy-d/2
		}
		if v.opt.ReducedMotion {
			f.x1, f.y1 = f.x0, f.y0
		}
		ls.fades = append(ls.fades, f)
	}
}

// target is where request q's dot belongs now; hidden says that place is
// under another dot (its queue overflows its area).
func (v *View) target(ls *laneState, q *engine.RequestSnap, marks markGrid) (x, y float32, hidden bool) {
	L := &ls.layout
	d := L.dot
	switch q.State {
	case engine.StateConnecting:
		if q.Client >= 0 {
			cx, cy := marks.center(L, q.Client)
			return cx - d/2, cy - d/2, false
		}
		return gridSlot(L.clientDots, ls.connecting, d)
	case engine.StateBacklog:
		return gridSlot(L.backlogDots, q.Order, d)
	}
	b := ls.box(q.Worker)
	if b < 0 {
		return L.backlogDots.X, L.backlogDots.Y, false
	}
	wl := &L.workers[b]
	if q.Lane >= 0 && q.Lane < len(wl.lanes) {
		lr := wl.lanes[q.Lane]
		return lr.X + lr.W - d - 1, lr.Y + (lr.H-d)/2, false
	}
	if (q.State == engine.StateIO || q.State == engine.StateBlocked) && wl.room.H > 0 {
		k := ls.parked[b]
		ls.parked[b]++
		return gridSlot(wl.room, k, d)
	}
	ls.queued[b]++
	qa := wl.queue
	if q.State == engine.StateWaitLoop && len(wl.lanes) > 0 {
		qa.H /= 2 // ready tasks line up in the top half, waiting for the loop
	} else if q.State == engine.StateQueued && wl.room.H == 0 && len(wl.lanes) > 1 && wl.lanes[0].H < wl.queue.H/2 {
		qa = qa.below(qa.H / 2)
	}
	return gridSlot(qa, q.Order, d)
}

// markGrid places the clients' marks: one square per client, or per group
// of clients when there are more than the column holds.
type markGrid struct {
	n, per int // marks, clients per mark
	area   Rect
	side   float32
}

func clientMarks(L *laneLayout, clients int) markGrid {
	g := markGrid{area: L.clientDots, side: max(4, L.dot-1)}
	if clients <= 0 {
		return g
	}
	capacity := gridCap(g.area, g.side+1)
	g.per = (clients + capacity - 1) / capacity
	g.n = (clients + g.per - 1) / g.per
	return g
}

func (g markGrid) index(client int) int { return min(g.n-1, client/g.per) }

// rect is the k-th mark, laid out left to right from the top.
func (g markGrid) rect(k int) Rect {
	step := g.side + 2
	cols := max(1, int(g.area.W/step))
	return Rect{g.area.X + float32(k%cols)*step, g.area.Y + float32(k/cols)*step, g.side, g.side}
}

// center is the middle of client c's mark, or of the clients column for
// open-loop traffic.
func (g markGrid) center(L *laneLayout, c int) (x, y float32) {
	if c < 0 || g.n == 0 {
		return L.clients.X + L.clients.W/2, L.clientDots.Y + L.clientDots.H/2
	}
	r := g.rect(g.index(c))
	return r.X + r.W/2, r.Y + r.H/2
}

// zeroed returns s with n zeros, reusing its array.
func zeroed[T int | int32](s []T, n int) []T {
	s = s[:0]
	for range n {
		s = append(s, 0)
	}
	return s
}

func abs(x float32) float32 {
	if x < 0 {
		return -x
	}
	return x
}
