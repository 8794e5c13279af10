package lessons

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"playground/engine"
)

// A Block is one of our fenced blocks, parsed: a *ScenarioBlock,
// *SweepBlock, *ExerciseBlock or *PredictBlock.
type Block interface {
	// Line is the line of the block's opening fence in its file.
	Line() int
}

// ScenarioBlock is a "run this" card and the claims the tests check.
type ScenarioBlock struct {
	At       int
	Title    string
	Text     string // canonical scenario text
	Scenario engine.Scenario
	Expects  []*Expect
}

// Line is where the block starts.
func (b *ScenarioBlock) Line() int { return b.At }

// ExerciseBlock is a goal the reader reaches by playing.
type ExerciseBlock struct {
	At          int
	Title       string
	Start       string // canonical scenario text
	Goal        []*Expect
	GoalText    string
	With        []Constraint
	WithText    string
	Solution    engine.Scenario
	SolutionTxt string
	Hint        string
}

// Line is where the block starts.
func (b *ExerciseBlock) Line() int { return b.At }

// Constraint limits one scenario key: `workers <= 4`, `model != sync`.
type Constraint struct {
	Key, Op, Value string
	Default        string // the key's value when the scenario does not name it
	implied        bool   // a key of the load that the exercise keeps as its start has it
}

// lockedKeys are the keys of the load: an exercise keeps them as its start
// has them unless its `with` line names them.
var lockedKeys = []string{"clients", "think", "rtt", "client-cpu", "upstream-cpu", "sampler-cpu", "newidle", "io-late", "rate", "burst", "io", "io-dist", "calls", "client-timeout", "seed"}

// PredictBlock is a question answered before the reveal.
type PredictBlock struct {
	At       int
	Question string
	Options  []string
	Answer   string
	Explain  string
	Run      *ScenarioBlock // optional; shown after the reveal
}

// Line is where the block starts.
func (b *PredictBlock) Line() int { return b.At }

// BlockError is a broken block: its file, line and what is wrong.
type BlockError struct {
	File string
	Line int
	Msg  string
}

func (e *BlockError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// kinds are the info words of our blocks.
var kinds = []string{"scenario", "sweep", "exercise", "predict"}

// parseBlock parses the content lines of a fenced block of the given kind;
// first is the line number of lines[0].
func parseBlock(kind string, lines []string, first int) (Block, *lineError) {
	switch kind {
	case "scenario":
		return parseScenarioBlock(lines, first, first-1)
	case "sweep":
		return parseSweepBlock(lines, first)
	case "exercise":
		return parseExercise(lines, first)
	case "predict":
		return parsePredict(lines, first)
	}
	return nil, &lineError{first - 1, "unknown block " + kind}
}

// lineError is a problem on one line of a block.
type lineError struct {
	line int
	msg  string
}

// cardLines is what a scenario or sweep block's lines hold: a title, the
// scenario text, and expect lines with their line numbers.
type cardLines struct {
	title       string
	text        []string
	expects     []string
	expectLines []int
}

// splitCard sorts a block's lines; first is the line of lines[0].
func splitCard(lines []string, first int) cardLines {
	var c cardLines
	for i, l := range lines {
		l = strings.TrimSpace(l)
		switch {
		case l == "":
		case strings.HasPrefix(l, "title:"):
			c.title = strings.TrimSpace(strings.TrimPrefix(l, "title:"))
		case strings.HasPrefix(l, "expect "):
			c.expects = append(c.expects, strings.TrimPrefix(l, "expect "))
			c.expectLines = append(c.expectLines, first+i)
		default:
			c.text = append(c.text, l)
		}
	}
	return c
}

func parseScenarioBlock(lines []string, first, fence int) (*ScenarioBlock, *lineError) {
	c := splitCard(lines, first)
	b := &ScenarioBlock{At: fence, Title: c.title}
	text, expects, expectLines := c.text, c.expects, c.expectLines
	if len(text) == 0 {
		return nil, &lineError{fence, "scenario block has no scenario text"}
	}
	sc, err := parseOneRun(strings.Join(text, " "))
	if err != nil {
		return nil, &lineError{fence + 1, err.Error()}
	}
	b.Scenario, b.Text = sc, sc.String()
	for i, x := range expects {
		e, err := parseExpect(x, len(sc.Lanes))
		if err != nil {
			return nil, &lineError{expectLines[i], "expect " + err.Error()}
		}
		b.Expects = append(b.Expects, e)
	}
	return b, nil
}

// fields splits "key: value" lines; a line without a known key is an error.
func fields(lines []string, first int, allowed ...string) (map[string]string, map[string]int, *lineError) {
	vals, at := map[string]string{}, map[string]int{}
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if strings.HasPrefix(l, "expect ") {
			vals["expect"] += l + "\n"
			if _, ok := at["expect"]; !ok {
				at["expect"] = first + i
			}
			continue
		}
		k, v, ok := strings.Cut(l, ":")
		if !ok || !slices.Contains(allowed, k) {
			return nil, nil, &lineError{first + i, fmt.Sprintf("%q: want a line \"key: value\" with key one of %s", l, strings.Join(allowed, ", "))}
		}
		if _, dup := vals[k]; dup {
			return nil, nil, &lineError{first + i, k + ": given twice"}
		}
		vals[k], at[k] = strings.TrimSpace(v), first+i
	}
	return vals, at, nil
}

