package engine

// Run runs every lane of a scenario, with its live changes, to its end and
// returns one result per lane, in lane order. The lanes share the seed, and
// so the traffic. A sweep runs with RunSweep instead (Run panics on one, as
// NewLane does).
func Run(sc Scenario, opt Options) []Result {
	out := make([]Result, len(sc.Lanes))
	for i := range sc.Lanes {
		out[i] = NewLane(sc, i, opt).Run()
	}
	return out
}
