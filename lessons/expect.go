package lessons

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"playground/engine"
)

// Expect is one claim about a finished run: `expect 2:p99 > 3 x 1:p99`.
type Expect struct {
	Text   string // as written, without "expect"
	Lane   int    // 0-based lane of the left side
	Metric string
	Op     string
	Value  float64 // the right side, in the metric's base unit, when RHS is empty
	Factor float64 // the right side is Factor x RHS
	RHS    *Expect // the right side's metric (Lane and Metric used), or nil for a value
}

// metric describes one name an expect line may use: how to read it from a
// result, and the units its values may carry (each unit's multiplier into
// the base unit; "" is a plain number).
type metric struct {
	get   func(r *engine.Result) float64
	units map[string]float64
}

var (
	msUnits    = map[string]float64{"": 1, "ms": 1, "s": 1000}
	countUnits = map[string]float64{"": 1}
	fracUnits  = map[string]float64{"": 1, "%": 0.01}
	mbUnits    = map[string]float64{"": 1, "MB": 1, "GB": 1024}
	secUnits   = map[string]float64{"": 1, "s": 1}
)

var metrics = map[string]metric{
	"throughput":       {func(r *engine.Result) float64 { return r.ThroughputRPS }, countUnits},
	"p50":              {func(r *engine.Result) float64 { return r.LatencyMS.P50 }, msUnits},
	"p90":              {func(r *engine.Result) float64 { return r.LatencyMS.P90 }, msUnits},
	"p99":              {func(r *engine.Result) float64 { return r.LatencyMS.P99 }, msUnits},
	"mean":             {func(r *engine.Result) float64 { return r.LatencyMS.Mean }, msUnits},
	"max":              {func(r *engine.Result) float64 { return r.LatencyMS.Max }, msUnits},
	"wait":             {func(r *engine.Result) float64 { return r.Wait.MeanMS }, msUnits},
	"waited":           {func(r *engine.Result) float64 { return r.Wait.Fraction }, fracUnits},
	"completed":        {func(r *engine.Result) float64 { return float64(r.Completed) }, countUnits},
	"failed":           {func(r *engine.Result) float64 { return float64(r.Failed.Total()) }, countUnits},
	"client-timeouts":  {func(r *engine.Result) float64 { return float64(r.Failed.ClientTimeout) }, countUnits},
	"worker-timeouts":  {func(r *engine.Result) float64 { return float64(r.Failed.WorkerTimeout) }, countUnits},
	"connect-failures": {func(r *engine.Result) float64 { return float64(r.Failed.ConnectFailed) }, countUnits},
	"unavailable":      {func(r *engine.Result) float64 { return float64(r.Failed.Unavailable) }, countUnits},
	"server-errors":    {func(r *engine.Result) float64 { return float64(r.Failed.ServerError) }, countUnits},
	"wasted":           {func(r *engine.Result) float64 { return float64(r.Wasted) }, countUnits},
	"restarts":         {func(r *engine.Result) float64 { return float64(r.WorkerRestarts) }, countUnits},
	"peak-upstream":    {func(r *engine.Result) float64 { return float64(r.PeakUpstream) }, countUnits},
	"peak-in-flight":   {func(r *engine.Result) float64 { return float64(r.PeakInFlight) }, countUnits},
	"peak-backlog":     {func(r *engine.Result) float64 { return float64(r.PeakBacklog) }, countUnits},
	"resident":         {func(r *engine.Result) float64 { return r.MemoryMB.Resident }, mbUnits},
	"virtual":          {func(r *engine.Result) float64 { return r.MemoryMB.Virtual }, mbUnits},
	"cpu":              {func(r *engine.Result) float64 { return r.CPUUtil }, fracUnits},
	"seconds":          {func(r *engine.Result) float64 { return r.SimSeconds }, secUnits},
	// Background jobs (background=N); 0 in a lane without them.
	"jobs":          {jobMetric(func(j *engine.Jobs) float64 { return j.ThroughputJPS }), countUnits},
	"jobs-finished": {jobMetric(func(j *engine.Jobs) float64 { return float64(j.Finished) }), countUnits},
	"job-queue":     {jobMetric(func(j *engine.Jobs) float64 { return float64(j.PeakQueued) }), countUnits},
	"job-p50":       {jobMetric(func(j *engine.Jobs) float64 { return j.LatencyMS.P50 }), msUnits},
	"job-p99":       {jobMetric(func(j *engine.Jobs) float64 { return j.LatencyMS.P99 }), msUnits},
	"job-max":       {jobMetric(func(j *engine.Jobs) float64 { return j.LatencyMS.Max }), msUnits},
	"job-cpu":       {jobMetric(func(j *engine.Jobs) float64 { return j.CPUPerJobMS }), msUnits},
}

