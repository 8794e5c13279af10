package lessons

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/yuin/goldmark/util"

	"playground/engine"
)

// SweepBlock is a card that runs a sweep (KEY=A..B): one run per compared
// lane and value, shown as a table of points and as capacity curves in
// the playground, with claims about its points that the tests check.
type SweepBlock struct {
	At       int
	Title    string
	Text     string // canonical scenario text, with its range
	Scenario engine.Scenario
	Expects  []*SweepExpect
}

// Line is where the block starts.
func (b *SweepBlock) Line() int { return b.At }

// SweepExpect is one claim about a sweep's points, as written without
// "expect": a metric at one value of the swept key, `2:p99@4 < 300ms` or
// `1:throughput@8 > 3 x 1:throughput@1`, or the cheapest value that meets
// the sweep's goal, `1:cheapest == 4`.
type SweepExpect struct {
	Text     string
	Lane     int     // cheapest's lane
	Cheapest bool    // a claim about the cheapest value; else Claim
	Op       string  // cheapest's operator
	Value    float64 // cheapest's value, as a number (Sweep.X)
	// Claim is the claim on the points it names: its lane k is the
	// sweep's point Points[k].
	Claim  *Expect
	Points []int
	sides  []string // each point of Claim as written, [N:]METRIC@X
}

// parseSweepBlock parses a sweep block's lines; first is the line of
// lines[0].
func parseSweepBlock(lines []string, first int) (*SweepBlock, *lineError) {
	fence := first - 1
	c := splitCard(lines, first)
	b := &SweepBlock{At: fence, Title: c.title}
	text, expects, expectLines := c.text, c.expects, c.expectLines
	if len(text) == 0 {
		return nil, &lineError{fence, "sweep block has no scenario text"}
	}
	sc, err := engine.ParseScenario(strings.Join(text, " "))
	if err != nil {
		return nil, &lineError{first, err.Error()}
	}
	if sc.Sweep == nil {
		return nil, &lineError{first, "a sweep block needs a range, such as workers=1..8; for one run use a scenario block"}
	}
	b.Scenario, b.Text = sc, sc.String()
	for i, x := range expects {
		e, err := parseSweepExpect(x, sc)
		if err != nil {
			return nil, &lineError{expectLines[i], "expect " + err.Error()}
		}
		b.Expects = append(b.Expects, e)
	}
	return b, nil
}

// parseSweepExpect parses "[N:]METRIC@X OP VALUE", "[N:]METRIC@X OP
// [FACTOR x] [N:]METRIC@X" or "[N:]cheapest OP X" for the sweep sc.
func parseSweepExpect(text string, sc engine.Scenario) (*SweepExpect, error) {
	text = strings.TrimSpace(text)
	e := &SweepExpect{Text: text}
	for _, op := range ops {
		i := strings.Index(text, " "+op+" ")
		if i < 0 {
			continue
		}
		left, right := strings.TrimSpace(text[:i]), strings.TrimSpace(text[i+len(op)+2:])
		lane, name, err := sweepLane(left, sc)
		if err != nil {
			return nil, err
		}
		if name == "cheapest" {
			if sc.Sweep.Target == nil {
				return nil, fmt.Errorf("%q: cheapest needs a goal in the scenario, such as target=p99<300ms", text)
			}
			v, err := strconv.ParseFloat(right, 64)
			if err != nil {
				return nil, fmt.Errorf("%q: cheapest is compared with a value of %s, as a plain number", text, sc.Sweep.Key)
			}
			e.Cheapest, e.Lane, e.Op, e.Value = true, lane, op, v
			return e, nil
		}
		// Each METRIC@X becomes a lane of its own for the claim: k:METRIC.
		rewrite := func(side string) (string, error) {
			lane, name, err := sweepLane(side, sc)
			if err != nil {
				return "", err
			}
			m, at, ok := strings.Cut(name, "@")
			if !ok {
				return "", fmt.Errorf("%q: say at which value of %s, as in %s@%s", side, sc.Sweep.Key, name, sc.Sweep.Values[0])
			}
			j := valueIndex(sc.Sweep, at)
			if j < 0 {
				return "", fmt.Errorf("%q: %s is not a value of the range %s=%s; values: %s", side, at, sc.Sweep.Key, sc.Sweep.Range, strings.Join(sc.Sweep.Values, " "))
			}
			e.Points = append(e.Points, lane*len(sc.Sweep.Values)+j)
			e.sides = append(e.sides, side)
			return fmt.Sprintf("%d:%s", len(e.Points), m), nil
		}
		l, err := rewrite(left)
		if err != nil {
			return nil, err
		}
		r := right
		if f, rest, ok := strings.Cut(right, " x "); ok {
			if r, err = rewrite(strings.TrimSpace(rest)); err != nil {
				return nil, err
			}
			r = f + " x " + r
		} else if strings.Contains(right, "@") {
			if r, err = rewrite(right); err != nil {
				return nil, err
			}
		}
		if e.Claim, err = parseExpect(l+" "+op+" "+r, len(e.Points)); err != nil {
			return nil, fmt.Errorf("%q: %v", text, err)
		}
		return e, nil
	}
	return nil, fmt.Errorf("%q: want METRIC@VALUE OP VALUE, or cheapest OP VALUE, with OP one of %s, spaces around OP", text, strings.Join(ops, " "))
}

