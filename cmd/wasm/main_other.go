//go:build !(js && wasm)

package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "cmd/wasm runs in the browser: build it with GOOS=js GOARCH=wasm, or run ./scripts/serve")
	os.Exit(2)
}
