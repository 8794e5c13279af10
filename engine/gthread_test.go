package engine

import (
	"testing"
	"time"
)

// gthread's main loop calls futures.wait over every request the worker
// holds once per request it hands out (gthread.py:206): the CPU per request
// grows with the requests held, whatever the number of threads.
func TestGthreadMainLoopCostFollowsRequestsHeld(t *testing.T) {
	const base = "model=gthread io=1s duration=20s cores=2 seed=1"
	few := cpuPerRequest(run1(t, base+" threads=50 clients=50"), 2)
	held50 := cpuPerRequest(run1(t, base+" threads=50 clients=1000"), 2)
	held1000 := cpuPerRequest(run1(t, base+" threads=1000 clients=1000"), 2)
	// 1000 requests held against 50: 950 more futures to look over.
	want := few + 950*gthreadPerFuture
	for _, c := range []struct {
		name string
		got  time.Duration
	}{{"50 threads", held50}, {"1000 threads", held1000}} {
		if !near(float64(c.got), float64(want), 0.05) {
			t.Errorf("%s, 1000 clients: %v of CPU a request, want about %v (%v with 50 clients, plus 950 x %v)", c.name, c.got, want, few, gthreadPerFuture)
		}
	}
	// The sync worker holds one request: no such cost.
	sync1 := cpuPerRequest(run1(t, "model=sync workers=4 io=1s clients=1000 duration=20s cores=2 seed=1"), 2)
	if c := specOf(ModelSync).costs; !near(float64(sync1), float64(c.parse+c.respond+c.resume), 0.05) {
		t.Errorf("sync, 1000 clients: %v of CPU a request, want its constant %v", sync1, c.parse+c.respond+c.resume)
	}
}
