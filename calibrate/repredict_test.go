package calibrate

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"playground/engine"
)

// staleDocs caches staleDoc's docs: WriteDoc runs Python for the import
// costs.
var staleDocs struct{ stale, fresh []byte }

// staleDoc writes a doc whose rows ran their scenarios, but whose
// predictions came from other scenarios: what an older engine would have
// printed. It returns it with the doc the current engine writes for the
// same real runs.
func staleDoc(t *testing.T) (stale, fresh []byte) {
	t.Helper()
	if staleDocs.stale != nil {
		return bytes.Clone(staleDocs.stale), bytes.Clone(staleDocs.fresh)
	}
	type row struct {
		name, scenario, older string
		real                  []RealRun
	}
	rows := []row{
		// The real run agrees with the engine; the older prediction
		// missed its throughput and p50.
		{"dev", "model=dev clients=5 io=50ms requests=150 duration=15s cores=2 seed=1",
			"model=dev clients=5 io=80ms requests=150 duration=15s cores=2 seed=1", nil},
		// Repeated real runs that the current engine misses by half, and
		// the older engine met.
		{"sync-4w", "model=sync workers=2 clients=4 io=100ms requests=200 duration=15s cores=2 seed=1",
			"model=sync workers=2 clients=4 io=100ms requests=200 duration=15s cores=2 seed=1", nil},
		// Failures on neither side before; the current engine has some
		// (a one-second timeout on a queue of about 1.5 s).
		{"overload-timeout", "model=sync workers=2 clients=30 io=100ms client-timeout=1s requests=200 duration=10s cores=2 seed=1",
			"model=sync workers=2 clients=30 io=100ms requests=200 duration=10s cores=2 seed=1", nil},
	}
	var old, now []Measurement
	for i, r := range rows {
		r.scenario = WithClient(r.scenario) // as the harness writes it
		_, cur, cpu, err := Predict(r.scenario)
		if err != nil {
			t.Fatal(err)
		}
		_, prev, prevCPU, err := Predict(r.older)
		if err != nil {
			t.Fatal(err)
		}
		run := RealRun{Throughput: cur.ThroughputRPS, P50: cur.LatencyMS.P50, P90: cur.LatencyMS.P90, P99: cur.LatencyMS.P99,
			PeakUpstream: cur.PeakUpstream, Mem: ServerMem{Resident: cur.MemoryMB.Resident, Pss: 30}, CPUPerReq: 2.5, OtherCores: 0.25}
		switch i {
		case 1:
			run.Throughput, run.P50 = cur.ThroughputRPS*2, cur.LatencyMS.P50/2
			r.real = []RealRun{run, run, run}
			r.real[0].Throughput *= 0.9
			r.real[2].Throughput *= 1.1
			prev.ThroughputRPS, prev.LatencyMS.P50 = run.Throughput, run.P50
		case 2:
			// No failures, so the older doc has no "failed" line.
			r.real = []RealRun{run}
		default:
			r.real = []RealRun{run}
		}
		// Named as rows of Rows, whose Why Repredict writes under a row
		// that misses, in place of the older doc's.
		why := Rows[slices.IndexFunc(Rows, func(x Row) bool { return x.Name == r.name })].Why
		old = append(old, Measurement{Row: Row{Name: r.name, Why: "An older note on " + r.name + "."}, Scenario: r.scenario, Real: r.real, Pred: prev, PredCPU: prevCPU})
		now = append(now, Measurement{Row: Row{Name: r.name, Why: why}, Scenario: r.scenario, Real: r.real, Pred: cur, PredCPU: cpu})
	}
	var a, b bytes.Buffer
	WriteDoc(&a, Machine{Nproc: 2, Date: "then"}, old)
	WriteDoc(&b, Machine{Nproc: 2, Date: "then"}, now)
	staleDocs.stale, staleDocs.fresh = a.Bytes(), b.Bytes()
	return bytes.Clone(a.Bytes()), bytes.Clone(b.Bytes())
}

// results is the doc from "## Results" to the end of the table: the
// counts, the row lists and the table.
func results(t *testing.T, doc []byte) string {
	t.Helper()
	s := string(doc)
	i := strings.Index(s, "## Results")
	j := strings.Index(s, "## What else ran")
	if i < 0 || j < i {
		t.Fatalf("no results section in\n%s", s)
	}
	return s[i:j]
}

