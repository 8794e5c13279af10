package engine_test

import (
	"fmt"
	"time"

	"playground/engine"
)

// A range makes a sweep: one point per compared lane and value. A page runs
// the points one by one between frames, each an ordinary one-lane run of
// its own scenario (Point), in slices of work (Advance), and marks the
// cheapest point of each lane that meets the goal.
func ExampleScenario_Points() {
	sc, err := engine.ParseScenario("model=sync,gevent workers=1..4 io=100ms clients=30 requests=600 target=p99<1s")
	if err != nil {
		panic(err)
	}
	fmt.Println(sc)
	points := sc.Points()
	curves := make([]engine.PointResult, len(points))
	for i := range points {
		s := engine.NewLane(sc.Point(i), 0, engine.Options{})
		for !s.Done() {
			s.Advance(s.Now()+time.Second, 5000) // one frame's slice of work
		}
		curves[i] = sc.PointResult(i, s.Result())
	}
	engine.MarkCheapest(curves)
	for _, p := range curves {
		fmt.Printf("%s x=%g: %.1f req/s, p99 %.0f ms, meets %v, cheapest %v: %s\n",
			p.Label, p.X, p.ThroughputRPS, p.P99MS, p.MeetsTarget, p.Cheapest, p.Scenario)
	}
	// Output:
	// model=sync,gevent workers=1..4 clients=30 requests=600 target=p99<1s
	// model=sync x=1: 9.8 req/s, p99 3076 ms, meets false, cheapest false: model=sync clients=30 requests=600
	// model=sync x=2: 19.5 req/s, p99 1539 ms, meets false, cheapest false: model=sync workers=2 clients=30 requests=600
	// model=sync x=3: 29.3 req/s, p99 1026 ms, meets false, cheapest false: model=sync workers=3 clients=30 requests=600
	// model=sync x=4: 39.0 req/s, p99 820 ms, meets true, cheapest true: model=sync workers=4 clients=30 requests=600
	// model=gevent x=1: 272.4 req/s, p99 145 ms, meets true, cheapest true: model=gevent clients=30 requests=600
	// model=gevent x=2: 277.4 req/s, p99 123 ms, meets true, cheapest false: model=gevent workers=2 clients=30 requests=600
	// model=gevent x=3: 280.3 req/s, p99 121 ms, meets true, cheapest false: model=gevent workers=3 clients=30 requests=600
	// model=gevent x=4: 281.6 req/s, p99 121 ms, meets true, cheapest false: model=gevent workers=4 clients=30 requests=600
}
