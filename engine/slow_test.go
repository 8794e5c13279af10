package engine

import (
	"testing"
	"time"
)

// slow: a share of the requests (drawn from the request's own seeded
// source, like the cache) whose calls take slow-io.
func TestSlowShare(t *testing.T) {
	sc, err := ParseScenario("model=asyncio clients=2000 think=1h io=10ms pool=100000 slow=0.1 slow-io=35s duration=40s")
	if err != nil {
		t.Fatal(err)
	}
	s := New(sc.Lanes[0], Options{})
	s.RunUntil(30 * time.Second)
	fast := s.Result().Completed
	s.RunUntil(40 * time.Second)
	slow := s.Result().Completed - fast
	if fast+slow != 2000 || slow < 160 || slow > 240 {
		t.Errorf("2000 requests, 10%% slow: %d done by 30s, %d more by 40s; want about 200 slow ones", fast, slow)
	}
	// slow=0 draws nothing: the run is the run without the key.
	a := run1(t, "model=gthread threads=4 clients=20 io=50ms io-dist=exp requests=1000")
	b := run1(t, "model=gthread threads=4 clients=20 io=50ms io-dist=exp requests=1000 slow=0")
	if a.LatencyMS != b.LatencyMS {
		t.Errorf("slow=0 changed the run: %+v against %+v", b.LatencyMS, a.LatencyMS)
	}
	// A cache hit makes no call, slow or not.
	c := run1(t, "model=asyncio clients=20 io=10ms cache=1 slow=1 slow-io=30s requests=500")
	if c.LatencyMS.Max > 1000 {
		t.Errorf("every request a cache hit: max latency %.1f ms, want no slow call", c.LatencyMS.Max)
	}
}