// TestRepredict recomputes a stale doc: its results section comes out as
// the one WriteDoc writes with the current engine's predictions, and every
// real cell is as it was.
func TestRepredict(t *testing.T) {
	stale, fresh := staleDoc(t)
	if results(t, stale) == results(t, fresh) {
		t.Fatal("the stale doc's results are already the fresh ones: the test checks nothing")
	}
	got, err := Repredict(stale, Stamp{})
	if err != nil {
		t.Fatal(err)
	}
	if g, w := results(t, got), results(t, fresh); g != w {
		t.Errorf("recomputed results:\n%s\nwant:\n%s", g, w)
	}
	before, err := ParseTable(bytes.NewReader(stale))
	if err != nil {
		t.Fatal(err)
	}
	after, err := ParseTable(bytes.NewReader(got))
	if err != nil {
		t.Fatalf("the recomputed table does not parse: %v", err)
	}
	real := map[string]string{}
	for _, l := range before {
		real[l.Row+"/"+l.Metric] = l.Real
	}
	added := 0
	for _, l := range after {
		r, ok := real[l.Row+"/"+l.Metric]
		if !ok {
			if l.Row != "overload-timeout" || l.Metric != "failed" || l.Real != "0" {
				t.Errorf("line %s/%s (real %q) was not in the stale doc", l.Row, l.Metric, l.Real)
			}
			added++
			continue
		}
		if r != l.Real {
			t.Errorf("%s/%s: real %q became %q", l.Row, l.Metric, r, l.Real)
		}
	}
	if added != 1 {
		t.Errorf("%d lines added, want overload-timeout's failed line", added)
	}
	// Outside the results, the doc is as it was, but for the headings of
	// the rows that miss.
	rest := func(doc []byte) string {
		s := string(doc)
		s = strings.Replace(s, results(t, doc), "", 1)
		return s[:strings.Index(s, missHeading)]
	}
	if rest(got) != rest(stale) {
		t.Errorf("Repredict changed the doc outside its results and misses:\n%s", rest(got))
	}
	again, err := Repredict(got, Stamp{})
	if err != nil || !bytes.Equal(again, got) {
		t.Errorf("a second Repredict changed the doc (err %v)", err)
	}
}

// TestRepredictMisses checks the section on the rows that miss: a row that
// no longer misses says so, a row that misses now, or misses other
// metrics, has the subsection WriteDoc writes with the current engine, and
// every subsection has its row's current note.
func TestRepredictMisses(t *testing.T) {
	stale, fresh := staleDoc(t)
	got, err := Repredict(stale, Stamp{})
	if err != nil {
		t.Fatal(err)
	}
	section := func(doc []byte) string {
		s := string(doc)
		i := strings.Index(s, missHeading)
		return s[i : i+strings.Index(s[i:], "\n## Not covered")]
	}
	sub := func(sec, name string) string {
		i := strings.Index(sec, "### "+name+":")
		if i < 0 {
			return ""
		}
		j := strings.Index(sec[i+1:], "\n### ")
		if j < 0 {
			return sec[i:]
		}
		return sec[i : i+1+j]
	}
	s := section(got)
	if !strings.HasPrefix(sub(section(stale), "dev"), "### dev: throughput rps, p50 ms") || !strings.HasPrefix(sub(s, "dev"), "### dev: misses nothing with the recomputed predictions\n") {
		t.Errorf("row dev, which misses nothing now:\n%s", s)
	}
	if sub(section(stale), "sync-4w") != "" {
		t.Fatal("sync-4w misses in the stale doc: the test checks nothing")
	}
	if strings.Contains(string(got), "An older note") || !strings.Contains(sub(s, "dev"), Rows[0].Why) {
		t.Errorf("the rows' notes are not the current ones:\n%s", s)
	}
	for _, name := range []string{"sync-4w", "overload-timeout"} {
		if g, w := sub(s, name), sub(section(fresh), name); g != w || w == "" {
			t.Errorf("row %s:\n%s\nwant:\n%s", name, g, w)
		}
	}
}

