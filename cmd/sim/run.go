package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"playground/engine"
)

const usage = `usage: sim [-json] [-timelines N] [-every D] 'scenario text'

Runs a scenario to its end and prints what each lane did. Scenario text is
key=value pairs, for example:

  sim 'model=gthread workers=2 threads=5 io=200ms clients=50 requests=2000'
  sim 'model=sync,gevent,asyncio io=1s burst=1000'

A range, KEY=A..B or KEY=A..B/STEP, makes a sweep: one run per compared lane
and value (A, A+STEP, ... up to B; STEP is 1 unless given, and a duration key
needs one: io=100ms..1s/100ms). One key may have a range, at most 1000
points in all; live changes apply at every point. sim prints one row per
point (an array with -json). An optional goal, target=p99<300ms (also
p50<DURATION, throughput>REQ/S, memory<MB), marks each lane's cheapest point
that meets it (the smallest value; a point that failed requests never does):

  sim 'model=sync,gevent workers=1..32 io=200ms clients=100 requests=5000 target=p99<300ms'

A live change, KEY@TIME=VALUE, sets KEY to VALUE from simulated TIME on (Go
duration syntax: 10s, 1.5s, 250ms), the way the real server takes it:

  sim -every 1s 'model=gthread workers=1 threads=2 io=200ms clients=40 duration=30s workers@10s=4 io@20s=2s'

Flags:
  -json         print one JSON object per lane (an array for a comparison or a sweep)
  -timelines N  also print the timelines of the last N finished requests of each lane
  -every D      also print each lane's throughput, p99, queue and requests in flight every D of simulated time

Keys:
`

// run parses args, runs the scenario and writes the report to w. progress,
// if not nil, shows how far a sweep has come (main passes stderr when it is
// a terminal). It returns the exit code: 0, 2 for a bad scenario or bad
// flags.
func run(args []string, w, progress io.Writer) (int, error) {
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print one JSON object per lane (an array for a comparison)")
	timelines := fs.Int("timelines", 0, "also print the timelines of the last `N` finished requests of each lane")
	every := fs.Duration("every", 0, "also print each lane's series every `D` of simulated time")
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(w)
			return 0, nil
		}
		return 2, fmt.Errorf("%v\n%s", err, usageLine)
	}
	if fs.NArg() == 0 {
		return 2, fmt.Errorf("no scenario given\n%s", usageLine)
	}
	if *timelines < 0 {
		return 2, fmt.Errorf("-timelines %d: want 0 or more", *timelines)
	}
	if *every < 0 || *every > 0 && *every < time.Millisecond {
		return 2, fmt.Errorf("-every %v: want 1ms or more", *every)
	}
	if *every > 0 && *asJSON {
		return 2, fmt.Errorf("-every prints a table; leave out -json (its output is one JSON value)")
	}
	sc, err := engine.ParseScenario(strings.Join(fs.Args(), " "))
	if err != nil {
		return 2, err
	}
	if sc.Sweep != nil {
		if *timelines > 0 || *every > 0 {
			return 2, fmt.Errorf("-timelines and -every show one run; a sweep (%s=%s) prints one row per point: run a point's own scenario for them", sc.Sweep.Key, sc.Sweep.Range)
		}
		return runSweep(w, progress, sc, *asJSON)
	}
	opt := engine.Options{Timelines: *timelines, Unwatched: true}
	if *every > 0 {
		opt.SeriesStep, opt.SeriesLen = *every, maxPoints
	}
	results := make([]engine.Result, len(sc.Lanes))
	var tls [][]engine.Timeline
	var series [][]engine.Point
	for i := range sc.Lanes {
		s := engine.NewLane(sc, i, opt)
		results[i] = s.Run()
		tls = append(tls, s.Timelines())
		series = append(series, s.Series())
	}
	if *asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		var v any = results
		if len(results) == 1 {
			v = results[0]
		}
		if err := enc.Encode(v); err != nil {
			return 1, err
		}
	} else {
		writeTable(w, sc, results)
		if *every > 0 {
			writeSeries(w, sc, series)
		}
	}
	for i, lane := range tls {
		for _, t := range lane {
			fmt.Fprintf(w, "\n[%s] %s", results[i].Scenario, t)
		}
	}
	return 0, nil
}

// maxPoints is the most series points -every keeps of each lane (the
// latest ones).
const maxPoints = 100000

const usageLine = "usage: sim [-json] [-timelines N] [-every D] 'scenario text' (sim -h lists the keys, ranges and goals)"

func printUsage(w io.Writer) {
	fmt.Fprint(w, usage)
	for _, k := range engine.Keys() {
		fmt.Fprintf(w, "  %-19s %s\n  %-19s %s; default %s\n", k.Name, k.Doc, "", k.Allowed, k.Default)
	}
	fmt.Fprint(w, "\nKeys that can change live (KEY@TIME=VALUE), and on which models:\n")
	for _, k := range engine.Keys() {
		var on []string
		for _, m := range engine.Models() {
			if ok, _ := k.Live(m); ok {
				on = append(on, m.String())
			}
		}
		switch len(on) {
		case 0:
		case len(engine.Models()):
			fmt.Fprintf(w, "  %-19s every model\n", k.Name)
		default:
			fmt.Fprintf(w, "  %-19s %s\n", k.Name, strings.Join(on, ", "))
		}
	}
	fmt.Fprint(w, "  Other keys are read once, at the start; the error for one says why.\n")
	fmt.Fprint(w, "\nModels (model=NAME):\n")
	for _, m := range engine.Models() {
		fmt.Fprintf(w, "  %-19s %s\n", m, m.Title())
	}
}
