package engine

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestBackgroundKeyErrors(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"background=-1", "a whole number from 0 to 256"},
		{"background=257", "a whole number from 0 to 256"},
		{"background=two", "a whole number from 0 to 256"},
		{"background=1.5", "a whole number from 0 to 256"},
		{"model=node background=2", "every model but node"},
		{"background=2 background@5s=-1", "a whole number from 0 to 256"},
		{"model=node background@5s=2", "every model but node"},
	} {
		_, err := ParseScenario(tc.text)
		var se *ScenarioError
		if !errors.As(err, &se) {
			t.Errorf("ParseScenario(%q) = %v, want a *ScenarioError", tc.text, err)
			continue
		}
		if !strings.HasPrefix(se.Key, "background") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseScenario(%q) = %q (key %q), want the key background and %q", tc.text, err, se.Key, tc.want)
		}
	}
	sc, err := ParseScenario("model=sync,gevent,asyncio,fastapi background=0..4")
	if err != nil {
		t.Fatalf("a sweep of background: %v", err)
	}
	if got := sc.String(); !strings.Contains(got, "background=0..4") {
		t.Errorf("sweep round trip = %q, want background=0..4 in it", got)
	}
}

// A job's latency is rq's sequence on a quiet machine: the worker's fork
// and the horse's import, the job's cpu, each call and its client CPU,
// then handle_job_success; the request only pays for the enqueue.
func TestJobLatencyFollowsRQ(t *testing.T) {
	r := run1(t, "model=sync background=1 cores=4 calls=2 io=100ms io-late=0 cpu=5ms clients=1 think=2s duration=9s")
	if r.Jobs == nil {
		t.Fatal("Result.Jobs is nil with background=1")
	}
	want := jobForkCPU + jobImportCPU + 5*time.Millisecond + 2*(100*time.Millisecond+jobCallCPU) + jobSuccessCPU
	if got := r.Jobs.LatencyMS.Max; !near(got, ms(want), 0.001) || !near(r.Jobs.LatencyMS.Mean, ms(want), 0.001) {
		t.Errorf("job latency mean %v max %v ms, want %v ms for every job", r.Jobs.LatencyMS.Mean, got, ms(want))
	}
	c := specOf(ModelSync).costs
	req := c.parse + jobEnqueueCPU + redisEnqueueCPU + jobEnqueueReplyCPU + c.respond
	if got := r.LatencyMS.P50; !near(got, ms(req), 0.02) {
		t.Errorf("request p50 = %v ms, want the enqueue and its round trip to Redis, %v ms (no upstream call)", got, ms(req))
	}
	if r.PeakUpstream != 1 {
		t.Errorf("peak upstream = %d, want 1: the job's calls go one after another", r.PeakUpstream)
	}
	if r.Jobs.Finished != 5 || r.Jobs.Enqueued != 5 {
		t.Errorf("jobs enqueued %d finished %d, want 5 and 5", r.Jobs.Enqueued, r.Jobs.Finished)
	}
}

// One worker runs one job at a time, and reaps its horse before it takes
// the next: a burst of n jobs of no calls finishes in n × the whole cycle.
func TestJobOneAtATimeWithForkCost(t *testing.T) {
	const n = 20
	res := run1(t, "model=sync workers=4 background=1 cores=8 calls=0 clients=20 think=1h duration=10s")
	cycle := jobForkCPU + jobImportCPU + jobSuccessCPU + jobReapCPU
	// Every job waits for the cycles of the jobs before it; the last one
	// finishes one reap short of n cycles after the first enqueue.
	if res.Jobs.Enqueued != n || res.Jobs.Finished != n {
		t.Fatalf("enqueued %d, finished %d, want %d and %d", res.Jobs.Enqueued, res.Jobs.Finished, n, n)
	}
	max := time.Duration(res.Jobs.LatencyMS.Max * 1e6)
	lo, hi := time.Duration(n-1)*cycle, time.Duration(n)*cycle
	if max < lo || max > hi {
		t.Errorf("the last job's latency = %v, want between %v and %v (%d jobs one after another, %v each)", max, lo, hi, n, cycle)
	}
	if res.Jobs.PeakQueued < n-4 {
		t.Errorf("peak queue = %d, want at least %d: one worker leaves the rest in the list", res.Jobs.PeakQueued, n-4)
	}
}

