package scene

import "math"

// Rect is an axis-aligned rectangle in logical (CSS) pixels.
type Rect struct{ X, Y, W, H float32 }

// Inset returns r shrunk by d on every side.
func (r Rect) Inset(d float32) Rect {
	return Rect{r.X + d, r.Y + d, max(0, r.W-2*d), max(0, r.H-2*d)}
}

// Contains reports whether (x, y) lies in r.
func (r Rect) Contains(x, y float32) bool {
	return x >= r.X && x <= r.X+r.W && y >= r.Y && y <= r.Y+r.H
}

// Overlaps reports whether r and o share more than a hair of area.
func (r Rect) Overlaps(o Rect) bool {
	const e = 0.5
	return r.X+e < o.X+o.W && o.X+e < r.X+r.W && r.Y+e < o.Y+o.H && o.Y+e < r.Y+r.H
}

// below returns the part of r under its first h pixels.
func (r Rect) below(h float32) Rect { return Rect{r.X, r.Y + h, r.W, max(0, r.H-h)} }

// Text metrics. Labels are HTML text over the canvas in a monospace face
// (canvas.html), so a label's width is its length times one advance. The
// advance is a little wider than that of the common monospace faces (DejaVu
// Sans Mono and Menlo 0.602 em, Consolas 0.55 em), so a label never
// outgrows the box the layout gave it.
const (
	advanceEm = 0.62
	lineEm    = 1.3
	basePx    = 12 // text size at scale 1
	minPx     = 11 // the smallest text anywhere
	tinyPx    = 10 // the smallest text in a small embed (400x300 or less)
)

// textMetrics is the size of label text in one frame.
type textMetrics struct{ px, lh, cw float32 }

func newMetrics(px float32) textMetrics {
	return textMetrics{px: px, lh: float32(math.Ceil(float64(px * lineEm))), cw: px * advanceEm}
}

func (m textMetrics) width(s string) float32 { return float32(len(s)) * m.cw }

// fontPx chooses the text size for a w x h canvas with n lanes at a text
// scale: the scaled base size (larger on a wide canvas), made smaller (never under minPx, or tinyPx in
// a small embed) when a lane is too short for a header, column titles and
// a worker.
func fontPx(w, h float32, lanes int, scale float32) float32 {
	// A wide canvas (a projector's) gets larger text: w/90 px when that
	// is more than basePx, 14 px at 1300 px wide.
	px := float32(math.Round(float64(max(basePx, w/90) * max(1, scale))))
	floor := float32(minPx)
	if w <= 420 && h <= 320 {
		floor = tinyPx
	}
	laneH := h / float32(max(1, lanes))
	for px > floor && laneH < 6*px*lineEm {
		px--
	}
	if w < 60*px*advanceEm { // about sixty characters across
		px = max(floor, float32(math.Floor(float64(w/(60*advanceEm)))))
	}
	return px
}

// laneLayout is where the parts of one lane (one server of a comparison) sit.
type laneLayout struct {
	m        textMetrics
	bounds   Rect
	header   Rect
	clients  Rect // the column of clients
	backlog  Rect // the listen queue column
	workArea Rect // the worker processes
	upstream Rect // the upstream column
	// Dots go in these, under each column's title.
	clientDots, backlogDots, upstreamDots Rect
	workers                               []workerLayout
	jobs                                  jobsLayout // background jobs (jobs.go), under the workers
	workerTitles                          bool       // each worker box has a title row
	areaTitle                             bool       // the workers have a title row above them
	dot                                   float32
}

