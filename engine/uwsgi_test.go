package engine

import (
	"testing"
	"time"
)

// uWSGI asks listen() for 100 (core/init.c:119, --listen): a burst of 300
// on one thread fills it (Linux queues 101, sk_acceptq_is_full), and the
// rest wait for SYN retries, where
// gunicorn's 2048 holds them all. backlog=1024 is --listen 1024.
func TestUWSGIListenQueue(t *testing.T) {
	for _, tc := range []struct {
		text string
		want int
	}{{"model=uwsgi", 100}, {"model=sync", 2048}, {"model=uwsgi backlog=1024", 1024}, {"model=dev", 128}, {"model=node", 511}} {
		sc, err := ParseScenario(tc.text)
		if err != nil {
			t.Fatal(err)
		}
		if got := sc.Lanes[0].ListenQueue(); got != tc.want {
			t.Errorf("ParseScenario(%q).ListenQueue() = %d, want %d", tc.text, got, tc.want)
		}
	}
	rs := run(t, "model=uwsgi,sync,uwsgi backlog=100,2048,1024 burst=300 io=100ms")
	for i, want := range []int{101, 299, 299} {
		if got := rs[i].PeakBacklog; got != want {
			t.Errorf("lane %d (%s): peak listen queue %d, want %d", i, rs[i].Scenario, got, want)
		}
	}
	// The 198 connections that found the queue full waited at least one
	// SYN retry (1s): the slowest uwsgi request took longer than the
	// slowest with room for all, which serves them all in ~30s.
	if rs[0].LatencyMS.Max <= rs[2].LatencyMS.Max+1000 {
		t.Errorf("max latency with --listen 100: %.0f ms, with 1024: %.0f ms; want SYN retries to add more than 1s",
			rs[0].LatencyMS.Max, rs[2].LatencyMS.Max)
	}
	if rs[0].Completed != 300 || rs[2].Completed != 300 {
		t.Errorf("completed %d and %d, want 300 each (the retries get in within 63s)", rs[0].Completed, rs[2].Completed)
	}
}

// A uWSGI thread accepts only when it is free (simple_loop_run,
// core/loop.c): 50 clients on 2 workers x 4 threads leave 42 connections in
// the kernel's queue, where gthread's main thread accepts them all into its
// workers' queues.
func TestUWSGIAcceptsOnFreeThread(t *testing.T) {
	rs := run(t, "model=uwsgi,gthread workers=2 threads=4 clients=50 io=100ms requests=2000")
	// One more can wait while a thread that has sent its response waits
	// for the GIL before it accepts (gilBackAt), and its client reconnects.
	if got := rs[0].PeakBacklog; got != 42 && got != 43 {
		t.Errorf("uwsgi: peak listen queue %d, want 50 - 8 threads = 42 (43 while a thread waits for the GIL to accept)", got)
	}
	// gthread's main threads accept the burst one connection a turn
	// whether or not a thread is free: a moment later none is left in the
	// listen queue.
	sc, err := ParseScenario("model=gthread workers=2 threads=4 clients=50 io=100ms requests=2000")
	if err != nil {
		t.Fatal(err)
	}
	s := NewLane(sc, 0, Options{})
	s.RunUntil(50 * time.Millisecond)
	var snap Snapshot
	s.Snapshot(&snap)
	if snap.Backlog != 0 {
		t.Errorf("gthread: %d in the listen queue at 50ms, want 0", snap.Backlog)
	}
	for i := range rs {
		if rs[i].PeakUpstream != 8 {
			t.Errorf("%s: peak upstream %d, want 8 (every thread busy)", rs[i].Scenario, rs[i].PeakUpstream)
		}
	}
}

// --http-socket closes every connection (uwsgi_proto_base_close): a client
// that asks for keep-alive gets a new connection each time, so the run is
// the same as without it.
func TestUWSGINoKeepalive(t *testing.T) {
	rs := run(t, "model=uwsgi threads=4 clients=8 keepalive=true,false requests=500")
	a, b := rs[0], rs[1]
	a.Scenario, b.Scenario = "", ""
	if a.LatencyMS != b.LatencyMS || a.Completed != b.Completed || a.CPUUtil != b.CPUUtil {
		t.Errorf("keepalive=true gave %+v, keepalive=false %+v; want the same run", a.LatencyMS, b.LatencyMS)
	}
}

