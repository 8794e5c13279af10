package engine

import "testing"

// The engine allocates nothing per event: a run ten times as long
// allocates about as often as a short one (its slices and rings grow a few
// times early on, then are reused), for each model and for the keys that
// take paths of their own (background jobs, httpx's turns, a burst, a
// blocking call, a live change). A lookup that builds a value per request
// (a spec, a config) on the hot path fails it. The background jobs' RQ
// workers keep up here: a list of jobs that grows is state, not waste.
func TestRunsDoNotAllocatePerEvent(t *testing.T) {
	for _, text := range []string{
		"model=sync workers=3 cores=3 rate=2.4 io=1s io-dist=exp",
		"model=gthread workers=2 threads=8 io=100ms io-dist=exp clients=100",
		"model=gthread workers=1 threads=50 io=100ms clients=100 keepalive=false",
		"model=gevent workers=2 io=100ms clients=200",
		"model=gevent io=100ms clients=50 blocking=true",
		"model=eventlet io=100ms clients=50",
		"model=asyncio io=100ms clients=200",
		"model=asyncio http-client=httpx io=100ms clients=50",
		"model=fastapi io=100ms clients=50",
		"model=uwsgi workers=2 threads=4 io=100ms clients=150 keepalive=false",
		"model=node io=100ms clients=100",
		"model=dev-threaded io=50ms clients=20",
		"model=sync workers=2 background=4 io=100ms clients=10 think=1s",
		"model=sync workers=4 io=100ms clients=50 workers@5s=8",
	} {
		short := allocsOf(t, text+" requests=2000")
		long := allocsOf(t, text+" requests=20000")
		t.Logf("%s: %.0f allocations for 2,000 requests, %.0f for 20,000", text, short, long)
		if long > 1.5*short+100 {
			t.Errorf("%s: %.0f allocations for 2,000 requests but %.0f for 20,000: something allocates per request or per event", text, short, long)
		}
	}
}

// allocsOf counts the allocations of one whole run of text.
func allocsOf(t *testing.T, text string) float64 {
	t.Helper()
	sc := mustParse(t, text)
	return testing.AllocsPerRun(1, func() { NewLane(sc, 0, Options{}).Run() })
}