// Jobs leave Redis's list first in, first out, each to one worker, and no
// worker holds two.
func TestJobsFIFO(t *testing.T) {
	s := NewLane(mustParse(t, "model=gthread workers=2 threads=8 background=3 io=80ms io-dist=exp calls=2 cpu=2ms rate=60 duration=20s seed=5"), 0, Options{})
	var snap Snapshot
	var started []int64
	held := map[int]int64{}
	for s.Step() {
		s.Snapshot(&snap)
		busy := map[int64]bool{}
		for i, w := range snap.Jobs.Workers {
			if w.N != 0 && busy[w.N] {
				t.Fatalf("at %v job %d is held by two workers", s.Now(), w.N)
			}
			busy[w.N] = w.N != 0
			if w.N != 0 && held[i] != w.N {
				started = append(started, w.N)
			}
			held[i] = w.N
		}
	}
	if len(started) < 100 {
		t.Fatalf("only %d jobs started", len(started))
	}
	for i, n := range started {
		if n != int64(i+1) {
			t.Fatalf("job %d started as the %d-th; want the order of enqueues (started: %v...)", n, i+1, started[:min(i+3, len(started))])
		}
	}
}

// The RQ workers share the machine's cores with the web workers: on one
// core a request waits for a horse's protected slice, up to the tick after
// it (engine/kernel.go), not for the job's 70 ms of fork and import.
func TestJobsShareTheCores(t *testing.T) {
	alone := run1(t, "model=sync workers=2 cores=1 calls=0 cpu=1ms rate=20 duration=20s")
	shared := run1(t, "model=sync workers=2 cores=1 calls=0 cpu=1ms rate=20 background=2 duration=20s")
	wait := ms(2 * (baseSlice(1) + kernelTick)) // both workers' requests may wait once each
	if p99 := shared.LatencyMS.P99; !(p99 > alone.LatencyMS.P99) || p99 > alone.LatencyMS.P99+wait {
		t.Errorf("request p99 with jobs on the one core = %v ms, without = %v ms; want above it by at most %v ms", p99, alone.LatencyMS.P99, wait)
	}
	perJob := jobForkCPU + jobImportCPU + jobSuccessCPU + jobReapCPU + time.Millisecond
	if min := float64(shared.Jobs.Finished) * perJob.Seconds() / 20; shared.CPUUtil < min {
		t.Errorf("CPU utilisation = %v, want at least the jobs' %v", shared.CPUUtil, min)
	}
}

// Memory: the first RQ worker's RSS, the others' private pages, and a
// horse's private pages while it runs.
func TestJobsMemory(t *testing.T) {
	r := run1(t, "model=sync background=4 calls=1 io=1s clients=4 think=1h duration=500ms")
	want := rqWorkerRSS + 3*rqWorkerPrivate + 4*rqHorsePrivate
	if got := r.Jobs.MemoryMB; !near(got, float64(want)/mib, 0.001) {
		t.Errorf("RQ memory = %v MB, want %v", got, float64(want)/mib)
	}
	// Told to stop, the idle newest workers exit at once: what is left is
	// the first worker's RSS and the private pages of the second.
	s := NewLane(mustParse(t, "model=sync background=4 calls=1 io=1s clients=1 think=1h duration=3s background@1s=2"), 0, Options{})
	s.RunUntil(2 * time.Second)
	if got, want := s.jobs.rss, rqWorkerRSS+rqWorkerPrivate; got != want {
		t.Errorf("RQ memory after 4 -> 2 workers = %d, want %d", got, want)
	}
	// The first worker leaving hands the shared pages to the next.
	s = NewLane(mustParse(t, "model=sync background=2 calls=1 io=1s clients=1 think=1h duration=3s"), 0, Options{})
	s.RunUntil(2 * time.Second)
	s.jobWorkerExit(0)
	if got, want := s.jobs.rss, rqWorkerRSS; got != want {
		t.Errorf("RQ memory after the first of 2 workers exits = %d, want %d", got, want)
	}
	// A lane that ignores background (node's app is not Python) has no jobs.
	if rs := run(t, "model=sync,node background=2 calls=1 clients=4 duration=1s"); rs[1].Jobs != nil || rs[1].PeakUpstream == 0 {
		t.Errorf("node lane: jobs %+v, peak upstream %d; want no jobs and its own calls", rs[1].Jobs, rs[1].PeakUpstream)
	}
	if none := run1(t, "model=sync calls=1 clients=4 duration=1s"); none.Jobs != nil {
		t.Errorf("Result.Jobs = %+v without background, want nil", none.Jobs)
	}
}

func mustParse(t *testing.T, text string) Scenario {
	t.Helper()
	sc, err := ParseScenario(text)
	if err != nil {
		t.Fatalf("ParseScenario(%q): %v", text, err)
	}
	return sc
}

