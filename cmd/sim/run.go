package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"playground/engine"
)

const usage = `usage: sim [-json] [-timelines N] 'scenario text'

Runs a scenario to its end and prints what each lane did. Scenario text is
key=value pairs, for example:

  sim 'model=gthread workers=2 threads=5 io=200ms clients=50 requests=2000'
  sim 'model=sync,gevent,asyncio io=1s burst=1000'

Keys:
`

// run parses args, runs the scenario and writes the report to w. It returns
// the exit code: 0, 2 for a bad scenario or bad flags.
func run(args []string, w io.Writer) (int, error) {
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print one JSON object per lane (an array for a comparison)")
	timelines := fs.Int("timelines", 0, "also print the timelines of the last `N` finished requests of each lane")
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
	sc, err := engine.ParseScenario(strings.Join(fs.Args(), " "))
	if err != nil {
		return 2, err
	}
	opt := engine.Options{Timelines: *timelines}
	results := make([]engine.Result, len(sc.Lanes))
	var tls [][]engine.Timeline
	for i, c := range sc.Lanes {
		s := engine.New(c, opt)
		results[i] = s.Run()
		tls = append(tls, s.Timelines())
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
	}
	for i, lane := range tls {
		for _, t := range lane {
			fmt.Fprintf(w, "\n[%s] %s", results[i].Scenario, t)
		}
	}
	return 0, nil
}

const usageLine = "usage: sim [-json] [-timelines N] 'scenario text' (sim -h lists the keys)"

func printUsage(w io.Writer) {
	fmt.Fprint(w, usage)
	for _, k := range engine.Keys() {
		fmt.Fprintf(w, "  %-19s %s\n  %-19s %s; default %s\n", k.Name, k.Doc, "", k.Allowed, k.Default)
	}
	fmt.Fprint(w, "\nModels (model=NAME):\n")
	for _, m := range engine.Models() {
		fmt.Fprintf(w, "  %-19s %s\n", m, m.Title())
	}
}
