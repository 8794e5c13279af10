package engine

import "time"

// Requests the server answers with an error without running the app: the
// parse runs on the loop, then an error response goes out at the cost of a
// response and the connection closes; the client sees the request fail with
// the cause.

// rejectCause says why the server answers r with an error as it parses it,
// or noCause if it runs the app.
func (s *Sim) rejectCause(r *request) cause {
	switch {
	case r.early:
		return causeServerError // wsgitoasgi.go
	case s.overLimit(r.proc):
		return causeUnavailable // limit.go
	}
	return noCause
}

// rejectCPU is what refusing r costs the server beyond its error response:
// uvicorn logs each request it refuses for its limit (limit.go,
// limitWarning).
func (s *Sim) rejectCPU(r *request) time.Duration {
	if r.reject == causeUnavailable {
		return limitWarning
	}
	return 0
}