// RQ workers start and stop while the run goes on: new ones take jobs at
// once; told to stop (a warm shutdown), a busy one finishes its job first.
// From background=0 on, requests make their calls themselves.
func TestBackgroundLive(t *testing.T) {
	sc := mustParse(t, "model=gthread workers=2 threads=4 background=1 io=200ms calls=2 rate=10 duration=30s background@10s=10 background@20s=0")
	s := NewLane(sc, 0, Options{})
	s.RunUntil(10*time.Second - time.Millisecond)
	before := s.Result().Jobs
	s.RunUntil(20*time.Second - time.Millisecond)
	mid := s.Result().Jobs
	if before.Workers != 1 || mid.Workers != 10 {
		t.Fatalf("RQ workers %d before the change, %d after, want 1 and 10", before.Workers, mid.Workers)
	}
	// The 10 horses fork together and share the cores, so they run in
	// waves (10 to 21 jobs a second, about 15 on average, against about 8
	// requests a second).
	if before.Queued < 30 || mid.Queued > before.Queued/2 {
		t.Errorf("list %d jobs before 10 workers, %d 10 s later, want a long list that 10 workers cut by half", before.Queued, mid.Queued)
	}
	s.RunUntil(20*time.Second + time.Millisecond)
	at := s.Result().Jobs
	var snap Snapshot
	s.Snapshot(&snap)
	busy := 0
	for _, w := range snap.Jobs.Workers {
		if w.Busy {
			busy++
		}
	}
	if at.Running == 0 || len(snap.Jobs.Workers) != busy {
		t.Errorf("just after background@20s=0: %d workers shown, %d busy, %d running; want only the busy ones, finishing their jobs", len(snap.Jobs.Workers), busy, at.Running)
	}
	// A transaction sent before 20 s may reach redis-server's list a few ms
	// later (redis-server waits for a core): count from 20.1 s.
	s.RunUntil(20*time.Second + 100*time.Millisecond)
	sent := s.Result().Jobs
	end := s.Run()
	if end.Jobs.Workers != 0 || end.Jobs.Running != 0 {
		t.Errorf("at the end: %d RQ workers, %d running, want none", end.Jobs.Workers, end.Jobs.Running)
	}
	if end.Jobs.Enqueued > sent.Enqueued {
		t.Errorf("jobs enqueued after background@20s=0: %d at 20.1 s, then %d", sent.Enqueued, end.Jobs.Enqueued)
	}
	if end.Jobs.Finished < at.Finished+int64(at.Running) {
		t.Errorf("finished %d at the end, want the %d running at 20s to finish too (%d before)", end.Jobs.Finished, at.Running, at.Finished)
	}
	if end.PeakUpstream < 4 {
		t.Errorf("peak upstream %d: after background=0 the requests make their own calls, want more", end.PeakUpstream)
	}
}

// Extreme values the parser accepts run, on every Python model, and every
// enqueued job is accounted for: finished, in the list, or held by a worker.
func TestBackgroundEdgesRun(t *testing.T) {
	for _, text := range []string{
		"model=dev,dev-threaded,sync,gthread,gevent,asyncio,wsgi-to-asgi,uvicorn-wsgi background=3 io=50ms calls=2 cpu=1ms clients=30 duration=5s",
		"model=fastapi view=async background=2 parallel=true blocking=true calls=5 io=10ms rate=200 duration=3s",
		"model=sync background=256 cores=1 calls=100 io=0s burst=500",
		"model=gevent background=1 calls=0 cpu=0s rate=1000 duration=2s",
		"model=gthread background=4 cache=1 clients=20 duration=2s",
		"model=asyncio background=1 io-dist=lognormal calls=3 rate=50 duration=10s background@1s=0 background@2s=8 background@3s=2 background@3s=0 background@4s=256 cpu@5s=10ms",
	} {
		sc := mustParse(t, text)
		for i := range sc.Lanes {
			s := NewLane(sc, i, Options{Timelines: 3})
			r := s.Run()
			var snap Snapshot
			s.Snapshot(&snap)
			j := r.Jobs
			if j == nil {
				t.Errorf("%s lane %d: no jobs result", text, i)
				continue
			}
			if j.Enqueued != j.Finished+int64(j.Queued)+int64(j.Running) {
				t.Errorf("%s lane %d: enqueued %d != finished %d + queued %d + running %d", text, i, j.Enqueued, j.Finished, j.Queued, j.Running)
			}
			if len(snap.Jobs.Workers) != j.Workers {
				t.Errorf("%s lane %d: snapshot has %d RQ workers, result %d", text, i, len(snap.Jobs.Workers), j.Workers)
			}
		}
	}
}
