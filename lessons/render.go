package lessons

import (
	"encoding/json"
	"fmt"
	"html"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// blockRenderer writes our blocks as HTML. Everything that comes from the
// lesson is escaped; the page's script (static/lesson.js) reads the data-*
// attributes. docs/lessons-format.md describes what each block shows.
type blockRenderer struct{}

// RegisterFuncs implements renderer.NodeRenderer.
func (blockRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindBlock, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			b := n.(*blockNode)
			if b.err != nil {
				renderError(w, b.err)
			} else {
				renderBlock(w, b.block)
			}
		}
		return ast.WalkSkipChildren, nil
	})
}

// esc escapes text for HTML content and for double-quoted attributes.
func esc(s string) string { return html.EscapeString(s) }

func renderError(w util.BufWriter, e *BlockError) {
	fmt.Fprintf(w, "<div class=\"cp-error\" role=\"alert\"><strong>This block is broken.</strong> %s</div>\n", esc(e.Error()))
}

func renderBlock(w util.BufWriter, b Block) {
	switch b := b.(type) {
	case *ScenarioBlock:
		renderScenario(w, b)
	case *SweepBlock:
		renderSweep(w, b)
	case *ExerciseBlock:
		renderExercise(w, b)
	case *PredictBlock:
		renderPredict(w, b)
	}
}

func renderScenario(w util.BufWriter, b *ScenarioBlock) {
	cardHead(w, "cp-scenario", b.Text, b.Title, "Run this scenario", "Run this", b.At)
	if len(b.Expects) > 0 {
		labels := b.Scenario.LaneLabels()
		w.WriteString("<div class=\"cp-expect\"><p>What you should see when it has run:</p><ul>\n")
		for _, e := range b.Expects {
			fmt.Fprintf(w, "<li>%s</li>\n", esc(e.words(labels)))
		}
		w.WriteString("</ul></div>\n")
	}
	w.WriteString("</figure>\n")
}

// cardHead opens a card of the given classes that runs text: its title
// (or, without one, the default), the text a pair a line, and the button
// that loads it.
func cardHead(w util.BufWriter, class, text, title, untitled, button string, at int) {
	if title == "" {
		title = untitled
	}
	fmt.Fprintf(w, "<figure class=\"cp-card %s\" data-scenario=\"%s\" data-line=\"%d\">\n", class, esc(text), at)
	fmt.Fprintf(w, "<figcaption>%s</figcaption>\n", esc(title))
	fmt.Fprintf(w, "<pre class=\"cp-scenario-text\"><code>%s</code></pre>\n", esc(strings.ReplaceAll(text, " ", "\n")))
	fmt.Fprintf(w, "<button type=\"button\" class=\"cp-run\" data-scenario=\"%s\">%s</button>\n", esc(text), esc(button))
}

// words renders a claim for readers, naming lanes by their labels.
func (e *Expect) words(labels []string) string {
	side := func(x *Expect) string {
		if len(labels) > 1 {
			return x.Metric + " of " + labels[x.Lane]
		}
		return x.Metric
	}
	op := map[string]string{"~": "≈", "<=": "≤", ">=": "≥"}[e.Op]
	if op == "" {
		op = e.Op
	}
	right := strings.TrimSpace(e.Text[strings.Index(e.Text, " "+e.Op+" ")+len(e.Op)+2:])
	if e.RHS != nil {
		right = side(e.RHS)
		if e.Factor != 1 {
			right = fmtNum(e.Factor) + " × " + right
		}
	}
	return side(e) + " " + op + " " + right
}

// goalJSON is an exercise goal as lesson.js checks it: base units (ms for
// latencies, req/s, MB, a fraction for %).
type goalJSON struct {
	Metric string  `json:"metric"`
	Field  string  `json:"field"` // the cpSim.state() lane field to read, dotted
	Op     string  `json:"op"`
	Value  float64 `json:"value"`
}

func renderExercise(w util.BufWriter, b *ExerciseBlock) {
	goals := make([]goalJSON, len(b.Goal))
	for i, g := range b.Goal {
		goals[i] = goalJSON{g.Metric, liveMetrics[g.Metric], g.Op, g.Value}
	}
	gj, _ := json.Marshal(goals)
	wj, _ := json.Marshal(b.With)
	fmt.Fprintf(w, "<section class=\"cp-card cp-exercise\" data-start=\"%s\" data-goal=\"%s\" data-with=\"%s\" data-line=\"%d\">\n",
		esc(b.Start), esc(string(gj)), esc(string(wj)), b.At)
	fmt.Fprintf(w, "<h3>Exercise: %s</h3>\n", esc(b.Title))
	fmt.Fprintf(w, "<p class=\"cp-goal\">Goal: <strong>%s</strong>", esc(b.GoalText))
	if b.WithText != "" {
		fmt.Fprintf(w, ", with <strong>%s</strong>", esc(b.WithText))
	}
	w.WriteString(". The traffic stays as it starts. The goal is checked on the live numbers of the last simulated second, after 5 simulated seconds.</p>\n")
	fmt.Fprintf(w, "<button type=\"button\" class=\"cp-try\" data-scenario=\"%s\">Try it</button>\n", esc(b.Start))
	if b.Hint != "" {
		fmt.Fprintf(w, "<details class=\"cp-hint\"><summary>Hint</summary><p>%s</p></details>\n", esc(b.Hint))
	}
	w.WriteString("<p class=\"cp-exercise-status\" aria-live=\"polite\">Not solved yet.</p>\n</section>\n")
}

func renderPredict(w util.BufWriter, b *PredictBlock) {
	fmt.Fprintf(w, "<section class=\"cp-card cp-predict\" data-answer=\"%s\" data-line=\"%d\">\n", esc(b.Answer), b.At)
	fmt.Fprintf(w, "<h3>Predict</h3>\n<p class=\"cp-question\">%s</p>\n<div class=\"cp-options\" role=\"group\" aria-label=\"Your prediction\">\n", esc(b.Question))
	for _, o := range b.Options {
		fmt.Fprintf(w, "<button type=\"button\" class=\"cp-option\" data-option=\"%s\">%s</button>\n", esc(o), esc(o))
	}
	w.WriteString("</div>\n<div class=\"cp-reveal\" hidden>\n<p class=\"cp-verdict\"></p>\n")
	fmt.Fprintf(w, "<p>%s</p>\n", esc(b.Explain))
	if b.Run != nil {
		renderScenario(w, b.Run)
	}
	w.WriteString("</div>\n</section>\n")
}