// workerLayout is where one worker process's parts sit.
type workerLayout struct {
	box        Rect
	title      Rect // its name, or empty when boxes are too small
	queue      Rect // requests waiting for a thread (bottom) or for the loop (top)
	lanes      []Rect
	main       Rect // gthread: its main thread, over the pool's threads (mainthread.go); else empty
	room       Rect // loop models: coroutines or greenlets parked on I/O
	laneTitles bool // each lane is tall enough for its own name
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

// laneShape is what layoutLane needs to know of a lane's server.
type laneShape struct {
	lanes    []int // each worker's lane count
	loop     bool  // lane 0 is an event loop
	loopOnly bool  // the loop is all there is (gevent, asyncio)
	jobs     int   // RQ workers (background=N), drawn under the web workers
	main     bool  // each worker has a main thread that hands requests to its pool (gthread)
}

// layoutLane places the parts of a lane in r.
func layoutLane(r Rect, m textMetrics, sh laneShape, out *laneLayout) {
	out.m = m
	out.bounds = r
	pad := float32(4)
	out.header = Rect{r.X, r.Y, r.W, m.lh + 4}
	body := Rect{r.X + pad, r.Y + m.lh + 6, max(0, r.W-2*pad), max(0, r.H-m.lh-6-pad)}
	out.dot = clamp(float32(math.Min(float64(body.W)/90, float64(body.H)/16)), 4, 10)

	// Columns, left to right, as a request travels: clients, the kernel's
	// listen queue, the workers, the upstream. Each column is at least as
	// wide as its shortest title.
	gap := max(3, min(10, body.W/80))
	minCol := m.width("clients") + 6
	cw := max(minCol, 0.11*body.W)
	bw := max(minCol, 0.15*body.W)
	uw := max(m.width("upstream")+6, 0.15*body.W)
	ww := max(0, body.W-cw-bw-uw-3*gap)
	x := body.X
	out.clients = Rect{x, body.Y, cw, body.H}
	x += cw + gap
	out.backlog = Rect{x, body.Y, bw, body.H}
	x += bw + gap
	out.workArea = Rect{x, body.Y, ww, body.H}
	x += ww + gap
	out.upstream = Rect{x, body.Y, uw, body.H}
	// Two text rows on top of each column: its name and its count.
	th := 2*m.lh + 2
	out.clientDots = out.clients.below(th).Inset(3)
	out.backlogDots = out.backlog.below(th).Inset(3)
	out.upstreamDots = out.upstream.below(th).Inset(3)

	n := len(sh.lanes)
	out.workers = resize(out.workers, n)
	// A title row over the workers ("4 worker processes"), unless there is
	// one worker in a short lane: its box says "worker 1".
	wa := layoutJobs(out.workArea, sh.jobs, m, out.dot, &out.jobs)
	out.areaTitle = n > 1 || body.H >= 7*m.lh
	if out.areaTitle {
		wa = wa.below(m.lh + 2)
	}
	wgap := float32(4)
	if n > 8 {
		wgap = 2
	}
	bh := (wa.H - wgap*float32(n-1)) / float32(max(n, 1))
	out.workerTitles = bh >= m.lh+max(out.dot+6, m.lh)
	top := wa.Y
	for i := range out.workers {
		w := &out.workers[i]
		w.box = Rect{wa.X, top + float32(i)*(bh+wgap), wa.W, bh}
		in := w.box.Inset(2)
		w.title = Rect{}
		if out.workerTitles {
			w.title = Rect{in.X + 2, in.Y, in.W - 4, m.lh}
			in = in.below(m.lh)
		}
		w.queue = Rect{in.X, in.Y, 0.3 * in.W, in.H}
		la := Rect{in.X + 0.32*in.W, in.Y, 0.68 * in.W, in.H}
		w.room, w.main = Rect{}, Rect{}
		w.laneTitles = false
		if sh.main && !sh.loop {
			// gthread's main thread: a bar over the pool's threads.
			w.main = mainBar(la, sh.lanes[i], out.dot, m)
			la = la.below(w.main.H + 2)
		}
		switch {
		case sh.loopOnly:
			lh := min(la.H, max(out.dot+4, m.lh+2))
			w.lanes = resizeRects(w.lanes, 1)
			w.lanes[0] = Rect{la.X, la.Y, la.W, lh}
			w.room = la.below(lh + 2)
			w.laneTitles = lh >= m.lh
		case sh.loop:
			// A bridge: the loop on top, the WSGI threads below it.
			lh := min(la.H/3, max(out.dot+4, m.lh+2))
			w.lanes = resizeRects(w.lanes, sh.lanes[i])
			w.lanes[0] = Rect{la.X, la.Y, la.W, lh}
			w.laneTitles = gridLanes(la.below(lh+2), w.lanes[1:], out.dot, m) && lh >= m.lh
		default:
			w.lanes = resizeRects(w.lanes, sh.lanes[i])
			w.laneTitles = gridLanes(la, w.lanes, out.dot, m)
		}
	}
}

// mainBar is the bar of gthread's main thread at the top of area, over a
// pool of n threads: tall enough for its words when the pool's threads keep
// the columns and the names they would have without it; else a thin strip
// that still shows its colour (on the GIL, waiting for it), so that in a
// small worker box the threads, where the requests' dots sit, keep their
// room.
func mainBar(area Rect, n int, dot float32, m textMetrics) Rect {
	cols, rh := gridShape(area, n, dot)
	named := gridNamed(cols, rh, area.W, dot, m)
	h := min(area.H/3, max(dot+4, m.lh+2))
	if c, r := gridShape(area.below(h+2), n, dot); c != cols || gridNamed(c, r, area.W, dot, m) != named {
		h = min(h, max(2, dot/2))
	}
	return Rect{area.X, area.Y, area.W, h}
}

// gridShape is how gridLanes arranges n bars in area: its columns and the
// height of a row.
func gridShape(area Rect, n int, dot float32) (cols int, rh float32) {
	rows := max(1, min(n, int(area.H/(dot+2))))
	cols = (n + rows - 1) / rows
	rows = (n + cols - 1) / cols
	return cols, area.H / float32(rows)
}

// gridNamed reports whether a grid of cols columns of rows rh high, in an
// area w wide, has room for each bar's name ("thread 12") beside its dot.
func gridNamed(cols int, rh, w, dot float32, m textMetrics) bool {
	return rh-1 >= m.lh && w/float32(cols)-2 >= m.width("thread 00")+dot+8
}

// gridLanes arranges lanes as bars in columns: as many rows as fit at a
// readable height, then more columns. It reports whether each bar has room
// for a name ("thread 12") beside its dot.
func gridLanes(area Rect, lanes []Rect, dot float32, m textMetrics) bool {
	n := len(lanes)
	if n == 0 {
		return true
	}
	cols, rh := gridShape(area, n, dot)
	rows := (n + cols - 1) / cols
	cw := area.W / float32(cols)
	for i := range lanes {
		c, r := i/rows, i%rows
		lanes[i] = Rect{area.X + float32(c)*cw, area.Y + float32(r)*rh, max(1, cw-2), max(1, rh-1)}
	}
	return gridNamed(cols, rh, area.W, dot, m)
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

// gridCap is how many dots gridSlot places in area before they pile up.
func gridCap(area Rect, dot float32) int {
	step := dot + 1
	return max(1, int(area.W/step)) * max(1, int(area.H/step))
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
