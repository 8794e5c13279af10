//go:build !(js && wasm)

package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "cmd/sweepworker runs in the page's Web Workers: build it with GOOS=js GOARCH=wasm, or run ./scripts/build")
	os.Exit(2)
}
