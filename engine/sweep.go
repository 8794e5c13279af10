package engine

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// MaxPoints is the most points a sweep may have, over all its lanes.
const MaxPoints = 1000

// Sweep is a scenario's range, written KEY=A..B or KEY=A..B/STEP: the
// scenario stands for one run per point, each compared lane at each value
// A, A+STEP, ... up to B. STEP is 1 unless written (a duration key needs
// one: io=100ms..1s/100ms). A scenario has at most one range; its live
// changes apply at every point. Run a sweep point by point: Points lists
// them, Point gives the scenario of one.
type Sweep struct {
	Key    string    // the swept key, such as "workers"
	Range  string    // the range as canonical text writes it: "1..32", "100ms..1s/100ms"
	Values []string  // the key's value at each point of a lane, in order, as canonical text
	X      []float64 // each value as a number: a count, or milliseconds for a duration
	Target *Target   // the goal (target=p99<300ms), or nil
}

// SweepPoint is one point of a sweep: one compared lane at one value of the
// swept key.
type SweepPoint struct {
	Lane  int     `json:"lane"`  // the compared lane, an index in Scenario.Lanes: one curve
	Label string  `json:"label"` // the lane's label (Scenario.LaneLabels), the curve's name
	Key   string  `json:"key"`   // the swept key
	Value string  `json:"value"` // the key's value at this point, as scenario text
	X     float64 `json:"x"`     // the value as a number: a count, or milliseconds for a duration
}

// Points lists the points of a sweep, lane by lane (every value of lane 0,
// then every value of lane 1, ...), so that point i is lane
// i/len(Sweep.Values) at value i%len(Sweep.Values). A scenario without a
// range has no points.
func (sc Scenario) Points() []SweepPoint {
	if sc.Sweep == nil {
		return nil
	}
	labels := sc.LaneLabels()
	n := len(sc.Sweep.Values)
	out := make([]SweepPoint, 0, len(sc.Lanes)*n)
	for lane := range sc.Lanes {
		for j, v := range sc.Sweep.Values {
			out = append(out, SweepPoint{Lane: lane, Label: labels[lane], Key: sc.Sweep.Key, Value: v, X: sc.Sweep.X[j]})
		}
	}
	return out
}

// Point returns the scenario of point i of a sweep (see Points): one lane,
// no range, the swept key at the point's value, the live changes that the
// lane acts on, and every key the lane does not use at its default, so that
// its text parses back to it and loads as a live run. NewLane(sc.Point(i),
// 0, opt) runs it. Point panics if sc is not a sweep or i is out of range.
func (sc Scenario) Point(i int) Scenario {
	if sc.Sweep == nil {
		panic("engine: Point of a scenario without a range")
	}
	n := len(sc.Sweep.Values)
	if i < 0 || i >= n*len(sc.Lanes) {
		panic(fmt.Sprintf("engine: point %d of a sweep of %d points", i, n*len(sc.Lanes)))
	}
	lane := i / n
	k := &keyTable[keyIndex(sc.Sweep.Key)]
	c := sc.Lanes[lane]
	if err := k.set(&c, sc.Sweep.Values[i%n]); err != nil {
		panic("engine: a sweep's value: " + err.Error())
	}
	c = c.alone()
	out := Scenario{Lanes: []Config{c}}
	for _, ch := range sc.Changes {
		value, use, _, msg := keyTable[keyIndex(ch.Key)].takeChange(&c, ch.Values[lane])
		if msg != "" {
			panic("engine: " + ch.name() + ": " + msg)
		}
		if use {
			out.Changes = append(out.Changes, Change{At: ch.At, Key: ch.Key, Values: []string{value}})
		}
	}
	return out
}

// alone returns the lane with every key it does not use at its default:
// the lane as a scenario of its own, which a comparison's other lanes no
// longer explain.
func (c Config) alone() Config {
	def := DefaultConfig()
	for i := range keyTable {
		k := &keyTable[i]
		if k.applies != nil && !k.applies(&c) {
			if k.reset != nil {
				k.reset(&c, &def)
			} else if err := k.set(&c, k.get(&def)); err != nil {
				panic("engine: default of " + k.Name + ": " + err.Error())
			}
		}
	}
	c.settleThreads()
	return c
}

// rangeKeys lists the keys that take a range, in the order of Keys.
func rangeKeys() string {
	var names []string
	for _, k := range keyTable {
		if k.num != nil {
			names = append(names, k.Name)
		}
	}
	return strings.Join(names, ", ")
}

