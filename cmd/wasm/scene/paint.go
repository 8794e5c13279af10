package scene

import (
	"fmt"
	"strconv"

	"playground/engine"
)

// Scene paints the state of the last Update: it reads the view and the
// snapshots and moves nothing. The scene is reused by the next call.
func (v *View) Scene(sel Selection) *Scene {
	sc := &v.out
	sc.reset(v.w, v.h)
	sc.fill(Rect{0, 0, v.w, v.h}, colorBG)
	for i := range v.in {
		v.paintLane(i, &v.lanes[i], &v.in[i], sel)
	}
	sc.settleLabels()
	return sc
}

func (v *View) paintLane(li int, ls *laneState, in *Input, sel Selection) {
	sc := &v.out
	L := &ls.layout
	snap := in.Snap
	m := v.m
	d := L.dot
	sc.Dot = d
	sc.fill(L.bounds, colorPanel)

	// The header: the lane's name, and its cores.
	v.put(L.header.Inset(2), ToneText, alignLeft, in.Label)
	v.paintCores(L, snap)

	// The columns a request travels through.
	for _, col := range []Rect{L.clients, L.backlog, L.upstream} {
		sc.fill(col, colorBox)
	}
	title := func(col Rect, tone Tone, choices ...string) {
		v.put(Rect{col.X + 3, col.Y + 1, col.W - 6, m.lh}, tone, alignLeft, choices...)
	}
	count := func(col Rect, tone Tone, choices ...string) {
		v.put(Rect{col.X + 3, col.Y + 1 + m.lh, col.W - 6, m.lh}, tone, alignLeft, choices...)
	}
	title(L.clients, ToneDim, in.Traffic...)
	title(L.backlog, ToneDim, "listen queue (kernel)", "listen queue", "backlog")
	title(L.upstream, ToneDim, in.Upstream...)
	nw := len(L.workers)
	if L.areaTitle {
		v.put(Rect{L.workArea.X + 2, L.workArea.Y, L.workArea.W - 4, m.lh}, ToneDim, alignLeft,
			plural(nw, "worker process", "worker processes"), plural(nw, "worker", "workers"), strconv.Itoa(nw))
	}

	// Clients: a square each, bright while it waits for an answer.
	marks := clientMarks(L, snap.Clients)
	waitingClients := 0 // counted per mark by Update
	for k := 0; k < marks.n; k++ {
		waitingClients += int(ls.waiting[k])
		c := colorEdge
		if ls.waiting[k] > 0 {
			c = colorText
		}
		sc.fill(marks.rect(k), c)
	}
	if snap.Clients > 0 {
		count(L.clients, ToneText, fmt.Sprintf("%d waiting", waitingClients), strconv.Itoa(waitingClients))
	}

	// The listen queue: dots, or a bar and its number when they overflow.
	tone := ToneText
	if ls.connecting > 0 {
		tone = ToneAlert
	}
	bl := strconv.Itoa(snap.Backlog)
	if ls.connecting > 0 {
		count(L.backlog, tone, fmt.Sprintf("%s, full: %d retry", bl, ls.connecting), bl+" full", bl)
	} else {
		count(L.backlog, tone, bl+" waiting", bl)
	}
	if snap.Backlog > gridCap(L.backlogDots, d) {
		sc.fill(L.backlogDots, StateColor(engine.StateBacklog).WithAlpha(0.25))
	}

	// Upstream calls: a dot each.
	count(L.upstream, ToneText, plural(snap.Upstream, "call", "calls"), strconv.Itoa(snap.Upstream))
	for k := 0; k < snap.Upstream; k++ {
		x, y, over := gridSlot(L.upstreamDots, k, d)
		if over { // the area is full: a bar, and the label has the count
			sc.fill(L.upstreamDots, StateColor(engine.StateIO).WithAlpha(0.25))
			break
		}
		sc.disc(x, y, d, StateColor(engine.StateIO))
	}

	v.paintJobs(&L.jobs, &snap.Jobs, d)
	for i := range snap.Workers {
		if b := ls.box(i); b >= 0 {
			v.paintWorker(L, ls, b, i, &snap.Workers[i], snap.Model)
		}
	}

	// Requests.
	for qi := range snap.Requests {
		q := &snap.Requests[qi]
		if b := ls.box(q.Worker); b >= 0 && q.Lane >= 0 && q.Lane < len(L.workers[b].lanes) {
			// On a thread or the loop: the bar shows the state too.
			lr := L.workers[b].lanes[q.Lane]
			sc.fill(Rect{lr.X, lr.Y, max(0, lr.W-d-2), lr.H}, StateColor(q.State).WithAlpha(0.45))
		}
	}
	for qi := range snap.Requests {
		q := &snap.Requests[qi]
		if q.Slot >= len(ls.dots) || ls.dots[q.Slot].seq != q.Seq {
			continue
		}
		dt := &ls.dots[q.Slot]
		sc.Hits = append(sc.Hits, Hit{dt.x + d/2, dt.y + d/2, li, q.Seq})
		if dt.hidden {
			continue
		}
		c := StateColor(q.State)
		if q.Orphan {
			c = c.WithAlpha(0.45)
		}
		if sel.On && sel.Lane == li && sel.Seq == q.Seq {
			sc.disc(dt.x-3, dt.y-3, d+6, colorSelected)
		}
		sc.disc(dt.x, dt.y, d, c)
	}
	for _, f := range ls.fades {
		t := float32(f.age) / fadeTicks
		c := ColorDone
		if !f.ok {
			c = ColorFailed
		}
		sc.disc(f.x0+(f.x1-f.x0)*t, f.y0+(f.y1-f.y0)*t, d, c.WithAlpha(1-t*t))
	}
}

