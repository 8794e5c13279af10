package engine

import "testing"

// asgiref 3.6's "would deadlock": a request that comes on a kept-alive
// connection before the previous cycle completed gets a 500 and the
// connection closes, so the client's next request (new connection) runs.
func TestWsgiToAsgiKeepalive(t *testing.T) {
	one := run1(t, "model=wsgi-to-asgi clients=1 io=50ms requests=50")
	if one.Failed.ServerError != 25 || one.Completed != 25 {
		t.Errorf("one client, keep-alive: %d completed, %d 500s; want every second request to fail (25 and 25)", one.Completed, one.Failed.ServerError)
	}
	for _, s := range []string{
		"model=wsgi-to-asgi clients=10 io=50ms keepalive=false requests=150",
		"model=wsgi-to-asgi clients=10 io=50ms think=1ms requests=150", // after the cycle completed
		"model=uvicorn-wsgi clients=10 io=50ms requests=150",           // no asgiref
	} {
		if r := run1(t, s); r.Failed.Total() != 0 {
			t.Errorf("%s: %+v failed, want none", s, r.Failed)
		}
	}
	// A refused request runs no app: it never takes the WSGI thread, so the
	// upstream sees only the served requests' calls.
	ten := run1(t, "model=wsgi-to-asgi clients=10 io=50ms requests=150")
	if ten.Failed.ServerError == 0 || ten.PeakUpstream != 1 {
		t.Errorf("10 clients: %d 500s, peak upstream %d; want some 500s and one call at a time", ten.Failed.ServerError, ten.PeakUpstream)
	}
}