// TestRepredictAdded checks the subsection of a row added with AddRows:
// its heading names what it misses now, and its note is the current one.
func TestRepredictAdded(t *testing.T) {
	stale, _ := staleDoc(t)
	text := "model=sync clients=1 io=0s requests=300 duration=10s cores=2 seed=1"
	_, res, cpu, err := Predict(text)
	if err != nil {
		t.Fatal(err)
	}
	// The real run was twice as fast as the engine says; the older
	// prediction said so too.
	run := RealRun{Throughput: 2 * res.ThroughputRPS, P50: res.LatencyMS.P50 / 2, P90: res.LatencyMS.P90 / 2, P99: res.LatencyMS.P99 / 2,
		PeakUpstream: res.PeakUpstream, Mem: ServerMem{Resident: res.MemoryMB.Resident}, CPUPerReq: cpu}
	old := res
	old.ThroughputRPS, old.LatencyMS = run.Throughput, engineLatency(run)
	m := Measurement{Row: Row{Name: "cpu-hot", Why: "An older note."}, Scenario: text, Command: "cmd", Real: []RealRun{run}, Pred: old, PredCPU: cpu}
	doc, err := AddRows(stale, Machine{Date: "today"}, []Measurement{m})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), "### cpu-hot: measured today\n") {
		t.Fatalf("the added row misses with the older prediction:\n%s", doc)
	}
	got, err := Repredict(doc, Stamp{})
	if err != nil {
		t.Fatal(err)
	}
	s := string(got)
	if !strings.Contains(s, "### cpu-hot: measured today; misses throughput rps, p50 ms, p99 ms\n") {
		t.Errorf("the added row's heading:\n%s", s[strings.Index(s, addedHeading):])
	}
	if strings.Contains(s, "An older note") || !strings.Contains(s[strings.Index(s, addedHeading):], Rows[slices.IndexFunc(Rows, func(r Row) bool { return r.Name == "cpu-hot" })].Why) {
		t.Errorf("the added row's note is not the current one:\n%s", s[strings.Index(s, addedHeading):])
	}
}

// TestRepredictSpread checks the section on the engine's spread over
// seeds: an older engine's ranges are replaced with the current engine's,
// and the real medians stay.
func TestRepredictSpread(t *testing.T) {
	stale, fresh := staleDoc(t)
	line := func(doc, name string) string {
		i := strings.Index(doc, spreadHeading)
		j := strings.Index(doc[i:], "\n| "+name+" | ")
		if j < 0 {
			t.Fatalf("no spread line of %s in\n%s", name, doc[i:])
		}
		l := doc[i+j+1:]
		return l[:strings.Index(l, "\n")]
	}
	want := line(string(fresh), "sync-4w")
	// An older engine's ranges, with the real medians as they were.
	c := strings.Split(want, "|")
	older := want
	for k := 2; k <= 5; k++ {
		_, real, _ := strings.Cut(c[k], " (")
		older = strings.Replace(older, c[k], " 1–2 ("+real, 1)
	}
	doc := strings.Replace(string(stale), want, older, 1)
	if older == want || !strings.Contains(doc, older) {
		t.Fatalf("could not age the line %q", want)
	}
	got, err := Repredict([]byte(doc), Stamp{})
	if err != nil {
		t.Fatal(err)
	}
	if g := line(string(got), "sync-4w"); g != want {
		t.Errorf("spread line %q, want %q", g, want)
	}
	broken := strings.Replace(doc, older, "| sync-4w | 1–2 | 1–2 | 1–2 | 1–2 |", 1)
	if _, err := Repredict([]byte(broken), Stamp{}); err == nil || !strings.Contains(err.Error(), "no real median") {
		t.Errorf("a spread cell without its real median: error %v", err)
	}
}

// TestRepredictStamp checks the header line that says when the predictions
// were recomputed: one line, replaced on the next run.
func TestRepredictStamp(t *testing.T) {
	stale, _ := staleDoc(t)
	got, err := Repredict(stale, Stamp{Date: "2026-12-02 04:10 UTC", Commit: "abc1234"})
	if err != nil {
		t.Fatal(err)
	}
	got, err = Repredict(got, Stamp{Date: "2026-12-03 09:00 UTC", Commit: "def5678"})
	if err != nil {
		t.Fatal(err)
	}
	s := string(got)
	if strings.Count(s, repredictedPrefix) != 1 || !strings.Contains(s, repredictedPrefix+"2026-12-03 09:00 UTC with the engine of commit def5678") {
		t.Errorf("header:\n%s", s[:strings.Index(s, "## Machine")])
	}
	if strings.Index(s, repredictedPrefix) > strings.Index(s, "## Machine") || strings.Index(s, "Generated by") > strings.Index(s, repredictedPrefix) {
		t.Error("the stamp is not in the header, under the Generated by paragraph")
	}
}

// engineLatency is r's latencies as the engine reports them.
func engineLatency(r RealRun) (l engine.Latency) {
	l.P50, l.P90, l.P99 = r.P50, r.P90, r.P99
	return l
}

