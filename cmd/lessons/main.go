// Command lessons checks lessons: it parses each file, runs every scenario
// through the engine and prints each claim with ok or FAIL.
//
//	go run ./cmd/lessons -check lessons/03-threads.md
//	go run ./cmd/lessons -check lessons/*.md
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	check := flag.Bool("check", false, "run every block of the given lesson files and check their claims")
	flag.Parse()
	if !*check || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: lessons -check FILE.md...")
		os.Exit(2)
	}
	os.Exit(checkFiles(flag.Args(), os.Stdout))
}
