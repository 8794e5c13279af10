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
	if got := rs[0].PeakBacklog; got != 42 {
		t.Errorf("uwsgi: peak listen queue %d, want 50 - 8 threads = 42", got)
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