// sweepLane reads "[N:]rest": the lane (0-based) and rest. A sweep of one
// lane needs no number.
func sweepLane(s string, sc engine.Scenario) (int, string, error) {
	lanes := len(sc.Lanes)
	if n, rest, ok := strings.Cut(s, ":"); ok {
		k, err := strconv.Atoi(n)
		if err != nil || k < 1 || k > lanes {
			return 0, "", fmt.Errorf("%q: lane %q is not a number from 1 to %d", s, n, lanes)
		}
		return k - 1, rest, nil
	}
	if lanes > 1 {
		return 0, "", fmt.Errorf("%q: this sweep has %d lanes; name one, as in 1:%s", s, lanes, s)
	}
	return 0, s, nil
}

// valueIndex finds the value at among the sweep's values, as written or as
// a number; -1 if it is not one.
func valueIndex(sw *engine.Sweep, at string) int {
	for j, v := range sw.Values {
		if v == at {
			return j
		}
	}
	if x, err := strconv.ParseFloat(at, 64); err == nil {
		for j := range sw.X {
			if sw.X[j] == x {
				return j
			}
		}
	}
	return -1
}

// checkSweep runs every point of the sweep and tests its claims.
func checkSweep(file string, b *SweepBlock) []Outcome {
	pts := engine.RunSweep(b.Scenario, engine.Options{}, nil)
	results := map[int]engine.Result{}
	var out []Outcome
	for _, e := range b.Expects {
		o := Outcome{File: file, Line: b.At, What: "expect " + e.Text}
		if e.Cheapest {
			o.Detail = "no point of the lane meets the goal"
			for _, p := range pts {
				if p.Lane == e.Lane && p.Cheapest {
					o.OK, o.Detail = compare(p.X, e.Op, e.Value), fmt.Sprintf("cheapest %s = %s", p.Key, p.Value)
				}
			}
			out = append(out, o)
			continue
		}
		rs := make([]engine.Result, len(e.Points))
		for k, i := range e.Points {
			r, ok := results[i]
			if !ok {
				r = engine.NewLane(b.Scenario.Point(i), 0, engine.Options{}).Run()
				results[i] = r
			}
			rs[k] = r
		}
		o.OK, o.Detail = e.Claim.Check(rs)
		for k, side := range e.sides { // the claim's lanes are the points it names
			o.Detail = strings.Replace(o.Detail, fmt.Sprintf("%d:%s =", k+1, strings.SplitN(side[strings.Index(side, ":")+1:], "@", 2)[0]), side+" =", 1)
		}
		out = append(out, o)
	}
	return out
}

// renderSweep writes a sweep card: its text, a Run button that loads the
// sweep into the page (static/lesson.js then fills the table of points as
// they finish), a link to its capacity curves in the playground, and its
// claims in words.
func renderSweep(w util.BufWriter, b *SweepBlock) {
	cardHead(w, "cp-scenario cp-sweep", b.Text, b.Title, "Run this sweep", "Run this sweep", b.At)
	fmt.Fprintf(w, "<a class=\"cp-curves-link\" href=\"../index.html?%s\">Its capacity curves in the playground</a>\n", esc(queryOf(b.Text)))
	w.WriteString("<div class=\"cp-sweep-points\" hidden><p class=\"cp-sweep-status\" role=\"status\"></p><div class=\"cp-sweep-rows\" role=\"region\" aria-label=\"The sweep's points\" tabindex=\"0\"></div></div>\n")
	if len(b.Expects) > 0 {
		w.WriteString("<div class=\"cp-expect\"><p>What you should see when every point has run:</p><ul>\n")
		for _, e := range b.Expects {
			fmt.Fprintf(w, "<li>%s</li>\n", esc(e.words(b.Scenario)))
		}
		w.WriteString("</ul></div>\n")
	}
	w.WriteString("</figure>\n")
}

// queryOf writes scenario text as a URL query, a pair per parameter.
func queryOf(text string) string {
	var q []string
	for _, f := range strings.Fields(text) {
		k, v, _ := strings.Cut(f, "=")
		q = append(q, url.QueryEscape(k)+"="+url.QueryEscape(v))
	}
	return strings.Join(q, "&")
}

// words renders a sweep claim for readers: lanes by their labels, points
// as KEY=VALUE.
func (e *SweepExpect) words(sc engine.Scenario) string {
	labels := sc.LaneLabels()
	key := sc.Sweep.Key
	op := map[string]string{"~": "≈", "<=": "≤", ">=": "≥"}[e.Op]
	if e.Cheapest {
		if op == "" {
			op = e.Op
		}
		s := "the fewest " + key + " that meet the goal (" + sc.Sweep.Target.String() + ")"
		if len(labels) > 1 {
			s += " on " + labels[e.Lane]
		}
		return s + " " + op + " " + fmtNum(e.Value)
	}
	var out []string
	for _, f := range strings.Fields(e.Text) {
		if lane, name, err := sweepLane(f, sc); err == nil && strings.Contains(name, "@") {
			m, at, _ := strings.Cut(name, "@")
			f = m + " at " + key + "=" + at
			if len(labels) > 1 {
				f = m + " of " + labels[lane] + " at " + key + "=" + at
			}
		} else if o := map[string]string{"~": "≈", "<=": "≤", ">=": "≥", "x": "×"}[f]; o != "" {
			f = o
		}
		out = append(out, f)
	}
	return strings.Join(out, " ")
}
