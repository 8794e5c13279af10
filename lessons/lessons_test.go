package lessons

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func load(t *testing.T) []*Lesson {
	t.Helper()
	ls, err := Load(".")
	if err != nil {
		t.Fatal(err)
	}
	return ls
}

// The course: every lesson whole, in order, each built around scenarios.
func TestCourse(t *testing.T) {
	ls := load(t)
	if len(ls) < 12 {
		t.Errorf("%d lessons, want at least 12", len(ls))
	}
	orders := map[int]string{}
	for _, l := range ls {
		for _, e := range l.Errors {
			t.Errorf("%v", e)
		}
		if prev, dup := orders[l.Order]; dup {
			t.Errorf("%s and %s both have order %d", prev, l.File, l.Order)
		}
		orders[l.Order] = l.File
		kinds := map[string]int{}
		for _, b := range l.Blocks {
			switch b.(type) {
			case *ScenarioBlock:
				kinds["scenario"]++
			case *ExerciseBlock:
				kinds["exercise"]++
			case *PredictBlock:
				kinds["predict"]++
			}
		}
		if kinds["scenario"] == 0 {
			t.Errorf("%s has no scenario block", l.File)
		}
	}
}

// Every claim of every lesson holds in the engine: a change to the engine
// that breaks a lesson's story fails here, naming the file and line.
func TestClaims(t *testing.T) {
	for _, l := range load(t) {
		t.Run(l.Slug, func(t *testing.T) {
			outs := Check(l)
			for _, o := range outs {
				if !o.OK {
					t.Errorf("%v", o)
				}
			}
			if len(outs) == 0 {
				t.Errorf("%s makes no checked claim", l.File)
			}
		})
	}
}

const sample = `---
title: Sample
order: 1
summary: A sample lesson.
---
# Sample

Some **text** with <script>alert("x")</script> and <img src=x onerror="alert(1)">,
a [bad link](javascript:alert(1)) and a [good one](https://example.com/).

<script>document.write("raw block")</script>

` + "```scenario" + `
title: <b>Two</b> lanes
model=sync,gevent io=100ms clients=10 duration=5s
expect 2:throughput > 5 x 1:throughput
` + "```" + `
`

func TestRawHTMLIsInert(t *testing.T) {
	l := Parse("sample.md", []byte(sample))
	if len(l.Errors) != 0 {
		t.Fatalf("errors: %v", l.Errors)
	}
	body := string(l.Body)
	for _, bad := range []string{"<script", "<img", "onerror", "javascript:", "<b>Two", "<h1"} {
		if strings.Contains(body, bad) {
			t.Errorf("rendered lesson contains %q:\n%s", bad, body)
		}
	}
	for _, good := range []string{"<strong>text</strong>", `href="https://example.com/"`, "&lt;b&gt;Two&lt;/b&gt; lanes",
		`data-scenario="model=sync,gevent duration=5s"`, "throughput of model=gevent &gt; 5 × throughput of model=sync"} {
		if !strings.Contains(body, good) {
			t.Errorf("rendered lesson lacks %q:\n%s", good, body)
		}
	}
	var page bytes.Buffer
	if err := lessonPage.Execute(&page, pageData{L: l, Body: "x", N: 1, Count: 1}); err != nil {
		t.Fatal(err)
	}
	// The page names the site's icon, one folder up as its styles are.
	if !strings.Contains(page.String(), `<link rel="icon" href="../favicon.svg"`) {
		t.Errorf("the lesson page names no icon:\n%.600s", page.String())
	}
	if _, err := os.Stat(filepath.Join("..", "static", "favicon.svg")); err != nil {
		t.Errorf("the icon a lesson page names is not in static/: %v", err)
	}
}