// The master imports the app before it forks, so a further worker adds only
// its private pages (extraRSS), not another copy of requests; gunicorn's
// workers import it after the fork.
func TestUWSGIWorkerMemory(t *testing.T) {
	rs := run(t, "model=uwsgi workers=1,2 clients=2 requests=200")
	got := rs[1].MemoryMB.Resident - rs[0].MemoryMB.Resident
	if want := float64(uwsgi.costs.extraRSS) / mib; !near(got, want, 0.01) {
		t.Errorf("a second uwsgi worker adds %.2f MB resident, want %.2f (its private memory only)", got, want)
	}
}

// halfOpenScenario is five clients that start together on uWSGI with two
// threads and a queue of 2 (--listen 1: Linux holds backlog+1): two calls
// run, two connections wait, and the fifth client's SYN, answered before
// the queue filled, leaves its request dropped. With rtt=200µs its SYN
// comes at 0.2 ms and its request at 0.4 ms, both in jiffy 0 (HZ=250).
const halfOpenScenario = "model=uwsgi threads=2 backlog=1 clients=5 rtt=200µs think=60s requests=5 duration=30s "

// The client's kernel resends a dropped request on its retransmission
// timer, not 1 s later as a dropped SYN: RTO 51 jiffies (tcp_rto_min 200 ms
// rounded up), then 102: on the timer wheel 52 jiffies (level 0, one tick
// after expiry) and then jiffy 52 + 102 = 154 rounded up to level 1's 8
// jiffies, 160 = 0.64 s. The threads free their places at 0.5 s, so the
// half-open connection gets in at its second resend.
func TestUWSGIHalfOpenResendsItsRequest(t *testing.T) {
	tl := timelineOf(t, halfOpenScenario+"io=500ms", 5, 5*time.Second)
	if len(tl.Segments) == 0 || tl.Segments[0].State != StateConnecting {
		t.Fatalf("the fifth connection's timeline %+v, want it to start half-open (connecting)", tl.Segments)
	}
	if got, want := tl.Segments[0].End, 640*time.Millisecond; got != want {
		t.Errorf("the half-open connection got in at %v, want %v (its request's second retransmission)", got, want)
	}
}

// uWSGI's socket has TCP_DEFER_ACCEPT (4 s: 3 timeouts), so the request
// sock resends its SYN-ACK only from its third timeout: 1 s after the SYN
// (jiffy 250 rounded up to level 1: 256), 2 s later (756 -> 760), 4 s later
// (1760, level 2's 64 jiffies -> 1792 = 7.168 s). The client answers with a
// bare ACK, which makes a connection without its request. The request's
// fifth retransmission came at 6.656 s (jiffy 784 + 816 = 1600 -> 1664),
// while the queue was still full; the sixth is due at 13.312 s (1664 + 1632
// = 3296 -> 3328). The threads' first calls end at 6.8 s, so the queue
// has room at 7.168 s; their next calls (io 3 s from 6.7 s) end at 9.8 s,
// and the thread that accepts the connection waits in its read until
// 13.312 s: the thread is lost for 3.5 s.
func TestUWSGIBareACKHoldsAThread(t *testing.T) {
	tl := timelineOf(t, halfOpenScenario+"io=6.8s io@6.7s=3s", 5, 30*time.Second)
	var half, read *Segment
	for i := range tl.Segments {
		switch sg := &tl.Segments[i]; sg.State {
		case StateConnecting:
			half = sg
		case StateQueued:
			read = sg
		}
	}
	if half == nil || half.End != 7168*time.Millisecond {
		t.Errorf("half-open segment %+v, want it to end at 7.168s (the SYN-ACK resent at the third timeout)", half)
	}
	if read == nil || read.End != 13312*time.Millisecond || read.Start < 9800*time.Millisecond {
		t.Errorf("the thread's wait for the request %+v, want from the accept after 9.8s to 13.312s (the request's sixth transmission)", read)
	}
	if tl.Outcome != "ok" {
		t.Errorf("outcome %q, want ok", tl.Outcome)
	}
}

