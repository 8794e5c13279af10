package calibrate

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Verdicts in the table's last column.
const (
	VerdictOK   = "ok"
	VerdictMiss = "MISS"
	VerdictInfo = "info" // no goal for this metric
	VerdictNA   = "n/a"  // not measured (the real run failed)
)

// Line is one line of the calibration table.
type Line struct {
	Row, Scenario, Metric string
	Real, Pred            string // as printed; Real may be "median (min–max)"
	RealV, PredV          float64
	Ratio                 string // predicted / real
	Verdict               string
}

// metric is one compared quantity. tol is the goal: the largest relative
// error that passes, 0 for exact, negative for no goal.
type metric struct {
	name string
	tol  float64
	real func(RealRun) float64
	pred func(Measurement) float64
	prec int                    // decimals
	skip func(Measurement) bool // leave the metric out of this row
}

func noFailures(m Measurement) bool {
	if m.Pred.Failed.Total() > 0 {
		return false
	}
	for _, r := range m.Real {
		if r.Failed > 0 {
			return false
		}
	}
	return true
}

// metrics are the table's metrics, in order, with the goals:
// throughput and p50 within 10%, p99 within 25%, peak upstream exact.
var metrics = []metric{
	{name: "throughput rps", tol: 0.10, prec: 1,
		real: func(r RealRun) float64 { return r.Throughput },
		pred: func(m Measurement) float64 { return m.Pred.ThroughputRPS }},
	{name: "p50 ms", tol: 0.10, prec: 1,
		real: func(r RealRun) float64 { return r.P50 },
		pred: func(m Measurement) float64 { return m.Pred.LatencyMS.P50 }},
	{name: "p90 ms", tol: -1, prec: 1,
		real: func(r RealRun) float64 { return r.P90 },
		pred: func(m Measurement) float64 { return m.Pred.LatencyMS.P90 }},
	{name: "p99 ms", tol: 0.25, prec: 1,
		real: func(r RealRun) float64 { return r.P99 },
		pred: func(m Measurement) float64 { return m.Pred.LatencyMS.P99 }},
	{name: "peak upstream", tol: 0, prec: 0,
		real: func(r RealRun) float64 { return float64(r.PeakUpstream) },
		pred: func(m Measurement) float64 { return float64(m.Pred.PeakUpstream) }},
	{name: "failed", tol: 0.25, prec: 0, skip: noFailures,
		real: func(r RealRun) float64 { return float64(r.Failed) },
		pred: func(m Measurement) float64 { return float64(m.Pred.Failed.Total()) }},
	{name: "resident MiB", tol: 0.10, prec: 1,
		real: func(r RealRun) float64 { return r.Mem.Resident },
		pred: func(m Measurement) float64 { return m.Pred.MemoryMB.Resident }},
	{name: "Pss sum MiB", tol: -1, prec: 1,
		real: func(r RealRun) float64 { return r.Mem.Pss },
		pred: func(m Measurement) float64 { return m.Pred.MemoryMB.Resident }},
	{name: "cpu ms/req", tol: -1, prec: 2,
		real: func(r RealRun) float64 { return r.CPUPerReq },
		pred: func(m Measurement) float64 { return m.PredCPU }},
	// Background rows: the jobs, beside the requests, with the requests' goals.
	{name: "jobs /s", tol: 0.10, prec: 1, skip: noJobs,
		real: func(r RealRun) float64 { return r.JobThroughput },
		pred: func(m Measurement) float64 { return m.Pred.Jobs.ThroughputJPS }},
	{name: "job p50 ms", tol: 0.10, prec: 1, skip: noJobs,
		real: func(r RealRun) float64 { return r.JobP50 },
		pred: func(m Measurement) float64 { return m.Pred.Jobs.LatencyMS.P50 }},
	{name: "job p99 ms", tol: 0.25, prec: 1, skip: noJobs,
		real: func(r RealRun) float64 { return r.JobP99 },
		pred: func(m Measurement) float64 { return m.Pred.Jobs.LatencyMS.P99 }},
	{name: "job cpu ms/job", tol: -1, prec: 1, skip: noJobs,
		real: func(r RealRun) float64 { return r.JobCPU },
		pred: func(m Measurement) float64 { return m.Pred.Jobs.CPUPerJobMS }},
	{name: "job queue peak", tol: -1, prec: 0, skip: noJobs,
		real: func(r RealRun) float64 { return float64(r.JobPeakQueue) },
		pred: func(m Measurement) float64 { return float64(m.Pred.Jobs.PeakQueued) }},
}

// noJobs says that a row has no background jobs.
func noJobs(m Measurement) bool { return m.Pred.Jobs == nil }

