// Command sim runs a Concurrency Playground scenario headless and prints what
// the server did: a table, or JSON with -json.
//
//	go run ./cmd/sim 'model=gthread workers=2 threads=5 io=200ms clients=50 requests=2000 seed=1'
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	var progress io.Writer
	if fi, err := os.Stderr.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
		progress = os.Stderr // a terminal: a sweep's progress line rewrites itself
	}
	code, err := run(os.Args[1:], os.Stdout, progress)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sim:", err)
	}
	os.Exit(code)
}
