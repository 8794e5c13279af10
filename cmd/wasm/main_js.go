//go:build js && wasm

package main

import (
	"fmt"
	"os"
	"syscall/js"

	"github.com/hajimehoshi/ebiten/v2"
)

func main() {
	giveBackKeyboard()
	g := newGame(newApp())
	exposeAPI(g)
	g.a.pool = &pagePool{g: g}
	ebiten.SetTPS(tps)
	// Every Draw paints the whole canvas, and a resting page draws nothing:
	// the screen keeps its last picture instead of going blank.
	ebiten.SetScreenClearedEveryFrame(false)
	ebiten.SetWindowTitle("Concurrency Playground")
	if err := ebiten.RunGameWithOptions(g, &ebiten.RunGameOptions{InitUnfocused: true}); err != nil {
		fmt.Fprintln(os.Stderr, "cmd/wasm:", err)
		os.Exit(1)
	}
}

// giveBackKeyboard takes the tab stop Ebiten gives its canvas: the picture
// has nothing to type into, and a focused canvas would swallow every key
// (Ebiten's keydown handler calls preventDefault), trapping Tab. The canvas
// gets a role and a name instead; the narration beside it on the page says
// what it shows.
func giveBackKeyboard() {
	c := js.Global().Get("document").Call("querySelector", "canvas")
	if c.IsNull() {
		return
	}
	c.Call("removeAttribute", "tabindex")
	c.Call("setAttribute", "role", "img")
	c.Call("setAttribute", "aria-label", "Animated simulation: each dot is a request moving from its client through the listen queue and a worker to the upstream and back")
}
