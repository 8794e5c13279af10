//go:build js && wasm

package main

import (
	"encoding/json"
	"strconv"
	"syscall/js"

	"playground/engine"
)

// main sets self.cpSweepPoint(text, i, maxSlots), which runs point i of
// the sweep text and returns its engine.PointRun as JSON, and then waits for calls.
func main() {
	js.Global().Set("cpSweepPoint", js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) < 3 || args[0].Type() != js.TypeString || args[1].Type() != js.TypeNumber || args[2].Type() != js.TypeNumber {
			return `{"error":"cpSweepPoint(text, i, maxSlots): text must be a sweep's scenario text, i a point's index and maxSlots a number"}`
		}
		b, err := json.Marshal(engine.RunPoint(args[0].String(), args[1].Int(), args[2].Int()))
		if err != nil {
			return `{"error":` + strconv.Quote("sweepworker: "+err.Error()) + `}`
		}
		return string(b)
	}))
	select {}
}
