package engine

import (
	"strings"
	"testing"
)

// gunicorn's --max-requests: the request that reaches the limit is served,
// then the worker exits and a new one boots; nothing fails.
func TestMaxRequests(t *testing.T) {
	r := run1(t, "model=sync max-requests=10 clients=2 io=20ms requests=100")
	if r.WorkerRestarts != 10 || r.Failed.Total() != 0 || r.Completed != 100 {
		t.Errorf("one sync worker, max-requests=10, 100 requests: %d restarts, %+v failed, %d completed; want 10, none, 100",
			r.WorkerRestarts, r.Failed, r.Completed)
	}
	// Each restart costs the old worker's exit and the new one's boot,
	// while no worker accepts: 100 requests of 20ms take 9 of them longer
	// (the 10th comes after the 100th request).
	free := run1(t, "model=sync clients=2 io=20ms requests=100")
	down := gunicornExit + gunicornBoot
	if d := r.SimSeconds - free.SimSeconds; !near(d, 9*down.Seconds(), 0.02) {
		t.Errorf("10 restarts took %.3fs longer, want 9 exits and boots of %v", d, down)
	}
	// The jitter: each worker's limit is max-requests + randint(0, jitter),
	// so restarts fall between requests/(max+jitter) and requests/max.
	for _, model := range []string{"sync", "gthread threads=4", "gevent"} {
		j := run1(t, "model="+model+" workers=3 max-requests=50 max-requests-jitter=50 clients=12 io=20ms requests=3000")
		if j.WorkerRestarts < 3000/100-3 || j.WorkerRestarts > 3000/50 || j.Failed.Total() != 0 {
			t.Errorf("%s, max-requests 50 + jitter 50, 3000 requests: %d restarts, %+v failed; want 27-60 and none",
				model, j.WorkerRestarts, j.Failed)
		}
	}
	// Seeds draw different limits; the same seed the same.
	a := run1(t, "model=sync workers=2 max-requests=20 max-requests-jitter=20 clients=4 io=10ms requests=1000 seed=1")
	b := run1(t, "model=sync workers=2 max-requests=20 max-requests-jitter=20 clients=4 io=10ms requests=1000 seed=1")
	c := run1(t, "model=sync workers=2 max-requests=20 max-requests-jitter=20 clients=4 io=10ms requests=1000 seed=2")
	if a.SimSeconds != b.SimSeconds || a.WorkerRestarts != b.WorkerRestarts {
		t.Errorf("the same seed gave %.4fs, %d restarts and %.4fs, %d", a.SimSeconds, a.WorkerRestarts, b.SimSeconds, b.WorkerRestarts)
	}
	if a.SimSeconds == c.SimSeconds && a.WorkerRestarts == c.WorkerRestarts {
		t.Errorf("seeds 1 and 2 drew the same limits (%.4fs, %d restarts)", a.SimSeconds, a.WorkerRestarts)
	}
	for _, s := range []string{"model=asyncio max-requests=5", "model=sync max-requests-jitter=5"} {
		if _, err := ParseScenario(s); err == nil || !strings.Contains(err.Error(), "does nothing here") {
			t.Errorf("ParseScenario(%q) = %v, want it refused", s, err)
		}
	}
}
