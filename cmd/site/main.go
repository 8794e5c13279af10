// Command site builds the playground's static site into a folder:
//
//	go run ./cmd/site -out dist
//
// Run it from the module root. See package playground/site for what it does.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"playground/site"
)

func main() {
	out := flag.String("out", "dist", "folder to write the site into")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if _, err := site.Build(ctx, site.Config{Out: *out, Log: os.Stdout}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
