package engine

import "time"

// Where a requests call spends its CPU. requests.Session.get builds and
// prepares its request, takes a connection from urllib3's pool and sends
// it before it waits; it reads and decodes the response after. Measured
// on this machine (Python 3.11, requests with the calibration app's
// Session, whose pool keeps up to 1000 connections; load average 1.8), CPU
// before the first sendall against after it, medians of 300 calls: 1.26 ms
// before and 1.46 ms after on a kept connection, 2.12 ms before on a new
// one. The engine keeps its calibrated total for a call (costs.resume) and
// charges costs.send of it before the call, where the handler runs it,
// and the rest after; a call for which the client opens a connection
// (more calls in flight in the worker than it ever had) costs
// costs.upConnect more, before it goes out. It matters where threads
// share one GIL: what a thread runs before its call goes out delays the
// calls behind it (gthread, engine/mainthread.go).

// requestsSend is costs.send for requests: 0.46 of the hot part of a call
// (resume less coldExtra, 750µs), as 1.26 ms is of 2.72; and
// requestsConnect is costs.upConnect, 2.12 - 1.26 ms as measured.
const (
	requestsSend    = 350 * time.Microsecond
	requestsConnect = 860 * time.Microsecond
)

// sendCost is the part of each of r's calls that its client runs before
// the call goes out: none for a request without calls, a Flask async view
// (aiohttp) or a request whose calls leave with a background job.
func (s *Sim) sendCost(r *request) time.Duration {
	if len(r.lat) == 0 || s.asyncView || s.enqueues() || r.proc < 0 {
		return 0
	}
	return s.cost.send
}

// newUpConn runs, for r's call that has just taken one of worker p's
// upstream connections, the CPU of opening a new one if its client needs
// to (more calls in flight than it has opened), and reports whether r
// waits for that CPU (connected then sends the call).
func (s *Sim) newUpConn(p *proc, r *request) bool {
	if s.cost.upConnect == 0 || s.sendCost(r) == 0 || r.parallel || r.blocking || p.upOpen >= p.up.n {
		return false
	}
	p.upOpen++
	if !s.runCPU(r, false, s.cost.upConnect, stepConnected) {
		s.proceed(r.id)
	}
	return true
}