// TestRepredictRejects checks that a broken table gets an error that says
// what is wrong.
func TestRepredictRejects(t *testing.T) {
	good := "# doc\n\n" + tableHeader + "\n| --- | --- | --- | ---: | ---: | ---: | --- |\n" +
		"| **r** | `model=dev clients=2 requests=20 cores=2 seed=1` | throughput rps | 10.0 | 1.0 | 0.10 | **MISS** |\n" +
		"|  |  | p50 ms | 100.0 | 1.0 | 0.01 | **MISS** |\n" +
		"|  |  | p90 ms | 100.0 | 1.0 | 0.01 | info |\n" +
		"|  |  | p99 ms | 100.0 | 1.0 | 0.01 | **MISS** |\n" +
		"|  |  | peak upstream | 1 | 1 | 1.00 | ok |\n" +
		"|  |  | resident MiB | 30.0 | 1.0 | 0.03 | **MISS** |\n" +
		"|  |  | Pss sum MiB | 30.0 | 1.0 | 0.03 | info |\n" +
		"|  |  | cpu ms/req | 2.00 | 1.00 | 0.50 | info |\n\nafter\n"
	out, err := Repredict([]byte(good), Stamp{})
	if err != nil {
		t.Fatalf("good table: %v", err)
	}
	if !strings.HasSuffix(string(out), "\n\nafter\n") || !strings.Contains(string(out), "| throughput rps | 10.0 | ") {
		t.Errorf("good table came out as\n%s", out)
	}
	for name, tc := range map[string]struct{ text, want string }{
		"no table":       {"# nothing\n", "no results table"},
		"no separator":   {tableHeader + "\n", "no separator"},
		"empty":          {tableHeader + "\n|---|\n\n", "empty"},
		"short line":     {strings.Replace(good, "| 100.0 | 1.0 | 0.01 | info |", "| 100.0 |", 1), "4 cells, want 7"},
		"unknown metric": {strings.Replace(good, "p50 ms", "p42 ms", 1), `unknown metric "p42 ms"`},
		"no row":         {strings.Replace(good, "| **r** | `model=dev", "|  | `model=dev", 1), "names no row"},
		"no scenario":    {strings.Replace(good, "`model=dev clients=2 requests=20 cores=2 seed=1`", "", 1), "row r has no scenario"},
		"bad scenario":   {strings.Replace(good, "model=dev ", "model=tornado ", 1), "row r: scenario"},
		"bad real":       {strings.Replace(good, "| 10.0 |", "| fast |", 1), `real "fast" is not a number`},
		"missing line":   {strings.Replace(good, "|  |  | p99 ms | 100.0 | 1.0 | 0.01 | **MISS** |\n", "", 1), `no "p99 ms" line`},
		"twice":          {strings.Replace(good, "p90 ms", "p50 ms", 1), `"p50 ms" twice`},
		"jobs":           {strings.Replace(good, "|\n\nafter", "|\n|  |  | jobs /s | 1.0 | 1.0 | 1.00 | ok |\n\nafter", 1), `"jobs /s" line, which the engine has no figure for`},
	} {
		_, err := Repredict([]byte(tc.text), Stamp{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one that says %q", name, err, tc.want)
		}
	}
}

// TestCalibrationDocPredictions checks that every predicted cell of
// docs/calibration.md, what the doc derives from the verdicts, the engine's
// spread over seeds and the rows' notes are what the current engine and
// rows.go give: a change to the engine that moves a prediction must
// recompute the doc.
func TestCalibrationDocPredictions(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "calibration.md"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Repredict(doc, Stamp{})
	if err != nil {
		t.Fatalf("docs/calibration.md: %v", err)
	}
	if bytes.Equal(got, doc) {
		return
	}
	const fix = "docs/calibration.md is stale: run `go run ./cmd/calibrate -repredict` (it keeps the real cells) and commit it"
	was, err := ParseTable(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("docs/calibration.md: %v", err)
	}
	now, err := ParseTable(bytes.NewReader(got))
	if err != nil {
		t.Fatal(err)
	}
	pred := map[string]string{}
	for _, l := range now {
		pred[l.Row+"/"+l.Metric] = l.Pred
	}
	n := 0
	for _, l := range was {
		if p := pred[l.Row+"/"+l.Metric]; p != l.Pred {
			if n++; n <= 20 {
				t.Errorf("row %s, %s: the doc predicts %s, the engine %s", l.Row, l.Metric, l.Pred, p)
			}
		}
	}
	if len(now) != len(was) {
		t.Errorf("the doc has %d lines, the engine's predictions give %d (a failed line comes or goes)", len(was), len(now))
	}
	t.Fatalf("%s (%d predicted cells differ; if none do, the verdicts' summary, the rows that miss, their notes or the spread over seeds do)", fix, n)
}