// jobMetric reads a figure of a lane's background jobs, 0 without them.
func jobMetric(f func(*engine.Jobs) float64) func(*engine.Result) float64 {
	return func(r *engine.Result) float64 {
		if r.Jobs == nil {
			return 0
		}
		return f(r.Jobs)
	}
}

var ops = []string{"<=", ">=", "==", "<", ">", "~"}

// MetricNames lists the metrics an expect line or a goal may use.
func MetricNames() []string {
	names := make([]string, 0, len(metrics))
	for n := range metrics {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// parseExpect parses "METRIC OP VALUE" or "METRIC OP [FACTOR x] METRIC" for
// a scenario with the given number of lanes.
func parseExpect(text string, lanes int) (*Expect, error) {
	text = strings.TrimSpace(text)
	for _, op := range ops {
		i := strings.Index(text, " "+op+" ")
		if i < 0 {
			continue
		}
		left, right := strings.TrimSpace(text[:i]), strings.TrimSpace(text[i+len(op)+2:])
		e := &Expect{Text: text, Op: op, Factor: 1}
		if err := e.setMetric(left, lanes); err != nil {
			return nil, err
		}
		if err := e.parseRight(right, lanes); err != nil {
			return nil, err
		}
		return e, nil
	}
	return nil, fmt.Errorf("%q: want METRIC OP VALUE with OP one of %s, spaces around OP", text, strings.Join(ops, " "))
}

// setMetric reads "[N:]metric" into e.
func (e *Expect) setMetric(s string, lanes int) error {
	lane := 0
	if n, m, ok := strings.Cut(s, ":"); ok {
		k, err := strconv.Atoi(n)
		if err != nil || k < 1 || k > lanes {
			return fmt.Errorf("%q: lane %q is not a number from 1 to %d", s, n, lanes)
		}
		lane, s = k-1, m
	} else if lanes > 1 {
		return fmt.Errorf("%q: this scenario has %d lanes; name one, as in 1:%s", s, lanes, s)
	}
	if _, ok := metrics[s]; !ok {
		return fmt.Errorf("%q is not a metric; metrics: %s", s, strings.Join(MetricNames(), ", "))
	}
	e.Lane, e.Metric = lane, s
	return nil
}

func (e *Expect) parseRight(s string, lanes int) error {
	if f, rest, ok := strings.Cut(s, " x "); ok {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil {
			return fmt.Errorf("%q: the factor before x must be a number", s)
		}
		e.Factor, s = v, strings.TrimSpace(rest)
	}
	if v, err := parseValue(s, metrics[e.Metric].units); err == nil {
		if e.Factor != 1 {
			return fmt.Errorf("%q: a factor goes with a metric, not a value", s)
		}
		e.Value = v
		return nil
	}
	rhs := &Expect{}
	if err := rhs.setMetric(s, lanes); err != nil {
		return fmt.Errorf("the right side %q is neither a value (%s) nor a metric: %v", s, unitList(metrics[e.Metric].units), err)
	}
	e.RHS = rhs
	return nil
}

// parseValue reads a number with an optional unit into the base unit.
func parseValue(s string, units map[string]float64) (float64, error) {
	s = strings.TrimSpace(s)
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == '-') {
		i++
	}
	v, err := strconv.ParseFloat(s[:i], 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	mul, ok := units[strings.TrimSpace(s[i:])]
	if !ok {
		return 0, fmt.Errorf("%q: unit %q not allowed; %s", s, s[i:], unitList(units))
	}
	return v * mul, nil
}

func unitList(units map[string]float64) string {
	var us []string
	for u := range units {
		if u != "" {
			us = append(us, u)
		}
	}
	slices.Sort(us)
	if len(us) == 0 {
		return "a plain number"
	}
	return "a number, or with " + strings.Join(us, " or ")
}

// Check evaluates the claim on the lanes' results. It returns whether the
// claim holds and what was measured, for a report.
func (e *Expect) Check(rs []engine.Result) (bool, string) {
	left := metrics[e.Metric].get(&rs[e.Lane])
	right := e.Value
	desc := fmt.Sprintf("%s = %s", e.name(), fmtNum(left))
	if e.RHS != nil {
		right = e.Factor * metrics[e.RHS.Metric].get(&rs[e.RHS.Lane])
		desc += fmt.Sprintf(", %s = %s", e.RHS.name(), fmtNum(right/e.Factor))
	}
	return compare(left, e.Op, right), desc
}

func (e *Expect) name() string {
	return fmt.Sprintf("%d:%s", e.Lane+1, e.Metric)
}

func compare(a float64, op string, b float64) bool {
	switch op {
	case "<":
		return a < b
	case "<=":
		return a <= b
	case ">":
		return a > b
	case ">=":
		return a >= b
	case "==":
		return a == b
	case "~":
		return math.Abs(a-b) <= 0.1*math.Abs(b)
	}
	return false
}

func fmtNum(v float64) string { return strconv.FormatFloat(v, 'g', 5, 64) }
