package lessons

import (
	"fmt"
	"math"
	"time"

	"playground/engine"
)

// Outcome is one checked claim of a lesson.
type Outcome struct {
	File   string
	Line   int
	What   string // the claim, as written
	OK     bool
	Detail string // what the engine measured
}

func (o Outcome) String() string {
	mark := "ok  "
	if !o.OK {
		mark = "FAIL"
	}
	return fmt.Sprintf("%s %s:%d: %s (%s)", mark, o.File, o.Line, o.What, o.Detail)
}

// exerciseRun is how long the tests play an exercise's solution: the
// browser checks goals after 5 simulated seconds, on the last second.
const exerciseRun = 30 * time.Second

// Check runs every scenario of the lesson through the engine and tests every
// claim: each expect line of scenario and predict blocks on the finished run,
// of sweep blocks on the sweep's points,
// and each exercise's goal on its solution (and that its start does not
// already meet it).
func Check(l *Lesson) []Outcome {
	var out []Outcome
	for _, b := range l.Blocks {
		switch b := b.(type) {
		case *ScenarioBlock:
			out = append(out, checkScenario(l.File, b)...)
		case *SweepBlock:
			out = append(out, checkSweep(l.File, b)...)
		case *PredictBlock:
			if b.Run != nil {
				out = append(out, checkScenario(l.File, b.Run)...)
			}
		case *ExerciseBlock:
			out = append(out, checkExercise(l.File, b)...)
		}
	}
	return out
}

func checkScenario(file string, b *ScenarioBlock) []Outcome {
	rs := engine.Run(b.Scenario, engine.Options{})
	var out []Outcome
	for _, e := range b.Expects {
		ok, detail := e.Check(rs)
		out = append(out, Outcome{File: file, Line: b.At, What: "expect " + e.Text, OK: ok, Detail: detail})
	}
	return out
}

func checkExercise(file string, b *ExerciseBlock) []Outcome {
	sol := liveResult(b.Solution.Lanes[0])
	var out []Outcome
	for _, g := range b.Goal {
		ok, detail := g.Check([]engine.Result{sol})
		out = append(out, Outcome{File: file, Line: b.At, What: "solution meets goal " + g.Text, OK: ok, Detail: detail})
	}
	start, _ := engine.ParseScenario(b.Start)
	st := liveResult(start.Lanes[0])
	met := true
	var detail string
	for _, g := range b.Goal {
		ok, d := g.Check([]engine.Result{st})
		met = met && ok
		detail += d + "; "
	}
	out = append(out, Outcome{File: file, Line: b.At, What: "the start does not already meet the goal", OK: !met, Detail: detail})
	return out
}

// liveResult plays a lane for exerciseRun and returns its result with the
// live figures the browser checks goals on: throughput and latency
// quantiles of the last simulated second.
func liveResult(c engine.Config) engine.Result {
	s := engine.New(c, engine.Options{})
	s.RunUntil(exerciseRun)
	r := s.Result()
	rps, p50, p99, ok := s.Recent()
	r.ThroughputRPS = rps
	r.LatencyMS.P50, r.LatencyMS.P99 = float64(p50)/1e6, float64(p99)/1e6
	if !ok { // nothing answered in the last second: no latency meets a goal
		r.LatencyMS.P50, r.LatencyMS.P99 = math.NaN(), math.NaN()
	}
	return r
}

// liveMetrics are the metrics a goal may use: those the page reads live
// from cpSim.state() (docs/browser-api.md), with the field each comes from.
var liveMetrics = map[string]string{
	"throughput": "throughputRps", "p50": "p50Ms", "p99": "p99Ms", "mean": "meanMs",
	"completed": "completed", "failed": "failedTotal", "wasted": "wasted", "restarts": "workerRestarts",
	"resident": "memoryMB.resident", "virtual": "memoryMB.virtual", "cpu": "cpuUtil",
}