// numeric is how a range of a key counts: whole numbers, numbers or
// durations.
type numeric struct {
	parse  func(string) (float64, bool) // a bound or a step, in the key's syntax
	format func(float64) string         // a value back to scenario text
	unit   float64                      // a value's x is value/unit: milliseconds for durations
	step   string                       // the step when none is written; "" when a range needs one
	like   string                       // what a step looks like, for errors
}

var (
	wholeNumbers = numeric{
		parse: func(s string) (float64, bool) {
			v, err := strconv.Atoi(s)
			return float64(v), err == nil
		},
		format: func(v float64) string { return strconv.Itoa(int(v)) },
		unit:   1, step: "1", like: "a whole number above 0",
	}
	realNumbers = numeric{
		parse: func(s string) (float64, bool) {
			v, err := strconv.ParseFloat(s, 64)
			return v, err == nil && !math.IsInf(v, 0) && !math.IsNaN(v)
		},
		// 12 digits drop the error of adding steps (0.1*3 is 0.3, not 0.30000000000000004).
		format: func(v float64) string { return strconv.FormatFloat(v, 'g', 12, 64) },
		unit:   1, step: "1", like: "a number above 0",
	}
	durations = numeric{
		parse: func(s string) (float64, bool) {
			v, err := time.ParseDuration(s)
			return float64(v), err == nil
		},
		format: func(v float64) string { return time.Duration(v).String() },
		unit:   1e6, like: "a duration above 0 like 100ms",
	}
)

// parseRange parses text, a range A..B or A..B/STEP of key k, for a
// scenario of lanes lanes. On an error it returns what is wrong and what is
// allowed.
func (k *Key) parseRange(text string, lanes int) (*Sweep, string) {
	if k.num == nil {
		return nil, "takes no range; keys that take one: " + rangeKeys() + " (compare a few values of other keys with a comma list)"
	}
	num := k.num
	stepHint := "STEP is " + num.like
	if num.step != "" {
		stepHint += ", 1 when left out"
	}
	allowed := fmt.Sprintf("allowed: a range A..B or A..B/STEP with A <= B, each bound %s, %s, at most %d points over all lanes",
		k.Allowed, stepHint, MaxPoints)
	bounds, stepText, hasStep := strings.Cut(text, "/")
	fromText, toText, _ := strings.Cut(bounds, "..")
	var canon [2]string
	var v [2]float64
	for i, s := range []string{fromText, toText} {
		c := DefaultConfig()
		if err := k.set(&c, s); err != nil {
			return nil, fmt.Sprintf("the bound %q is not a value of %s; %s", s, k.Name, allowed)
		}
		canon[i] = k.get(&c)
		v[i], _ = num.parse(canon[i])
	}
	if v[0] > v[1] {
		return nil, fmt.Sprintf("the range goes down, from %s to %s; %s", canon[0], canon[1], allowed)
	}
	if !hasStep {
		if num.step == "" {
			return nil, fmt.Sprintf("needs a step, like %s=%s..%s/%s; %s", k.Name, canon[0], canon[1], num.format((v[1]-v[0])/10), allowed)
		}
		stepText = num.step
	}
	step, ok := num.parse(stepText)
	if ok {
		step, _ = num.parse(num.format(step)) // the step as the canonical text writes it
	}
	if !ok || !(step > 0) {
		return nil, fmt.Sprintf("the step %q is not %s; %s", stepText, num.like, allowed)
	}
	// The small slack keeps B when float steps land a hair short of it.
	n := math.Floor((v[1]-v[0])/step+1e-9) + 1
	if n*float64(lanes) > MaxPoints {
		return nil, fmt.Sprintf("makes %.0f points (%.0f values x %d lanes); %s", n*float64(lanes), n, lanes, allowed)
	}
	sw := &Sweep{Key: k.Name, Range: canon[0] + ".." + canon[1]}
	if canonStep := num.format(step); canonStep != num.step {
		sw.Range += "/" + canonStep
	}
	for i := range int(n) {
		x, _ := num.parse(num.format(min(v[0]+float64(i)*step, v[1])))
		c := DefaultConfig()
		if err := k.set(&c, num.format(x)); err != nil {
			return nil, fmt.Sprintf("the value %s is not a value of %s; %s", num.format(x), k.Name, allowed)
		}
		sw.Values = append(sw.Values, k.get(&c))
		sw.X = append(sw.X, x/num.unit)
	}
	return sw, ""
}
