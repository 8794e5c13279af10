//go:build js && wasm

package main

import (
	"fmt"
	"os"

	"github.com/hajimehoshi/ebiten/v2"
)

func main() {
	g := newGame(newApp())
	exposeAPI(g)
	ebiten.SetTPS(tps)
	ebiten.SetWindowTitle("Concurrency Playground")
	if err := ebiten.RunGameWithOptions(g, &ebiten.RunGameOptions{}); err != nil {
		fmt.Fprintln(os.Stderr, "cmd/wasm:", err)
		os.Exit(1)
	}
}
