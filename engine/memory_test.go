package engine

import (
	"strconv"
	"testing"
)

// residentDiff returns, in bytes, how much more resident memory the second
// lane of text peaked at than the first.
func residentDiff(t *testing.T, text string) float64 {
	t.Helper()
	rs := run(t, text)
	if len(rs) != 2 {
		t.Fatalf("%q has %d lanes, want 2", text, len(rs))
	}
	return (rs[1].MemoryMB.Resident - rs[0].MemoryMB.Resident) * mib
}

// A connection costs its worker memory while it is open, whatever it waits
// for: 900 more clients queued for gthread's 50 threads add 900
// connections and nothing else (no thread, no call).
func TestMemoryOfQueuedConnections(t *testing.T) {
	d := residentDiff(t, "model=gthread threads=50 io=1s clients=100,1000 duration=4s")
	if want := 900 * float64(gthreadConnRSS); !near(d, want, 0.01) {
		t.Errorf("gthread, 900 more queued connections: resident +%.0f B, want %.0f", d, want)
	}
	// On gevent each connection is a greenlet with its handler; 90 more
	// clients that each hold a call of requests add those and the calls.
	d = residentDiff(t, "model=gevent io=1s clients=10,100 duration=3s")
	want := 90 * float64(kb(18.1)+greenletConnRSS+syncClients[ClientRequests].conn)
	if !near(d, want, 0.01) {
		t.Errorf("gevent, 90 more connections with their calls: resident +%.0f B, want %.0f", d, want)
	}
	// Sleeping tasks on uvicorn: a task and its connection each.
	d = residentDiff(t, "model=asyncio wait=sleep io=1s clients=100,1000 duration=3s")
	if want := 900 * float64(kb(9.8)+uvicornConnRSS); !near(d, want, 0.01) {
		t.Errorf("asyncio, 900 more sleeping requests: resident +%.0f B, want %.0f", d, want)
	}
}

// A call waiting for a connection of aiohttp's pool holds its request, less
// than a call in flight holds.
func TestMemoryOfPoolWaiters(t *testing.T) {
	d := residentDiff(t, "model=asyncio io=1s clients=200 pool=100,200 duration=3s")
	want := 100 * float64(asyncClients[ClientAiohttp].conn-aiohttpWaitRSS)
	if !near(d, want, 0.02) {
		t.Errorf("asyncio, 100 waiters turned into calls: resident +%.0f B, want %.0f", d, want)
	}
	// urllib's waits were not measured: nothing is charged for them, so
	// with a pool that makes 100 of 200 calls wait the worker holds only
	// the 100 calls.
	d = residentDiff(t, "model=gevent http-client=urllib io=1s clients=200 pool=100,200 duration=3s")
	if want := 100 * float64(syncClients[ClientURLlib].conn); !near(d, want, 0.02) {
		t.Errorf("gevent with urllib, 100 more calls in flight: resident +%.0f B, want %.0f", d, want)
	}
}

// A gunicorn sync or gthread worker stops sharing part of the arbiter's
// heap after syncUnshareAfter or gthreadUnshareAfter requests, once, and a
// replacement worker starts sharing again.
func TestMemoryUnsharedAfterRequests(t *testing.T) {
	n, g := syncUnshareAfter, gthreadUnshareAfter
	for _, tc := range []struct {
		text   string
		before int // requests that stay under the step
		after  int // requests past it
		steps  float64
	}{
		{"model=sync clients=1 io=1ms", n - 10, n + 10, 1},
		{"model=gthread threads=4 clients=4 io=1ms io-late=0", g - 10, 3 * g, 1},
		{"model=sync workers=4 clients=4 io=1ms", 4*n - 40, 4*n + 200, 4},
		// Restarted every 50-70 requests, no worker gets there.
		{"model=sync clients=1 io=1ms max-requests=50 max-requests-jitter=20", n - 10, 3 * n, 0},
		// Async views have the step in asyncViewLib already.
		{"model=gthread threads=4 clients=4 io=1ms view=async", g - 10, 3 * g, 0},
		// gevent's arbiter part did not grow from 150 to 5000 requests.
		{"model=gevent clients=1 io=1ms", n - 10, n + 10, 0},
	} {
		a := run1(t, tc.text+" requests="+strconv.Itoa(tc.before))
		b := run1(t, tc.text+" requests="+strconv.Itoa(tc.after))
		d := (b.MemoryMB.Resident - a.MemoryMB.Resident) * mib
		if want := tc.steps * gunicornUnshare; d < want-kib || d > want+kib {
			t.Errorf("%s, %d against %d requests: resident +%.0f B, want %.0f", tc.text, tc.after, tc.before, d, want)
		}
	}
}