func parseExercise(lines []string, first int) (*ExerciseBlock, *lineError) {
	v, at, le := fields(lines, first, "title", "start", "goal", "with", "solution", "hint")
	if le != nil {
		return nil, le
	}
	for _, k := range []string{"title", "start", "goal", "solution"} {
		if v[k] == "" {
			return nil, &lineError{first - 1, "exercise needs " + k + ":"}
		}
	}
	b := &ExerciseBlock{At: first - 1, Title: v["title"], Hint: v["hint"], GoalText: v["goal"], WithText: v["with"]}
	start, err := parseOneRun(v["start"])
	if err != nil {
		return nil, &lineError{at["start"], "start: " + err.Error()}
	}
	if len(start.Lanes) != 1 {
		return nil, &lineError{at["start"], "start: an exercise runs one lane, not a comparison"}
	}
	b.Start = start.String()
	for _, g := range strings.Split(v["goal"], " and ") {
		e, err := parseExpect(g, 1)
		if err != nil {
			return nil, &lineError{at["goal"], "goal: " + err.Error()}
		}
		if e.RHS != nil {
			return nil, &lineError{at["goal"], "goal: compare with a value, not another metric"}
		}
		if _, live := liveMetrics[e.Metric]; !live {
			return nil, &lineError{at["goal"], fmt.Sprintf("goal: %s is not shown live; a goal may use %s", e.Metric, strings.Join(liveMetricNames(), ", "))}
		}
		b.Goal = append(b.Goal, e)
	}
	if v["with"] != "" {
		for _, c := range strings.Split(v["with"], " and ") {
			con, err := parseConstraint(c)
			if err != nil {
				return nil, &lineError{at["with"], "with: " + err.Error()}
			}
			b.With = append(b.With, con)
		}
	}
	// The load stays as the start has it, unless `with` frees a key: an
	// exercise about the server is not solved by sending less traffic.
	named := map[string]bool{}
	for _, con := range b.With {
		named[con.Key] = true
	}
	for _, k := range lockedKeys {
		if named[k] {
			continue
		}
		val, _ := start.Lanes[0].Value(k)
		def, _ := engine.DefaultConfig().Value(k)
		b.With = append(b.With, Constraint{Key: k, Op: "==", Value: val, Default: def, implied: true})
	}
	sol, err := parseOneRun(v["solution"])
	if err != nil {
		return nil, &lineError{at["solution"], "solution: " + err.Error()}
	}
	if len(sol.Lanes) != 1 {
		return nil, &lineError{at["solution"], "solution: one lane, not a comparison"}
	}
	b.Solution, b.SolutionTxt = sol, sol.String()
	if !b.Allows(sol.Lanes[0]) {
		return nil, &lineError{at["solution"], "solution breaks the exercise's constraints (" + v["with"] + "; the load keys " +
			strings.Join(lockedKeys, ", ") + " stay as in start unless with names them)"}
	}
	return b, nil
}

