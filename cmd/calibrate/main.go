// Command calibrate runs the real Python servers against the engine and
// writes docs/calibration.md. scripts/calibrate runs it after installing the
// servers; see package calibrate.
//
//	go run ./cmd/calibrate                 # every row, writes docs/calibration.md
//	go run ./cmd/calibrate -only gevent    # one row (a comma list works), prints its table
//	go run ./cmd/calibrate -add fastapi-def # run rows and put them into docs/calibration.md, keeping the others
//	go run ./cmd/calibrate -list           # the rows and their scenarios, and each model's server
//	go run ./cmd/calibrate -scenario 'model=sync io=0s clients=1 requests=500 duration=10s'
//	go run ./cmd/calibrate -save run.json  # also keep the raw measurements
//	go run ./cmd/calibrate -from run.json  # rewrite the doc from them, no servers
//	go run ./cmd/calibrate -repredict      # rerun the engine on the doc's rows, keeping the real cells
//	go run ./cmd/calibrate -repredict -from run.json  # and rewrite the "Engine constants" section from them
//	go run ./cmd/calibrate -locust sync-4w # the Go client against locust on these rows (a comma list; "default": calibrate.LocustRows)
//	go run ./cmd/calibrate -upstream       # time the harness's upstream's lateness on loopback (what calibrate.IOLate is)
//	go run ./cmd/calibrate -client         # time the harness's own client on loopback (what calibrate.ClientRTT is)
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"playground/calibrate"
	"playground/engine"
)

