package engine

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Target is a sweep's goal, written target=p99<300ms (also p50<DURATION,
// throughput>REQ/S, memory<MB): not a key of the simulation but of the
// sweep, which marks the cheapest point of each lane that meets it (the
// smallest value of the swept key, such as the fewest workers).
type Target struct {
	Metric string  // p50, p99, throughput or memory
	Limit  float64 // in the metric's unit: milliseconds, requests per second or MB
}

// targetMetric is one metric a target can name.
type targetMetric struct {
	name    string
	op      string // "<": the value must stay below the limit; ">": above it
	example string
	parse   func(string) (float64, bool) // the limit as written, in the metric's unit
	format  func(float64) string
	of      func(Result) float64
}

// targetMetrics are the metrics of target=..., in the order errors list them.
var targetMetrics = []targetMetric{
	latencyMetric("p50", func(r Result) float64 { return r.LatencyMS.P50 }),
	latencyMetric("p99", func(r Result) float64 { return r.LatencyMS.P99 }),
	{name: "throughput", op: ">", example: "throughput>200",
		parse:  func(s string) (float64, bool) { return positive(s, 1e9) },
		format: func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) },
		of:     func(r Result) float64 { return r.ThroughputRPS }},
	{name: "memory", op: "<", example: "memory<512MB",
		parse: func(s string) (float64, bool) {
			n, ok := strings.CutSuffix(s, "MB")
			if !ok {
				return 0, false
			}
			return positive(n, 1e9)
		},
		format: func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) + "MB" },
		of:     func(r Result) float64 { return r.MemoryMB.Resident }},
}

// latencyMetric is a latency quantile with a duration for its limit.
func latencyMetric(name string, of func(Result) float64) targetMetric {
	return targetMetric{name: name, op: "<", example: name + "<300ms",
		parse: func(s string) (float64, bool) {
			d, err := time.ParseDuration(s)
			return float64(d) / 1e6, err == nil && d > 0 && d <= time.Hour
		},
		format: func(ms float64) string { return time.Duration(math.Round(ms * 1e6)).String() },
		of:     of}
}

// positive parses a number above 0 and at most hi.
func positive(s string, hi float64) (float64, bool) {
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil && v > 0 && v <= hi
}

// targetAllowed says what target=... takes.
func targetAllowed() string {
	var forms []string
	for _, m := range targetMetrics {
		forms = append(forms, m.example)
	}
	return "allowed: " + strings.Join(forms, ", ") + " (latencies are durations up to 1h, throughput is requests per second, memory is resident MB)"
}

// parseTarget parses the value of target=...; on an error it returns what
// is wrong and what is allowed.
func parseTarget(text string) (*Target, string) {
	for _, m := range targetMetrics {
		rest, ok := strings.CutPrefix(text, m.name)
		if !ok || rest == "" || rest[0] != '<' && rest[0] != '>' {
			continue
		}
		if op := rest[:1]; op != m.op {
			return nil, fmt.Sprintf("%s takes %s, not %s: the goal is a %s that stays %s the limit; %s",
				m.name, m.op, op, m.name, map[bool]string{true: "below", false: "above"}[m.op == "<"], targetAllowed())
		}
		limit, ok := m.parse(rest[1:])
		if !ok {
			return nil, fmt.Sprintf("the limit %q is not one %s takes; %s", rest[1:], m.name, targetAllowed())
		}
		return &Target{Metric: m.name, Limit: limit}, ""
	}
	return nil, "not a goal; " + targetAllowed()
}

func (t Target) metric() targetMetric {
	for _, m := range targetMetrics {
		if m.name == t.Metric {
			return m
		}
	}
	panic("engine: unknown target metric " + t.Metric)
}

// String returns the goal as scenario text writes it after target=:
// "p99<300ms", "throughput>200", "memory<512MB".
func (t Target) String() string {
	m := t.metric()
	return m.name + m.op + m.format(t.Limit)
}

// Met reports whether a run's result meets the goal: it completed requests,
// failed none, and its metric is strictly on the right side of the limit.
// A point that fails requests (clients gave up, workers were killed) does
// not meet a goal, however fast its other answers were.
func (t Target) Met(r Result) bool {
	if r.Completed == 0 || r.Failed.Total() > 0 {
		return false
	}
	m := t.metric()
	if m.op == "<" {
		return m.of(r) < t.Limit
	}
	return m.of(r) > t.Limit
}