func parseConstraint(s string) (Constraint, error) {
	for _, op := range []string{"<=", ">=", "!=", "==", "<", ">"} {
		if k, val, ok := strings.Cut(s, " "+op+" "); ok {
			k, val = strings.TrimSpace(k), strings.TrimSpace(val)
			def, known := engine.DefaultConfig().Value(k)
			if !known {
				return Constraint{}, fmt.Errorf("%q: %q is not a scenario key", s, k)
			}
			return Constraint{Key: k, Op: op, Value: val, Default: def}, nil
		}
	}
	return Constraint{}, fmt.Errorf("%q: want KEY OP VALUE with OP one of <= >= != == < >, spaces around OP", s)
}

// Allows reports whether a lane meets the exercise's constraints.
func (b *ExerciseBlock) Allows(c engine.Config) bool {
	for _, con := range b.With {
		got, _ := c.Value(con.Key)
		if !con.holds(got) {
			return false
		}
	}
	return true
}

func (con Constraint) holds(got string) bool {
	a, errA := parseValue(got, numberish)
	b, errB := parseValue(con.Value, numberish)
	if d, err := time.ParseDuration(got); err == nil {
		if e, err := time.ParseDuration(con.Value); err == nil {
			a, b, errA, errB = float64(d), float64(e), nil, nil
		}
	}
	if errA != nil || errB != nil { // words: only == and != make sense
		switch con.Op {
		case "==":
			return got == con.Value
		case "!=":
			return got != con.Value
		}
		return false
	}
	if con.Op == "!=" {
		return a != b
	}
	return compare(a, con.Op, b)
}

var numberish = map[string]float64{"": 1}

func parsePredict(lines []string, first int) (*PredictBlock, *lineError) {
	v, at, le := fields(lines, first, "question", "options", "answer", "explain", "scenario")
	if le != nil {
		return nil, le
	}
	for _, k := range []string{"question", "options", "answer", "explain"} {
		if v[k] == "" {
			return nil, &lineError{first - 1, "predict needs " + k + ":"}
		}
	}
	b := &PredictBlock{At: first - 1, Question: v["question"], Answer: v["answer"], Explain: v["explain"]}
	for _, o := range strings.Split(v["options"], "|") {
		if o = strings.TrimSpace(o); o != "" {
			b.Options = append(b.Options, o)
		}
	}
	if len(b.Options) < 2 {
		return nil, &lineError{at["options"], "options: give at least two, separated by |"}
	}
	if !slices.Contains(b.Options, b.Answer) {
		return nil, &lineError{at["answer"], fmt.Sprintf("answer %q is not one of the options %q", b.Answer, b.Options)}
	}
	if v["scenario"] != "" || v["expect"] != "" {
		if v["scenario"] == "" {
			return nil, &lineError{at["expect"], "expect lines need a scenario: line"}
		}
		lines := []string{v["scenario"]}
		lines = append(lines, strings.Split(strings.TrimSpace(v["expect"]), "\n")...)
		run, le := parseScenarioBlock(lines, at["scenario"], at["scenario"])
		if le != nil {
			return nil, le
		}
		b.Run = run
	}
	return b, nil
}

func liveMetricNames() []string {
	var out []string
	for k := range liveMetrics {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// parseOneRun parses the scenario of a block, which runs once: a range
// (workers=1..8) makes a sweep, one run per value, and a block refuses it
// rather than run its first point.
func parseOneRun(text string) (engine.Scenario, error) {
	sc, err := engine.ParseScenario(text)
	if err == nil && sc.Sweep != nil {
		return engine.Scenario{}, fmt.Errorf("%s=%s makes a sweep, one run per value; a scenario block runs one scenario, so give %s one value, or make it a sweep block",
			sc.Sweep.Key, sc.Sweep.Range, sc.Sweep.Key)
	}
	return sc, err
}
