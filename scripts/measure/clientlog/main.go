// Command clientlog runs one calibration scenario against its real server,
// the way the calibration harness does (same server command, upstream and
// warm-up), with a client that logs every answer: the client, when it sent
// and got it (µs from the start) and the worker's pid (the body), one line
// each on stdout. It shows how a burst of kept-alive connections splits
// over the workers and how long one connection is served in a row.
//
//	go build -o /tmp/clientlog ./scripts/measure/clientlog
//	flock /work/notes/s8/measure.lock /tmp/clientlog -port 19200 'model=gevent workers=4 ...' >log
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"playground/calibrate"
	"playground/engine"
)

func main() {
	port := flag.Int("port", 19200, "the upstream's port; the server takes the next")
	apps := flag.String("apps", "calibrate/apps", "directory of the Python apps")
	flag.Parse()
	cfg, _, _, err := calibrate.Predict(flag.Arg(0))
	if err != nil {
		log.Fatal(err)
	}
	up, err := calibrate.StartUpstream(fmt.Sprintf("127.0.0.1:%d", *port))
	if err != nil {
		log.Fatal(err)
	}
	defer up.Close()
	up.SetDelay(cfg.IO, cfg.IODist == engine.DistExp)
	srv, err := calibrate.StartServer(cfg, *apps, *port+1, up.Addr)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Stop()
	url := fmt.Sprintf("http://127.0.0.1:%d%s", *port+1, calibrate.Path(cfg))
	warm := calibrate.LoadFor(cfg, url)
	warm.Clients = min(cfg.Clients, 10)
	warm.Requests, warm.Duration, warm.Drain = 3*warm.Clients, 5*time.Second, true
	warm.Run(context.Background())
	time.Sleep(500 * time.Millisecond)
	up.Reset()

	tr := &http.Transport{MaxIdleConns: cfg.Clients + 10, MaxIdleConnsPerHost: cfg.Clients + 10,
		DialContext: (&net.Dialer{Timeout: 130 * time.Second}).DialContext}
	defer tr.CloseIdleConnections()
	cl := &http.Client{Transport: tr}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.Duration)
	defer cancel()
	var (
		mu    sync.Mutex
		lines []string
		wg    sync.WaitGroup
		start = time.Now()
	)
	for c := range cfg.Clients {
		wg.Go(func() {
			for ctx.Err() == nil {
				req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
				t0 := time.Since(start)
				resp, err := cl.Do(req)
				if err != nil {
					return
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				t1 := time.Since(start)
				if err != nil || ctx.Err() != nil {
					return
				}
				mu.Lock()
				lines = append(lines, fmt.Sprintf("%d %d %d %s", c, t0.Microseconds(), t1.Microseconds(), strings.TrimSpace(string(body))))
				if len(lines) >= cfg.Requests {
					cancel()
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	peak, _ := up.Stats()
	fmt.Fprintf(os.Stderr, "answers %d, peak upstream %d\n", len(lines), peak)
	fmt.Println(strings.Join(lines, "\n"))
}