// paintCores draws the machine's cores at the right of the header, lit
// while they run a thread.
func (v *View) paintCores(L *laneLayout, snap *engine.Snapshot) {
	sc := &v.out
	m := v.m
	side := max(6, m.px*0.7)
	n := min(snap.Cores, 16)
	w := float32(n) * (side + 3)
	x := L.header.X + L.header.W - w - 4
	y := L.header.Y + (L.header.H-side)/2
	for c := 0; c < n; c++ {
		col := colorLane
		if c < snap.Busy {
			col = StateColor(engine.StateCPU)
		}
		sc.fill(Rect{x + float32(c)*(side+3), y, side, side}, col)
		if c < snap.Busy {
			continue
		}
		sc.stroke(Rect{x + float32(c)*(side+3), y, side, side}, 1, colorEdge)
	}
	// No count of the busy ones: it changes with every slice of CPU, more
	// often than the words are rewritten, and the squares show it.
	busy := fmt.Sprintf("%s, lit while busy", plural(snap.Cores, "core", "cores"))
	lw := m.width(busy)
	v.put(Rect{x - lw - 6, L.header.Y + 2, lw, m.lh}, ToneDim, alignRight, busy)
}

// paintWorker draws worker slot id in box i.
func (v *View) paintWorker(L *laneLayout, ls *laneState, i, id int, w *engine.WorkerSnap, model engine.Model) {
	sc := &v.out
	m := v.m
	wl := &L.workers[i]
	name := "worker " + strconv.Itoa(id+1)
	if !w.Alive {
		sc.fill(wl.box, colorDead)
		v.put(wl.box.Inset(3), ToneAlert, alignLeft, name+" booting", "booting")
		return
	}
	if w.Retiring {
		name += " retiring"
		sc.fill(wl.box, colorDead)
	} else {
		sc.fill(wl.box, colorBox)
	}
	if w.Blocked {
		sc.stroke(wl.box, 3, colorBlocked)
	} else {
		sc.stroke(wl.box, 1, colorEdge)
	}
	q := ls.queued[i]
	if L.workerTitles {
		switch {
		case q > 0 && len(wl.lanes) > 1 && wl.room.H == 0:
			v.put(wl.title, ToneText, alignLeft, fmt.Sprintf("%s: %d waiting for a thread", name, q),
				fmt.Sprintf("%s: %d waiting", name, q), fmt.Sprintf("%s: %d", name, q), name, "w"+strconv.Itoa(id+1))
		case q > 0:
			v.put(wl.title, ToneText, alignLeft, fmt.Sprintf("%s: %d waiting", name, q),
				fmt.Sprintf("%s: %d", name, q), name, "w"+strconv.Itoa(id+1))
		default:
			v.put(wl.title, ToneText, alignLeft, name, "w"+strconv.Itoa(id+1))
		}
	}
	if q > gridCap(wl.queue, L.dot) {
		sc.fill(wl.queue, StateColor(engine.StateQueued).WithAlpha(0.25))
	}
	threads := len(wl.lanes)
	if w.Loop {
		threads--
	}
	if wl.main.H > 0 {
		flash := 0
		if id < len(ls.handed) {
			flash = ls.handed[id]
		}
		v.paintMain(wl.main, w.Main, flash)
	}
	for li, lr := range wl.lanes {
		sc.fill(lr, colorLane)
		running := w.Running == li
		if running {
			sc.stroke(lr, 1.5, colorOnCore)
		}
		if !wl.laneTitles {
			continue
		}
		box := Rect{lr.X + 3, lr.Y + (lr.H-m.lh)/2, max(0, lr.W-L.dot-8), m.lh}
		switch {
		case w.Loop && li == 0:
			loopName := "event loop"
			switch model {
			case engine.ModelGevent:
				loopName = "gevent hub"
			case engine.ModelEventlet:
				loopName = "eventlet hub"
			}
			if w.Blocked {
				v.put(box, ToneAlert, alignLeft, loopName+": BLOCKED", "BLOCKED")
			} else {
				v.put(box, ToneDim, alignLeft, loopName, "loop")
			}
		default:
			n := li + 1
			if w.Loop {
				n = li
			}
			t := "thread " + strconv.Itoa(n)
			if threads == 1 {
				t = "thread"
			}
			if running && threads > 1 {
				v.put(box, ToneText, alignLeft, t+" (GIL)", t, strconv.Itoa(n))
			} else {
				v.put(box, ToneDim, alignLeft, t, strconv.Itoa(n))
			}
		}
	}
	if !wl.laneTitles && len(wl.lanes) > 0 {
		// Lanes too thin for names: name the group on the title row.
		what := plural(threads, "thread", "threads")
		if w.Loop && threads == 0 {
			what = "event loop"
		}
		if L.workerTitles {
			tw := m.width(what)
			v.put(Rect{wl.title.X + wl.title.W - tw, wl.title.Y, tw, m.lh}, ToneDim, alignRight, what)
		}
	}
	if wl.room.H > 0 {
		sc.fill(wl.room, colorLane.WithAlpha(0.5))
		p := ls.parked[i]
		what := "on I/O"
		if model == engine.ModelGevent {
			what = "greenlets on I/O"
		} else if w.Loop {
			what = "tasks on I/O"
		}
		v.put(Rect{wl.room.X + 3, wl.room.Y + wl.room.H - m.lh - 1, wl.room.W - 6, m.lh}, ToneDim, alignLeft,
			fmt.Sprintf("%d %s", p, what), fmt.Sprintf("%d on I/O", p), strconv.Itoa(p))
	}
}

