package calibrate

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Load is the traffic of one run: closed-loop clients, each sending a
// request, waiting for the answer (or giving up after Timeout), thinking,
// and sending again.
type Load struct {
	URL       string
	Clients   int
	Think     time.Duration
	KeepAlive bool
	Timeout   time.Duration // a client gives up after this long; 0 for never
	Requests  int           // the run ends when this many have finished (served or failed)
	Duration  time.Duration // or at this time, whichever comes first
	// Drain makes the clients wait for their requests in flight at the end
	// instead of abandoning them (the warm-up uses it, so that the server
	// has nothing left to serve when the measured run starts).
	Drain bool
}

// LoadResult is what the clients saw.
type LoadResult struct {
	Completed int
	Failed    int            // timed out, refused, reset, or not 200
	Causes    map[string]int // failures by cause
	Elapsed   time.Duration  // from the start to the last counted finish (or the deadline)
	Latencies []time.Duration
	ByBody    map[string]int // completed requests per response body (the worker's pid)
}

// Throughput returns completed requests per second.
func (r LoadResult) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Completed) / r.Elapsed.Seconds()
}

// Quantile returns the q-quantile of the completed requests' latencies in
// milliseconds (nearest rank), or 0 without any.
func (r LoadResult) Quantile(q float64) float64 {
	if len(r.Latencies) == 0 {
		return 0
	}
	s := slices.Clone(r.Latencies)
	slices.Sort(s)
	i := int(q*float64(len(s))+0.5) - 1
	i = max(0, min(i, len(s)-1))
	return float64(s[i]) / 1e6
}

// Run sends the load and returns what the clients saw. Only requests that
// finished before the end are counted; the rest are abandoned.
func (l Load) Run(ctx context.Context) LoadResult {
	tr := &http.Transport{
		DisableKeepAlives:   !l.KeepAlive,
		MaxIdleConns:        l.Clients + 10,
		MaxIdleConnsPerHost: l.Clients + 10,
		MaxConnsPerHost:     0,
		IdleConnTimeout:     90 * time.Second,
		DialContext:         (&net.Dialer{Timeout: 130 * time.Second}).DialContext,
	}
	defer tr.CloseIdleConnections()
	cl := &http.Client{Transport: tr, Timeout: l.Timeout}
	ctx, cancel := context.WithTimeout(ctx, l.Duration)
	defer cancel()

	var (
		mu       sync.Mutex
		res      = LoadResult{Causes: map[string]int{}, ByBody: map[string]int{}}
		finished atomic.Int64
		start    = time.Now()
		end      time.Time
		wg       sync.WaitGroup
	)
	record := func(lat time.Duration, body string, cause string) {
		mu.Lock()
		defer mu.Unlock()
		if ctx.Err() != nil || int(finished.Load()) >= l.Requests {
			return // after the end: not counted
		}
		if cause == "" {
			res.Completed++
			res.Latencies = append(res.Latencies, lat)
			res.ByBody[body]++
		} else {
			res.Failed++
			res.Causes[cause]++
		}
		if finished.Add(1) == int64(l.Requests) {
			end = time.Now()
			if !l.Drain {
				cancel()
			}
		}
	}
	for range l.Clients {
		wg.Go(func() {
			for ctx.Err() == nil && int(finished.Load()) < l.Requests {
				req, _ := http.NewRequestWithContext(ctx, "GET", l.URL, nil)
				t0 := time.Now()
				resp, err := cl.Do(req)
				var body []byte
				if err == nil {
					body, err = io.ReadAll(resp.Body)
					resp.Body.Close()
					// 202: a background row's request has enqueued its job.
					if err == nil && resp.StatusCode != 200 && resp.StatusCode != 202 {
						err = errors.New("status " + resp.Status)
					}
				}
				lat := time.Since(t0)
				if ctx.Err() != nil {
					return
				}
				// The body's first word is the worker's pid (a job id may follow).
				pid, _, _ := strings.Cut(strings.TrimSpace(string(body)), " ")
				record(lat, pid, cause(err))
				if l.Think > 0 {
					waitCtx(ctx, l.Think)
				}
			}
		})
	}
	wg.Wait()
	if end.IsZero() {
		end = time.Now()
		if d := start.Add(l.Duration); end.After(d) {
			end = d
		}
	}
	res.Elapsed = end.Sub(start)
	return res
}

// cause names an error the way the engine counts failures.
func cause(err error) string {
	if err == nil {
		return ""
	}
	var ne net.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		return "client-timeout"
	case strings.Contains(err.Error(), "connection refused"):
		return "connect-failed"
	case strings.Contains(err.Error(), "status "):
		return "http-error"
	}
	return "other"
}