func main() {
	only := flag.String("only", "", "run only these rows (comma list); prints the table instead of writing -out unless -out is given")
	out := flag.String("out", "", "write the doc here (default docs/calibration.md for a full run)")
	apps := flag.String("apps", "calibrate/apps", "directory of the Python apps")
	list := flag.Bool("list", false, "list the rows and exit")
	adhoc := flag.String("scenario", "", "run this scenario text as a one-off row (prints its table)")
	save := flag.String("save", "", "also save the raw measurements as JSON here")
	from := flag.String("from", "", "write the doc from measurements saved by -save instead of running; with -repredict, rewrite only its \"Engine constants\" section from them")
	repeats := flag.Int("repeats", 0, "real runs per row (default: the row's own)")
	ports := flag.Int("ports", calibrate.PortLo, "first of the 100 ports the servers use (Redis takes the one before); another harness on the machine needs other ones")
	add := flag.String("add", "", "run these rows (comma list) and put them into -out (default docs/calibration.md), keeping the other rows' figures")
	locust := flag.String("locust", "", "cross-check the Go client with locust on these rows (comma list, or \"default\") and write the section to -out (default docs/calibration.md)")
	upstreamProbe := flag.Bool("upstream", false, "time the harness's upstream's lateness (how much later than asked its answers come, against an idle timer) with 1 and 40 clients, on the first of -ports, and print it: what calibrate.IOLate should be")
	clientProbe := flag.Bool("client", false, "time the harness's own client's turn-around on loopback (against a server that does nothing, on the first of -ports) and print it: what calibrate.ClientRTT should be")
	repredict := flag.Bool("repredict", false, "recompute the predicted, ratio and verdict cells of -out (default docs/calibration.md) with the current engine, without running the servers")
	date := flag.String("date", "", "with -repredict: the date the header gives (default: now, UTC)")
	commit := flag.String("commit", "", "with -repredict: the engine's commit the header gives (default: git rev-parse --short HEAD, +dirty if engine/ has changes)")
	flag.Parse()
	if *repredict {
		if *out == "" {
			*out = "docs/calibration.md"
		}
		repredictDoc(*out, *date, *commit)
		if *from != "" {
			rewriteConstants(*out, *from)
		}
		return
	}
	calibrate.SetPorts(*ports)
	log.SetFlags(log.Ltime)
	if *upstreamProbe {
		probeUpstream(*ports)
		return
	}
	if *clientProbe {
		probeClient(*ports)
		return
	}

	rows := calibrate.Rows
	if *locust == "default" {
		*locust = strings.Join(calibrate.LocustRows, ",")
	}
	if *locust != "" {
		*only = *locust
		if *out == "" {
			*out = "docs/calibration.md"
		}
	}
	if *add != "" {
		*only = *add
		if *out == "" {
			*out = "docs/calibration.md"
		}
	}
	if *only != "" {
		want := strings.Split(*only, ",")
		rows = slices.DeleteFunc(slices.Clone(rows), func(r calibrate.Row) bool { return !slices.Contains(want, r.Name) })
		if len(rows) == 0 {
			log.Fatalf("-only %q matches no row; -list shows them", *only)
		}
	}
	if *adhoc != "" {
		rows = []calibrate.Row{{Name: "adhoc", Scenario: *adhoc}}
		*only = "adhoc"
	}
	if *repeats > 0 {
		for i := range rows {
			rows[i].Repeats = *repeats
		}
	}
	if *list {
		for _, r := range rows {
			fmt.Printf("%-22s %s\n", r.Name, r.Scenario)
		}
		fmt.Println("\nThe real server of each model (engine.Models()), at its defaults:")
		for _, m := range engine.Models() {
			c := engine.DefaultConfig()
			c.Model = m
			args, err := calibrate.Command(c, *apps, 8000)
			if err != nil {
				log.Fatal(err)
			}
			fmt.Printf("%-22s %s\n%-22s %s\n", m, m.Title(), "", strings.Join(args, " "))
		}
		return
	}
	if *out == "" && *only == "" {
		*out = "docs/calibration.md"
	}

	if *from != "" {
		mc, ms, err := calibrate.LoadSaved(*from)
		if err != nil {
			log.Fatal(err)
		}
		if *add != "" {
			addTo(*out, mc, ms)
			return
		}
		write(*out, mc, ms)
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	mc := calibrate.DescribeMachine()
	appDir, err := filepath.Abs(*apps)
	if err != nil {
		log.Fatal(err)
	}
	h, err := calibrate.NewHarness(appDir, mc.Nproc, *ports, log.Printf)
	if err != nil {
		log.Fatal(err)
	}
	defer h.Close()
	if *locust != "" {
		var cks []calibrate.Check
		for _, r := range rows {
			cks = append(cks, h.CrossCheck(ctx, r))
		}
		if ctx.Err() != nil {
			log.Fatal("interrupted: the doc is left as it was")
		}
		putChecks(*out, mc, cks)
		return
	}
	var ms []calibrate.Measurement
	for _, r := range rows {
		if ctx.Err() != nil {
			log.Fatal("interrupted")
		}
		ms = append(ms, h.Measure(ctx, r))
	}
	if *save != "" {
		if err := calibrate.Save(*save, mc, ms); err != nil {
			log.Fatal(err)
		}
	}
	if *add != "" {
		addTo(*out, mc, ms)
		return
	}
	write(*out, mc, ms)
}

// addTo puts the measurements into the doc at out, keeping its other rows.
func addTo(out string, mc calibrate.Machine, ms []calibrate.Measurement) {
	old, err := os.ReadFile(out)
	if err != nil {
		log.Fatal(err)
	}
	doc, err := calibrate.AddRows(old, mc, ms)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(out, doc, 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("added %d rows to %s", len(ms), out)
}

// putChecks writes the locust cross-check's section into the doc at out.
func putChecks(out string, mc calibrate.Machine, cks []calibrate.Check) {
	var sec bytes.Buffer
	calibrate.WriteChecks(&sec, mc, cks)
	os.Stdout.Write(sec.Bytes())
	old, err := os.ReadFile(out)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(out, calibrate.PutSection(old, calibrate.LocustHeading, sec.Bytes()), 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote the locust cross-check of %d rows to %s", len(cks), out)
}

// write writes the doc to out, or the table to stdout when out is empty.
func write(out string, mc calibrate.Machine, ms []calibrate.Measurement) {
	if out == "" {
		calibrate.WriteTable(os.Stdout, ms)
		return
	}
	var doc bytes.Buffer
	calibrate.WriteDoc(&doc, mc, ms)
	// The locust cross-check is run on its own (-locust): keep its section.
	b := doc.Bytes()
	if old, err := os.ReadFile(out); err == nil {
		if sec := calibrate.Section(old, calibrate.LocustHeading); sec != nil {
			b = calibrate.PutSection(b, calibrate.LocustHeading, sec)
		}
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %s", out)
}

// probeUpstream times the harness's upstream's lateness with one client
// calling 20 ms holds (as in row cpu-cold) and 40 calling 100 ms holds (as in
// row fastapi-def).
func probeUpstream(port int) {
	for _, c := range []struct {
		clients int
		hold    time.Duration
		calls   int
	}{{1, 20 * time.Millisecond, 300}, {40, 100 * time.Millisecond, 50}} {
		p, err := calibrate.ProbeUpstream(context.Background(), port, c.clients, c.hold, c.calls)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(p)
	}
	fmt.Printf("calibrate.IOLate is %v\n", calibrate.IOLate)
}

// probeClient times the harness's client kept alive and on new
// connections, with the cores kept busy and left idle between requests.
func probeClient(port int) {
	for _, ka := range []bool{true, false} {
		for _, hold := range []time.Duration{0, 20 * time.Millisecond} {
			ct, err := calibrate.ProbeClient(context.Background(), port, ka, hold, 300)
			if err != nil {
				log.Fatal(err)
			}
			fmt.Println(ct)
		}
	}
	fmt.Printf("calibrate.ClientRTT is %v\n", calibrate.ClientRTT)
}
