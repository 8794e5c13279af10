package calibrate

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// UpstreamLateness is the harness's upstream measured: how much later than
// asked its answers come. The engine's key io-late is the mean of this
// lateness (exponential, drawn per call), which the harness appends to every
// row's scenario (WithClient).
type UpstreamLateness struct {
	Clients int           // Go clients calling the upstream at once, each call after the last
	Hold    time.Duration // what every call asked for
	Idle    []time.Duration
	Late    []time.Duration // each call's hold at the upstream, less Hold
	Seen    []time.Duration // each call's time at its client, less Hold
}

// lateSummary gives the mean and the 10th, 50th, 90th and 99th percentiles
// (nearest rank) of ds.
func lateSummary(ds []time.Duration) string {
	if len(ds) == 0 {
		return "none"
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	var sum time.Duration
	for _, d := range s {
		sum += d
	}
	q := func(f float64) time.Duration {
		return s[max(0, min(len(s)-1, int(f*float64(len(s))+0.5)-1))].Round(time.Microsecond)
	}
	return fmt.Sprintf("mean %v, p10 %v, p50 %v, p90 %v, p99 %v (%d)",
		(sum / time.Duration(len(s))).Round(time.Microsecond), q(0.1), q(0.5), q(0.9), q(0.99), len(s))
}

// String summarises the probe in three lines.
func (p UpstreamLateness) String() string {
	return fmt.Sprintf("%d clients, calls of %v:\n  an idle timer's lateness (one goroutine, time.Sleep): %s\n  the upstream's hold, less %v: %s\n  the call at its client, less %v: %s",
		p.Clients, p.Hold, lateSummary(p.Idle), p.Hold, lateSummary(p.Late), p.Hold, lateSummary(p.Seen))
}

// ProbeUpstream starts the harness's upstream on 127.0.0.1:port (0: any
// free port), times an idle timer of hold first (the lateness of one
// time.Sleep with nothing else in the process), then has clients Go clients
// call it calls times each, kept alive, and records each call's lateness at
// the upstream and at its client.
func ProbeUpstream(ctx context.Context, port, clients int, hold time.Duration, calls int) (UpstreamLateness, error) {
	p := UpstreamLateness{Clients: clients, Hold: hold}
	for range 30 {
		start := time.Now()
		time.Sleep(hold)
		p.Idle = append(p.Idle, time.Since(start)-hold)
	}
	u, err := StartUpstream(fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return p, err
	}
	defer u.Close()
	u.SetDelay(hold, false)
	u.RecordLate(true)
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		errs []error
	)
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
			defer cl.CloseIdleConnections()
			for range calls {
				req, _ := http.NewRequestWithContext(ctx, "GET", "http://"+u.Addr+"/up", nil)
				start := time.Now()
				resp, err := cl.Do(req)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				seen := time.Since(start) - hold
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				} else {
					p.Seen = append(p.Seen, seen)
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	p.Late = u.RecordLate(false)
	if len(errs) > 0 {
		return p, fmt.Errorf("calibrate: upstream probe: %d calls failed (first: %w)", len(errs), errs[0])
	}
	return p, nil
}
