// Command serve serves the built site folder, and nothing outside it, on
// 127.0.0.1:
//
//	go run ./cmd/serve -dir dist -addr 127.0.0.1:8080
//
// It prints the URL once it listens and stops on Ctrl-C.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"playground/site"
)

func main() {
	dir := flag.String("dir", "dist", "the site folder to serve")
	addr := flag.String("addr", "127.0.0.1:8080", "host:port to listen on")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := site.Serve(ctx, *dir, *addr, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
