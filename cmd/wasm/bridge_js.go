//go:build js && wasm

package main

import (
	"encoding/json"
	"fmt"
	"syscall/js"
	"time"
)

// toJS passes a typed Go value to the page as the object its JSON makes.
func toJS(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return map[string]any{"ok": false, "error": "cmd/wasm: " + err.Error()}
	}
	return js.Global().Get("JSON").Call("parse", string(b))
}

// exposeAPI sets window.cpSim, the page's handle on the program
// (docs/browser-api.md). Every call takes the game's lock, so the page never
// sees a half-updated simulation. Bad arguments get an error object back;
// they never panic the program.
func exposeAPI(g *game) {
	fn := func(f func(args []js.Value) any) js.Func {
		return js.FuncOf(func(this js.Value, args []js.Value) any {
			g.mu.Lock()
			defer g.mu.Unlock()
			return f(args)
		})
	}
	// typed is fn for a call that answers with a typed value: the value is
	// built under the lock and turned into JSON after it.
	typed := func(f func(args []js.Value) any) js.Func {
		return js.FuncOf(func(this js.Value, args []js.Value) any {
			g.mu.Lock()
			v := f(args)
			g.mu.Unlock()
			return toJS(v)
		})
	}
	api := js.Global().Get("Object").New()
	api.Set("load", fn(func(args []js.Value) any {
		if len(args) < 1 || args[0].Type() != js.TypeString {
			return map[string]any{"ok": false, "error": "load(text): text must be a string of scenario text", "key": "", "value": ""}
		}
		return loadResult(g.a, args[0].String())
	}))
	api.Set("state", typed(func(args []js.Value) any {
		poll := len(args) > 0 && args[0].Type() == js.TypeString && args[0].String() == "poll"
		if poll {
			g.a.polled(time.Now()) // the dots follow the polls' snapshots
		}
		st := g.a.state()
		if poll && g.last != nil && !g.a.resting {
			// The page's poll: the picture's words are rewritten from the
			// snapshots state() read, as the page shows its numbers.
			g.text.syncNow(g.a.words())
		}
		return st
	}))
	api.Set("labels", typed(func([]js.Value) any { return labels(g.last) }))
	api.Set("setTextScale", fn(func(args []js.Value) any {
		if len(args) > 0 && args[0].Type() == js.TypeNumber {
			g.a.setTextScale(args[0].Float())
		}
		return g.a.opt.TextScale
	}))
	api.Set("setReducedMotion", fn(func(args []js.Value) any {
		if len(args) > 0 {
			g.a.opt.ReducedMotion = args[0].Truthy()
			g.a.reshaped()
		}
		return g.a.opt.ReducedMotion
	}))
	api.Set("series", typed(func(args []js.Value) any {
		if len(args) == 0 || args[0].IsUndefined() || args[0].IsNull() {
			return g.a.series()
		}
		if args[0].Type() != js.TypeNumber || args[0].Float() != args[0].Float() {
			return map[string]any{"ok": false, "error": "series(since): since must be a number of simulated seconds (the t of the last point the page holds), or left out for every point"}
		}
		return g.a.seriesSince(args[0].Float())
	}))
	api.Set("change", fn(func(args []js.Value) any {
		if len(args) < 2 || args[0].Type() != js.TypeString || args[1].Type() != js.TypeString {
			return map[string]any{"ok": false, "error": "change(key, value): key and value must be strings of scenario text, e.g. change(\"workers\", \"4\")", "live": true}
		}
		return changeResult(g.a, args[0].String(), args[1].String())
	}))
	api.Set("exportJSON", fn(func([]js.Value) any { return g.a.exportJSON() }))
	api.Set("exportCSV", fn(func([]js.Value) any { return g.a.exportCSV() }))
	api.Set("seek", fn(func(args []js.Value) any {
		limit := max(g.a.now().Seconds(), maxSeek.Seconds())
		if len(args) < 1 || args[0].Type() != js.TypeNumber || !(args[0].Float() >= 0) || args[0].Float() > limit {
			return map[string]any{"ok": false, "error": fmt.Sprintf("seek(seconds): seconds must be a number from 0 to %.1f (the run's time now, or %v)", limit, maxSeek)}
		}
		g.a.seek(time.Duration(args[0].Float() * float64(time.Second)))
		return map[string]any{"ok": true, "simSeconds": g.a.now().Seconds()}
	}))
	api.Set("selected", fn(func([]js.Value) any {
		if s := g.a.selected(); s != nil {
			return s
		}
		return nil
	}))
	api.Set("setResting", fn(func(args []js.Value) any {
		if len(args) > 0 {
			g.a.resting = args[0].Truthy()
		}
		return g.a.resting
	}))
	api.Set("curves", typed(func([]js.Value) any { return g.a.curves() }))
	api.Set("follow", fn(func([]js.Value) any { return g.a.follow() }))
	api.Set("frameStats", fn(func([]js.Value) any { return g.a.frameStats() }))
	api.Set("setPaused", fn(func(args []js.Value) any {
		if len(args) > 0 {
			g.a.paused = args[0].Truthy()
		}
		return g.a.paused
	}))
	api.Set("setSpeed", fn(func(args []js.Value) any {
		if len(args) > 0 && args[0].Type() == js.TypeNumber {
			g.a.setSpeed(args[0].Float())
		}
		return g.a.speed
	}))
	api.Set("reset", fn(func([]js.Value) any { g.a.restart(); return nil }))
	api.Set("dots", fn(func([]js.Value) any { return dots(g.last, 50) }))
	// ready is a getter, so it always tells the truth.
	desc := js.Global().Get("Object").New()
	desc.Set("get", js.FuncOf(func(js.Value, []js.Value) any {
		g.mu.Lock()
		defer g.mu.Unlock()
		return g.a.ready
	}))
	js.Global().Get("Object").Call("defineProperty", api, "ready", desc)
	js.Global().Set("cpSim", api)
}