// uWSGI's read gives up after socket-timeout (4 s): when the threads free
// up at 8.8 s, the connection without its request is accepted, and its
// request is not due until 13.312 s, so uWSGI closes it at 12.8 s and the
// client's retransmission is reset.
func TestUWSGIReadTimeoutOnBareACK(t *testing.T) {
	r := run1(t, halfOpenScenario+"io=6.8s io@6.7s=2s")
	if r.Completed != 4 || r.Failed.ConnectFailed != 1 {
		t.Errorf("completed %d, connect-failed %d; want 4 and 1 (uWSGI closed the connection it read nothing from in 4 s)", r.Completed, r.Failed.ConnectFailed)
	}
}

// Without TCP_DEFER_ACCEPT the engine keeps the SYN retry for every model:
// the same five clients on gunicorn's sync workers (--backlog 1) see the
// fifth one's SYN dropped and resent 1.024 s later.
func TestHalfOpenOnlyWithDeferAccept(t *testing.T) {
	tl := timelineOf(t, "model=sync workers=2 backlog=1 clients=5 rtt=200µs think=60s requests=5 duration=30s io=500ms", 5, 5*time.Second)
	if len(tl.Segments) == 0 || tl.Segments[0].State != StateConnecting || tl.Segments[0].End != 1024*time.Millisecond {
		t.Errorf("sync: the fifth connection's first segment %+v, want connecting until its SYN's resend at 1.024s (jiffy 256)", tl.Segments)
	}
}

// Linux keeps at most backlog pending request socks; a SYN beyond them gets
// a cookie (tcp_syncookies=1), which keeps nothing on the server, so no
// SYN-ACK is resent. With --listen 1 and four half-open connections, the
// first two hold request socks and get in by the SYN-ACK at 7.168 s, and the
// other two wait for their requests' sixth transmission, at 13.312 s.
func TestUWSGIHalfOpenCookies(t *testing.T) {
	text := "model=uwsgi threads=2 backlog=1 clients=8 rtt=200µs think=60s requests=8 duration=30s io=6.8s io@6.7s=3s"
	for seq, want := range map[int64]time.Duration{5: 7168 * time.Millisecond, 6: 7168 * time.Millisecond, 7: 13312 * time.Millisecond, 8: 13312 * time.Millisecond} {
		tl := timelineOf(t, text, seq, 30*time.Second)
		if len(tl.Segments) == 0 || tl.Segments[0].State != StateConnecting || tl.Segments[0].End != want {
			t.Errorf("connection %d: first segment %+v, want half-open (connecting) until %v", seq, tl.Segments[:min(1, len(tl.Segments))], want)
		}
	}
}

// A uWSGI thread lets the GIL go to send its response and needs it back
// before it accepts again (gilBackAt). Two threads whose calls return
// together: the first sends its response at 52.24 ms while the second waits
// for the GIL. If the second takes it during the send (always, here), the
// first accepts only when the second's 1.6 ms slice ends, and its client,
// back within a fraction of a millisecond, finds the queue (--listen 1: 2
// places) still full: its SYN is dropped. If the sender keeps the GIL
// (never, here), it accepts at once and its client's request waits in the
// queue.
func TestUWSGIAcceptWaitsForTheGIL(t *testing.T) {
	const text = "model=uwsgi threads=2 backlog=1 clients=4 rtt=200µs io=50ms io-late=0 requests=12 duration=10s"
	for _, tc := range []struct {
		lost float64
		want State
	}{{1, StateConnecting}, {0, StateBacklog}} {
		old := gilWriteLost
		gilWriteLost = tc.lost
		tl := timelineOf(t, text, 5, 10*time.Second)
		gilWriteLost = old
		if tl.Client != 0 || tl.Sent != 52240*time.Microsecond || len(tl.Segments) == 0 || tl.Segments[0].State != tc.want {
			t.Errorf("gilWriteLost %v: the first client's second request %+v, want sent at 52.24ms and first %s", tc.lost, tl, tc.want)
		}
	}
}
