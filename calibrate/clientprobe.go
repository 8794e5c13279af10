package calibrate

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"time"
)

// ClientTurn is the harness's own client measured against a server that
// does nothing: how long after a response leaves the server the client's
// next request reaches it (the engine's rtt: one draw kept alive, two on a
// new connection).
type ClientTurn struct {
	KeepAlive bool
	Hold      time.Duration // how long the server held each request: 0 keeps the cores busy, 20ms lets them idle
	Gaps      []time.Duration
}

// Mean returns the mean turn-around.
func (c ClientTurn) Mean() time.Duration {
	if len(c.Gaps) == 0 {
		return 0
	}
	var t time.Duration
	for _, g := range c.Gaps {
		t += g
	}
	return t / time.Duration(len(c.Gaps))
}

// Quantile returns the q-quantile of the turn-arounds (nearest rank).
func (c ClientTurn) Quantile(q float64) time.Duration {
	if len(c.Gaps) == 0 {
		return 0
	}
	s := slices.Clone(c.Gaps)
	slices.Sort(s)
	return s[max(0, min(len(s)-1, int(q*float64(len(s))+0.5)-1))]
}

// String summarises the probe in one line.
func (c ClientTurn) String() string {
	conn := "a new connection each request"
	draws := 2
	if c.KeepAlive {
		conn, draws = "kept alive", 1
	}
	return fmt.Sprintf("%s, server holds %v: %d requests, mean %v (rtt %v), p10 %v, p50 %v, p90 %v",
		conn, c.Hold, len(c.Gaps), c.Mean().Round(time.Microsecond), (c.Mean() / time.Duration(draws)).Round(time.Microsecond),
		c.Quantile(0.1).Round(time.Microsecond), c.Quantile(0.5).Round(time.Microsecond), c.Quantile(0.9).Round(time.Microsecond))
}

// ProbeClient runs the harness's client (Load, one client) against a
// minimal HTTP server on 127.0.0.1:port that answers each request after
// hold (port 0: any free one), and times each request's turn-around at the server: from just
// before it writes a response to the first line of the client's next
// request.
func ProbeClient(ctx context.Context, port int, keepAlive bool, hold time.Duration, requests int) (ClientTurn, error) {
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return ClientTurn{}, err
	}
	defer ln.Close()
	port = ln.Addr().(*net.TCPAddr).Port // port 0: the one the kernel chose
	var (
		mu        sync.Mutex
		lastWrite time.Time
		gaps      []time.Duration
		wg        sync.WaitGroup
	)
	serve := func(c net.Conn) {
		defer wg.Done()
		defer c.Close()
		br := bufio.NewReader(c)
		for {
			if _, err := br.ReadString('\n'); err != nil {
				return
			}
			now := time.Now()
			mu.Lock()
			if !lastWrite.IsZero() {
				gaps = append(gaps, now.Sub(lastWrite))
			}
			mu.Unlock()
			for { // the rest of the request head
				l, err := br.ReadString('\n')
				if err != nil {
					return
				}
				if strings.TrimSpace(l) == "" {
					break
				}
			}
			if hold > 0 {
				time.Sleep(hold)
			}
			head := "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n"
			if !keepAlive {
				head += "Connection: close\r\n"
			}
			// Timed before the write: the client cannot answer before it.
			mu.Lock()
			lastWrite = time.Now()
			mu.Unlock()
			if _, err := c.Write([]byte(head + "\r\n1")); err != nil || !keepAlive {
				return
			}
		}
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go serve(c)
		}
	}()
	l := Load{URL: fmt.Sprintf("http://127.0.0.1:%d/", port), Clients: 1, KeepAlive: keepAlive,
		Requests: requests, Duration: time.Duration(requests)*(hold+10*time.Millisecond) + 5*time.Second}
	res := l.Run(ctx)
	ln.Close()
	wg.Wait()
	if res.Failed > 0 {
		return ClientTurn{}, fmt.Errorf("calibrate: client probe: %d of %d requests failed (%v)", res.Failed, requests, res.Causes)
	}
	return ClientTurn{KeepAlive: keepAlive, Hold: hold, Gaps: gaps}, nil
}
