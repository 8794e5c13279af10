package calibrate

import (
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Upstream is the HTTP service the apps call. Every request is answered
// after the delay, or after an exponential draw with the delay as its mean
// (a row with io-dist=exp); the upstream counts how many requests it holds
// at once and keeps the peak. With RecordLate it also keeps how much later
// than asked each hold ended (its timer's and goroutine's lateness).
type Upstream struct {
	Addr string // host:port it listens on

	delay    atomic.Int64 // nanoseconds
	exp      atomic.Bool  // draw each delay from an exponential distribution
	mu       sync.Mutex
	rng      *rand.Rand // under mu
	inFlight int
	peak     int
	calls    int64
	record   bool            // under mu: keep late
	late     []time.Duration // under mu: each recorded hold's lateness
	srv      *http.Server
	ln       net.Listener
}

// StartUpstream listens on addr (127.0.0.1:port) and serves until Close.
func StartUpstream(addr string) (*Upstream, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("upstream: %w", err)
	}
	u := &Upstream{Addr: ln.Addr().String(), ln: ln, rng: rand.New(rand.NewPCG(1, 2))}
	mux := http.NewServeMux()
	mux.HandleFunc("/up", u.serveUp)
	mux.HandleFunc("/stats", u.serveStats)
	u.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go u.srv.Serve(ln)
	return u, nil
}

// SetDelay sets how long every later call is held: d, or with exp an
// exponential draw of mean d.
func (u *Upstream) SetDelay(d time.Duration, exp bool) {
	u.delay.Store(int64(d))
	u.exp.Store(exp)
}

// Reset clears the peak and the call count; the peak restarts from the
// calls in flight now.
func (u *Upstream) Reset() {
	u.mu.Lock()
	u.peak = u.inFlight
	u.calls = 0
	u.mu.Unlock()
}

// Stats returns the peak concurrency and the number of calls since Reset.
func (u *Upstream) Stats() (peak int, calls int64) {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.peak, u.calls
}

// RecordLate starts (on) or stops keeping each call's lateness, and
// returns the lateness kept until now, clearing it.
func (u *Upstream) RecordLate(on bool) []time.Duration {
	u.mu.Lock()
	defer u.mu.Unlock()
	l := u.late
	u.record, u.late = on, nil
	return l
}

// Close stops the upstream.
func (u *Upstream) Close() error { return u.srv.Close() }

func (u *Upstream) serveUp(w http.ResponseWriter, r *http.Request) {
	u.mu.Lock()
	u.inFlight++
	u.calls++
	if u.inFlight > u.peak {
		u.peak = u.inFlight
	}
	d := time.Duration(u.delay.Load())
	if u.exp.Load() {
		d = time.Duration(u.rng.ExpFloat64() * float64(d))
	}
	u.mu.Unlock()
	start := time.Now()
	time.Sleep(d)
	held := time.Since(start)
	u.mu.Lock()
	if u.record {
		u.late = append(u.late, held-d)
	}
	u.inFlight--
	u.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain")
	w.Write([]byte("upstream-ok\n"))
}

func (u *Upstream) serveStats(w http.ResponseWriter, r *http.Request) {
	peak, calls := u.Stats()
	fmt.Fprintf(w, "{\"peak\": %d, \"calls\": %d}\n", peak, calls)
}