// MetricNames lists the table's metric names, in order.
func MetricNames() []string {
	var s []string
	for _, mt := range metrics {
		s = append(s, mt.name)
	}
	return s
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// Lines returns m's lines of the table.
func Lines(m Measurement) []Line {
	var out []Line
	for _, mt := range metrics {
		if mt.skip != nil && mt.skip(m) {
			continue
		}
		l := Line{Row: m.Row.Name, Scenario: m.Scenario, Metric: mt.name}
		l.PredV, l.Pred = mt.predicted(m)
		if len(m.Real) == 0 {
			l.Real, l.Ratio, l.Verdict = "—", "—", VerdictNA
			out = append(out, l)
			continue
		}
		var xs []float64
		for _, r := range m.Real {
			xs = append(xs, mt.real(r))
		}
		l.RealV = round(median(xs), mt.prec)
		l.Real = strconv.FormatFloat(l.RealV, 'f', mt.prec, 64)
		if len(xs) > 1 {
			l.Real += fmt.Sprintf(" (%s–%s)", strconv.FormatFloat(slices.Min(xs), 'f', mt.prec, 64),
				strconv.FormatFloat(slices.Max(xs), 'f', mt.prec, 64))
		}
		l.Ratio, l.Verdict = judge(l.RealV, l.PredV, mt.tol)
		out = append(out, l)
	}
	return out
}

// predicted is the engine's figure for mt in m, rounded and as printed.
func (mt metric) predicted(m Measurement) (float64, string) {
	v := round(mt.pred(m), mt.prec)
	return v, strconv.FormatFloat(v, 'f', mt.prec, 64)
}

// round rounds x to prec decimals, as the table prints it, so that the
// verdict can be checked again from the printed numbers.
func round(x float64, prec int) float64 {
	p := math.Pow(10, float64(prec))
	return math.Round(x*p) / p
}

// judge returns the ratio predicted/real and the verdict against tol.
func judge(real, pred, tol float64) (string, string) {
	ratio := "—"
	if real != 0 {
		ratio = strconv.FormatFloat(pred/real, 'f', 2, 64)
	}
	switch {
	case tol < 0:
		return ratio, VerdictInfo
	case tol == 0:
		if math.Round(real) == math.Round(pred) {
			return ratio, VerdictOK
		}
		return ratio, VerdictMiss
	case real == 0:
		if pred == 0 {
			return ratio, VerdictOK
		}
		return ratio, VerdictMiss
	case math.Abs(pred/real-1) <= tol+1e-9:
		return ratio, VerdictOK
	}
	return ratio, VerdictMiss
}

// tableHeader is the first line of the calibration table; ParseTable looks
// for it.
const tableHeader = "| row | scenario | metric | real | predicted | ratio | verdict |"

// WriteTable writes the calibration table: one line per row and metric; the
// row and scenario cells are left empty after a row's first line.
func WriteTable(w io.Writer, ms []Measurement) {
	fmt.Fprintln(w, tableHeader)
	fmt.Fprintln(w, "| --- | --- | --- | ---: | ---: | ---: | --- |")
	for _, m := range ms {
		for i, l := range Lines(m) {
			row, sc := "", ""
			if i == 0 {
				row, sc = "**"+l.Row+"**", "`"+l.Scenario+"`"
			}
			v := l.Verdict
			if v == VerdictMiss {
				v = "**" + v + "**"
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n", row, sc, l.Metric, l.Real, l.Pred, l.Ratio, v)
		}
	}
}

// ParseTable reads the calibration table out of docs/calibration.md. Empty
// row and scenario cells repeat the line above. It checks every line: known
// metric, numbers in the real and predicted cells, a known verdict, and a
// verdict that agrees with the numbers.
func ParseTable(r io.Reader) ([]Line, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	known := map[string]float64{}
	for _, mt := range metrics {
		known[mt.name] = mt.tol
	}
	var out []Line
	in, n := false, 0
	for sc.Scan() {
		n++
		text := strings.TrimSpace(sc.Text())
		if !in {
			if text == tableHeader {
				in = true
				if !sc.Scan() {
					return nil, fmt.Errorf("line %d: the table has no separator line", n)
				}
				n++
			}
			continue
		}
		if !strings.HasPrefix(text, "|") {
			break
		}
		cells := strings.Split(strings.Trim(text, "|"), "|")
		if len(cells) != 7 {
			return nil, fmt.Errorf("line %d: %d cells, want 7: %q", n, len(cells), text)
		}
		for i := range cells {
			cells[i] = strings.Trim(strings.TrimSpace(cells[i]), "*`")
		}
		l := Line{Row: cells[0], Scenario: cells[1], Metric: cells[2], Real: cells[3], Pred: cells[4], Ratio: cells[5], Verdict: cells[6]}
		if l.Row == "" {
			if len(out) == 0 {
				return nil, fmt.Errorf("line %d: the first line names no row", n)
			}
			l.Row, l.Scenario = out[len(out)-1].Row, out[len(out)-1].Scenario
		}
		tol, ok := known[l.Metric]
		if !ok {
			return nil, fmt.Errorf("line %d: unknown metric %q", n, l.Metric)
		}
		var err error
		if l.PredV, err = strconv.ParseFloat(l.Pred, 64); err != nil {
			return nil, fmt.Errorf("line %d: predicted %q is not a number", n, l.Pred)
		}
		switch l.Verdict {
		case VerdictNA:
		case VerdictOK, VerdictMiss, VerdictInfo:
			first, _, _ := strings.Cut(l.Real, " ")
			if l.RealV, err = strconv.ParseFloat(first, 64); err != nil {
				return nil, fmt.Errorf("line %d: real %q is not a number", n, l.Real)
			}
			if _, v := judge(l.RealV, l.PredV, tol); v != l.Verdict {
				return nil, fmt.Errorf("line %d: verdict %s, but real %v and predicted %v give %s", n, l.Verdict, l.RealV, l.PredV, v)
			}
		default:
			return nil, fmt.Errorf("line %d: unknown verdict %q", n, l.Verdict)
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if !in {
		return nil, fmt.Errorf("no calibration table (its header is %q)", tableHeader)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the calibration table is empty")
	}
	return out, nil
}
