//go:build js && wasm

package main

import (
	"syscall/js"

	"playground/engine"
)

// pagePool is the sweep's pointPool in the browser: static/sweeppool.js's
// cpSweepPool, which runs the points in Web Workers. Each reply takes the
// game's lock, as the page's calls do. Where the page has no pool when a
// sweep starts (canvas.html without sweeppool.js, or a test that took it
// away to measure the program alone), the program runs the points.
type pagePool struct {
	g    *game
	cb   js.Func // the sweep's deliver, for the page
	held bool    // cb is live
}

func (p *pagePool) start(text string, total, maxSlots int, deliver func(engine.PointRun) bool) bool {
	pool := js.Global().Get("cpSweepPool")
	if pool.Type() != js.TypeObject {
		return false
	}
	p.release()
	p.cb = js.FuncOf(func(_ js.Value, args []js.Value) any {
		p.g.mu.Lock()
		defer p.g.mu.Unlock()
		more := len(args) > 0 && args[0].Type() == js.TypeObject && deliver(pointRun(args[0]))
		if !more {
			p.release()
		}
		return more
	})
	p.held = true
	if !pool.Call("start", sweepWorkerURL, text, total, maxSlots, p.cb).Truthy() {
		p.release()
		return false
	}
	return true
}

func (p *pagePool) stop() {
	if pool := js.Global().Get("cpSweepPool"); pool.Type() == js.TypeObject {
		pool.Call("stop")
	}
	p.release()
}

func (p *pagePool) claim() int {
	if pool := js.Global().Get("cpSweepPool"); pool.Type() == js.TypeObject {
		if i := pool.Call("claim"); i.Type() == js.TypeNumber {
			return i.Int()
		}
	}
	return -1
}

func (p *pagePool) release() {
	if p.held {
		p.cb.Release()
		p.held = false
	}
}

// pointRun reads a worker's reply, the object of an engine.PointRun's JSON,
// field by field: encoding/json's decoder would cost the page's download
// about 33 KB of gzip.
func pointRun(v js.Value) engine.PointRun {
	num := func(o js.Value, k string) float64 {
		if f := o.Get(k); f.Type() == js.TypeNumber {
			return f.Float()
		}
		return 0
	}
	str := func(o js.Value, k string) string {
		if f := o.Get(k); f.Type() == js.TypeString {
			return f.String()
		}
		return ""
	}
	r := engine.PointRun{Index: -1, Slots: int(num(v, "slots")), Error: str(v, "error")}
	if i := v.Get("index"); i.Type() == js.TypeNumber {
		r.Index = i.Int()
	}
	if p := v.Get("point"); p.Type() == js.TypeObject {
		r.Point = &engine.PointResult{
			SweepPoint: engine.SweepPoint{Lane: int(num(p, "lane")), Label: str(p, "label"), Key: str(p, "key"),
				Value: str(p, "value"), X: num(p, "x")},
			ThroughputRPS: num(p, "throughputRps"),
			P50MS:         num(p, "p50Ms"),
			P99MS:         num(p, "p99Ms"),
			ResidentMB:    num(p, "residentMB"),
			Failed:        int64(num(p, "failed")),
			MeetsTarget:   p.Get("meetsTarget").Truthy(),
			Scenario:      str(p, "scenario"),
		}
	}
	return r
}
