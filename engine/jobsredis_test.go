package engine

import (
	"slices"
	"testing"
	"time"
)

// timelines runs text's only lane keeping n timelines, and returns them
// by arrival number.
func timelines(t *testing.T, text string, n int) []Timeline {
	t.Helper()
	s := NewLane(mustParse(t, text), 0, Options{Timelines: n})
	s.Run()
	tls := s.Timelines()
	slices.SortFunc(tls, func(a, b Timeline) int { return int(a.Seq - b.Seq) })
	return tls
}

// waitOnRedis returns the segment of tl that waits for Redis's reply: the
// only io or blocked segment of a request that enqueued its calls.
func waitOnRedis(t *testing.T, tl Timeline) Segment {
	t.Helper()
	var got []Segment
	for _, sg := range tl.Segments {
		if sg.State == StateIO || sg.State == StateBlocked {
			got = append(got, sg)
		}
	}
	if len(got) != 1 {
		t.Fatalf("request %d: %d segments waiting (io or blocked), want the one round trip to Redis:\n%v", tl.Seq, len(got), tl)
	}
	return got[0]
}

// ran reports whether tl ran CPU at some moment inside sg.
func ran(tl Timeline, sg Segment) bool {
	for _, c := range tl.Segments {
		if c.State == StateCPU && c.Start < sg.End && c.End > sg.Start {
			return true
		}
	}
	return false
}

// redis-server is one process running one transaction at a time: four
// workers on idle cores that enqueue at the same moment get their replies
// one transaction's CPU apart, first sent first answered.
func TestRedisRunsOneTransactionAtATime(t *testing.T) {
	tls := timelines(t, "model=sync workers=4 cores=8 background=1 burst=4 calls=1 io=10ms", 4)
	if len(tls) != 4 {
		t.Fatalf("%d timelines, want 4", len(tls))
	}
	var waits []time.Duration
	for _, tl := range tls {
		sg := waitOnRedis(t, tl)
		if sg.State != StateIO {
			t.Errorf("request %d waits for Redis in %v, want io (its thread sleeps in the socket's read)", tl.Seq, sg.State)
		}
		waits = append(waits, sg.End-sg.Start)
	}
	slices.Sort(waits)
	for i, w := range waits {
		if want := time.Duration(i+1) * redisEnqueueCPU; w != want {
			t.Errorf("waits for Redis %v, want %v, %v, %v and %v", waits, redisEnqueueCPU, 2*redisEnqueueCPU, 3*redisEnqueueCPU, 4*redisEnqueueCPU)
			break
		}
	}
}

// While a thread waits for Redis's reply it has let the GIL go: another
// thread of its gthread worker runs then. An asyncio task that calls
// redis-py blocks its loop: no other task runs until the reply. A
// greenlet's patched socket yields the hub to the others. gthread's two
// requests are the second ones of two kept-alive connections: in a burst of
// new connections its main thread accepts the second one during the first
// request's round trip, too late for that request to run in it.
func TestEnqueueWaitYieldsAsTheSocketDoes(t *testing.T) {
	for _, tc := range []struct {
		model  string
		state  State
		yields bool
	}{
		{"model=gthread workers=1 threads=2 clients=2 requests=4", StateIO, true},
		{"model=gevent burst=2", StateIO, true},
		{"model=asyncio burst=2", StateBlocked, false},
	} {
		tls := timelines(t, tc.model+" cores=4 background=1 calls=1 io=10ms", 2)
		if len(tls) != 2 {
			t.Fatalf("%s: %d timelines, want 2", tc.model, len(tls))
		}
		first, other := tls[0], tls[1]
		if waitOnRedis(t, tls[1]).Start < waitOnRedis(t, tls[0]).Start {
			first, other = tls[1], tls[0]
		}
		sg := waitOnRedis(t, first)
		if sg.State != tc.state {
			t.Errorf("%s: the first enqueue waits in %v, want %v", tc.model, sg.State, tc.state)
		}
		if got := ran(other, sg); got != tc.yields {
			t.Errorf("%s: the other request ran during the first one's round trip to Redis: %v, want %v\n%v\n%v", tc.model, got, tc.yields, first, other)
		}
	}
}

// redis-server's CPU is on the machine's cores, counted with the jobs'
// (the RQ figures), not as the web workers': a lone sync worker's CPU per
// request is its own parse, enqueue and respond.
func TestRedisCPUIsNotTheWorkers(t *testing.T) {
	s := NewLane(mustParse(t, "model=sync background=1 cores=4 calls=0 clients=1 think=1s duration=10s"), 0, Options{})
	r := s.Run()
	if r.Jobs == nil || r.Jobs.Finished != r.Jobs.Enqueued || r.Completed == 0 {
		t.Fatalf("jobs %+v, %d requests: want every job finished", r.Jobs, r.Completed)
	}
	c := specOf(ModelSync).costs
	want := c.parse + jobEnqueueCPU + jobEnqueueReplyCPU + c.respond
	if got := (s.m.busy - s.jobs.cpu) / time.Duration(r.Completed); got != want {
		t.Errorf("web CPU per request = %v, want %v (without Redis's %v)", got, want, redisEnqueueCPU)
	}
	job := ms(jobForkCPU + jobImportCPU + jobSuccessCPU + jobReapCPU + redisEnqueueCPU)
	if !near(r.Jobs.CPUPerJobMS, job, 0.01) {
		t.Errorf("CPU per job = %v ms, want %.3f: the RQ worker's and Redis's for its enqueue", r.Jobs.CPUPerJobMS, job)
	}
}

// A request whose worker is killed while it waits for Redis is not woken;
// its transaction still runs and its job is in the list.
func TestEnqueueOfAKilledWorker(t *testing.T) {
	s := NewLane(mustParse(t, "model=sync background=1 cores=1 calls=1 io=10ms clients=1 think=1h duration=1s"), 0, Options{})
	var id int32 = -1
	for id < 0 && s.Step() {
		for i := range s.reqs {
			if r := &s.reqs[i]; r.live && r.state == StateIO {
				id = int32(i)
			}
		}
	}
	if id < 0 || s.jobs.redis.cmds.len() != 1 {
		t.Fatalf("no request waits for Redis's reply (request %d, %d transactions at Redis)", id, s.jobs.redis.cmds.len())
	}
	s.stopWorker(s.reqs[id].proc, causeWorkerTimeout)
	r := s.Run()
	if r.Jobs.Enqueued != 1 || r.Completed != 0 || r.Failed.Total() != 1 {
		t.Errorf("jobs enqueued %d, requests completed %d, failed %d; want 1, 0 and 1: the transaction was sent, its request lost", r.Jobs.Enqueued, r.Completed, r.Failed.Total())
	}
}