func TestBrokenBlocksNameFileAndLine(t *testing.T) {
	src := `---
title: Broken
order: 2
summary: Broken on purpose.
---
Text.

` + "```scenario" + `
model=sync workers=zero
` + "```" + `

` + "```scenario" + `
model=sync io=10ms duration=2s
expect p99 <> 5
` + "```" + `

` + "```predict" + `
question: Which?
options: a | b
answer: c
explain: none
` + "```" + `

` + "```exercise" + `
title: t
start: model=sync
goal: p90 < 5ms
solution: model=sync
` + "```" + `
`
	l := Parse("broken.md", []byte(src))
	want := []struct {
		line int
		text string
	}{{9, "workers=zero"}, {14, "<>"}, {20, `answer "c"`}, {27, "p90 is not shown live"}}
	if len(l.Errors) != len(want) {
		t.Fatalf("errors = %v, want %d", l.Errors, len(want))
	}
	for i, w := range want {
		e := l.Errors[i]
		if e.File != "broken.md" || e.Line != w.line || !strings.Contains(e.Msg, w.text) {
			t.Errorf("error %d = %v, want broken.md:%d mentioning %q", i, e, w.line, w.text)
		}
	}
	if n := strings.Count(string(l.Body), `class="cp-error" role="alert"`); n != len(want) {
		t.Errorf("%d visible error boxes, want %d:\n%s", n, len(want), l.Body)
	}
	if !strings.Contains(string(l.Body), "broken.md:9: scenario block: scenario: workers=zero") {
		t.Errorf("the error box does not say what broke:\n%s", l.Body)
	}
}

// A range makes a sweep, which a lesson block does not run: it says so
// instead of running the first point.
func TestSweepInBlockIsAnError(t *testing.T) {
	src := "---\ntitle: Sweep\norder: 2\nsummary: A range.\n---\n\n```scenario\nmodel=sync workers=1..8\n```\n\n" +
		"```exercise\ntitle: t\nstart: model=gthread threads=1..4\ngoal: p99 < 5ms\nsolution: model=gthread threads=4\n```\n"
	l := Parse("sweep.md", []byte(src))
	if len(l.Errors) != 2 {
		t.Fatalf("errors = %v, want one for the block and one for the exercise's start", l.Errors)
	}
	for i, want := range []string{"workers=1..8 makes a sweep", "start: threads=1..4 makes a sweep"} {
		if !strings.Contains(l.Errors[i].Msg, want) {
			t.Errorf("error %d = %v, want it to say %q", i, l.Errors[i], want)
		}
	}
}

func TestFrontMatterErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"no front matter\n", "starts with a --- line"},
		{"---\ntitle: x\norder: one\nsummary: s\n---\n", "order \"one\""},
		{"---\ntitle: x\nsummary: s\n---\n", "order: is missing"},
		{"---\ntitle: x\norder: 1\nsummary: s\ncolour: red\n---\n", "unknown key \"colour\""},
	} {
		l := Parse("f.md", []byte(tc.src))
		if len(l.Errors) == 0 || !strings.Contains(l.Errors[0].Error(), tc.want) {
			t.Errorf("Parse(%q) errors = %v, want one mentioning %q", tc.src, l.Errors, tc.want)
		}
	}
}

func TestExpectLines(t *testing.T) {
	good := []struct {
		text  string
		lanes int
		lane  int
		value float64
	}{
		{"p99 > 1.5s", 1, 0, 1500},
		{"p50 ~ 200", 1, 0, 200},
		{"waited >= 50%", 1, 0, 0.5},
		{"2:resident < 1GB", 2, 1, 1024},
		{"1:throughput > 5 x 2:throughput", 2, 0, 0},
	}
	for _, g := range good {
		e, err := parseExpect(g.text, g.lanes)
		if err != nil || e.Lane != g.lane || e.Value != g.value {
			t.Errorf("parseExpect(%q) = %+v, %v; want lane %d value %v", g.text, e, err, g.lane, g.value)
		}
	}
	bad := []struct {
		text  string
		lanes int
		want  string
	}{
		{"p99 > 1.5h", 1, "with ms or s"},
		{"latency > 5", 1, "not a metric"},
		{"p99 > 5", 2, "name one"},
		{"3:p99 > 5", 2, "from 1 to 2"},
		{"p99 >5", 1, "spaces around OP"},
		{"1:p99 > 2 x 3", 2, "factor goes with a metric"},
	}
	for _, b := range bad {
		_, err := parseExpect(b.text, b.lanes)
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("parseExpect(%q) error = %v, want one mentioning %q", b.text, err, b.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(sample)
	f.Add("---\ntitle: t\norder: 1\nsummary: s\n---\n```exercise\ntitle: x\n```\n")
	f.Add("```predict\noptions: a|b\n```")
	f.Fuzz(func(t *testing.T, src string) {
		l := Parse("fuzz.md", []byte(src))
		if strings.Contains(strings.ToLower(string(l.Body)), "<script") {
			t.Fatalf("a script tag came through:\n%s", l.Body)
		}
	})
}