// paintMain draws a gthread worker's main thread in bar r: at state main
// (WorkerSnap.Main), and lit for flash ticks after it handed a request to
// a pool thread. Its turns at the GIL are short (tens of µs): a frame
// rarely catches one, so the hand-offs since the last frame show too.
func (v *View) paintMain(r Rect, main, flash int) {
	sc := &v.out
	m := v.m
	sc.fill(r, colorLane)
	tone := ToneDim
	words := []string{"main thread: accepts, hands to a pool thread", "main thread: accepts, hands out", "main thread", "main"}
	switch {
	case main == 3:
		sc.fill(Rect{r.X, r.Y, r.W, r.H}, StateColor(engine.StateCPU).WithAlpha(0.45))
		sc.stroke(r, 1.5, colorOnCore)
		tone = ToneText
		words = []string{"main thread (GIL): accepts, hands to a pool thread", "main thread (GIL): hands out", "main thread (GIL)", "main (GIL)", "main"}
	case main == 2:
		sc.fill(r, StateColor(engine.StateWaitGIL).WithAlpha(0.45))
		tone = ToneText
		words = []string{"main thread: waits for the GIL to hand out", "main thread: waits for the GIL", "main thread", "main"}
	case flash > 0: // the outline a thread on the GIL has, fading
		sc.stroke(r, 1.5, colorOnCore.WithAlpha(float32(flash)/handTicks))
	}
	if r.H >= m.lh {
		v.put(Rect{r.X + 3, r.Y + (r.H-m.lh)/2, r.W - 6, m.lh}, tone, alignLeft, words...)
	}
}

// plural writes n and the noun that agrees with it: "1 call", "8 calls".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
