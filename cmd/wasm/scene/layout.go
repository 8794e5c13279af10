package scene

import "math"

// Rect is an axis-aligned rectangle in logical pixels.
type Rect struct{ X, Y, W, H float32 }

// Inset returns r shrunk by d on every side.
func (r Rect) Inset(d float32) Rect {
	return Rect{r.X + d, r.Y + d, max(0, r.W-2*d), max(0, r.H-2*d)}
}

// Contains reports whether (x, y) lies in r.
func (r Rect) Contains(x, y float32) bool {
	return x >= r.X && x <= r.X+r.W && y >= r.Y && y <= r.Y+r.H
}

// laneLayout is where the parts of one lane (one server of a comparison) sit.
type laneLayout struct {
	bounds   Rect
	header   Rect
	backlog  Rect
	workers  []workerLayout
	upstream Rect
	dot      float32 // side of a request's dot
	clientX  float32 // where new dots appear and answered ones leave
}

// workerLayout is where one worker process's parts sit.
type workerLayout struct {
	box   Rect
	queue Rect // requests waiting for a thread (bottom) or for the loop (top)
	lanes []Rect
	room  Rect // loop models: coroutines or greenlets parked on I/O
}

// splitLanes divides area into n horizontal bands for a comparison's lanes.
func splitLanes(area Rect, n int) []Rect {
	out := make([]Rect, n)
	h := area.H / float32(n)
	for i := range out {
		out[i] = Rect{area.X, area.Y + float32(i)*h, area.W, h}
	}
	return out
}

// layoutLane places the parts of a lane with the given workers in r. lanes
// is each worker's lane count; loop says lane 0 is an event loop, and
// loopOnly that the loop is all there is (gevent, asyncio).
func layoutLane(r Rect, lanes []int, loop, loopOnly bool, out *laneLayout) {
	out.bounds = r
	hh := float32(20)
	out.header = Rect{r.X, r.Y, r.W, hh}
	body := Rect{r.X, r.Y + hh + 2, r.W, max(0, r.H-hh-6)}
	out.dot = clamp(float32(math.Min(float64(body.W)/110, float64(body.H)/28)), 2, 7)
	out.clientX = r.X + 2
	out.backlog = Rect{r.X + 0.03*r.W, body.Y, 0.17 * r.W, body.H}
	out.upstream = Rect{r.X + 0.79*r.W, body.Y, 0.20 * r.W, body.H}
	wa := Rect{r.X + 0.23*r.W, body.Y, 0.53 * r.W, body.H}

	n := len(lanes)
	out.workers = resize(out.workers, n)
	gap := float32(4)
	if n > 12 {
		gap = 2
	}
	bh := (wa.H - gap*float32(n-1)) / float32(max(n, 1))
	bh = min(bh, 0.45*wa.H)
	top := wa.Y + (wa.H-(bh*float32(n)+gap*float32(n-1)))/2
	for i := range out.workers {
		w := &out.workers[i]
		w.box = Rect{wa.X, top + float32(i)*(bh+gap), wa.W, bh}
		in := w.box.Inset(2)
		w.queue = Rect{in.X, in.Y, 0.32 * in.W, in.H}
		la := Rect{in.X + 0.35*in.W, in.Y, 0.65 * in.W, in.H}
		w.room = Rect{}
		if loopOnly {
			lh := min(la.H, max(out.dot+4, 0.3*la.H))
			w.lanes = resizeRects(w.lanes, 1)
			w.lanes[0] = Rect{la.X, la.Y, la.W, lh}
			w.room = Rect{la.X, la.Y + lh + 2, la.W, max(0, la.H-lh-2)}
			continue
		}
		if loop {
			// A bridge: the loop on top, the WSGI threads below it.
			lh := min(la.H/3, out.dot+6)
			w.lanes = resizeRects(w.lanes, lanes[i])
			w.lanes[0] = Rect{la.X, la.Y, la.W, lh}
			gridLanes(Rect{la.X, la.Y + lh + 2, la.W, max(0, la.H-lh-2)}, w.lanes[1:], out.dot)
			continue
		}
		w.lanes = resizeRects(w.lanes, lanes[i])
		gridLanes(la, w.lanes, out.dot)
	}
}

// gridLanes arranges lanes as bars in columns: as many rows as fit at a
// readable height, then more columns.
func gridLanes(area Rect, lanes []Rect, dot float32) {
	n := len(lanes)
	if n == 0 {
		return
	}
	minH := dot + 2
	rows := max(1, min(n, int(area.H/minH)))
	cols := (n + rows - 1) / rows
	rows = (n + cols - 1) / cols
	cw := area.W / float32(cols)
	rh := area.H / float32(rows)
	for i := range lanes {
		c, r := i/rows, i%rows
		lanes[i] = Rect{area.X + float32(c)*cw, area.Y + float32(r)*rh, max(1, cw-2), max(1, rh-1)}
	}
}

// gridSlot returns the k-th place of a grid of dots filling area from its
// right edge leftwards (toward the left, away from where the queue is served)
// and from the top down. Places past the end of the area pile on its last
// row; over reports that k is one of those, hidden behind another dot.
func gridSlot(area Rect, k int, dot float32) (x, y float32, over bool) {
	step := dot + 1
	cols := max(1, int(area.W/step))
	rows := max(1, int(area.H/step))
	r := min(k/cols, rows-1)
	c := k % cols
	return area.X + area.W - float32(c+1)*step, area.Y + float32(r)*step, k >= cols*rows
}

func clamp(v, lo, hi float32) float32 { return max(lo, min(hi, v)) }

func resize(ws []workerLayout, n int) []workerLayout {
	if cap(ws) >= n {
		return ws[:n]
	}
	return append(ws[:cap(ws)], make([]workerLayout, n-cap(ws))...)
}

func resizeRects(rs []Rect, n int) []Rect {
	if cap(rs) >= n {
		return rs[:n]
	}
	return make([]Rect, n)
}
