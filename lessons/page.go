package lessons

import (
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
)

// pageData is what a lesson page's template sees.
type pageData struct {
	L          *Lesson
	Body       template.HTML // the rendered lesson: goldmark output, every value escaped
	N, Count   int
	Prev, Next *Lesson
}

// head is the <head> of every lessons page, given a title and a summary.
const head = `{{define "head"}}<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · Concurrency Playground lessons</title>
<meta name="description" content="{{.Summary}}">
<link rel="icon" href="../favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="../style.css">
<link rel="stylesheet" href="../lesson.css">
</head>{{end}}`

var lessonPage = template.Must(template.Must(template.New("lesson").Parse(head)).Parse(`{{template "head" .L}}
<body class="lesson-page">
<header class="lesson-header">
<a class="lesson-home" href="../index.html">Concurrency Playground</a>
<a href="index.html">All lessons</a>
<span class="lesson-count">Lesson {{.N}} of {{.Count}}</span>
</header>
<div class="lesson-layout">
<main class="lesson" id="lesson" data-slug="{{.L.Slug}}">
<h1>{{.L.Title}}</h1>
<p class="lesson-summary">{{.L.Summary}}</p>
{{.Body}}
<nav class="lesson-nav" aria-label="Lessons">
{{with .Prev}}<a rel="prev" href="{{.Slug}}.html">← {{.Title}}</a>{{end}}
{{with .Next}}<a rel="next" href="{{.Slug}}.html">{{.Title}} →</a>{{end}}
</nav>
</main>
<aside class="lesson-sim" aria-label="Live simulation">
<p class="lesson-sim-head" id="lesson-running">Click <strong>Run this</strong> on a card to load its scenario here.</p>
<div class="lesson-frame"><iframe id="sim-frame" src="../canvas.html" title="Live simulation"></iframe></div>
<p id="narration" class="narration" aria-live="polite"></p>
<div class="lesson-controls">
<button type="button" id="play">Pause</button>
<label for="speed">Speed</label> <input type="range" id="speed" min="-2" max="2" step="0.05" value="0"> <span id="speed-value">1x</span>
<span id="sim-time"></span>
</div>
<div id="lesson-numbers" class="lesson-numbers" aria-live="off"></div>
<details class="lesson-legend"><summary>Colours of a request</summary><ul id="state-legend" class="state-legend"></ul></details>
<p id="lesson-alert" class="lesson-alert" role="alert" hidden></p>
</aside>
</div>
<script type="module" src="../lesson.js"></script>
</body>
</html>
`))

var indexPage = template.Must(template.Must(template.New("index").Parse(head)).Parse(`{{template "head" .Head}}
<body class="lesson-page">
<header class="lesson-header">
<a class="lesson-home" href="../index.html">Concurrency Playground</a>
<span>Lessons</span>
</header>
<main class="lesson lesson-index">
<h1>From one request at a time to the event loop and its traps</h1>
<p>Each lesson is a few screens long and built around scenarios you run in the live simulation. Every claim in them is checked against the engine, and the engine against the real servers.</p>
<ol class="lesson-list">
{{range .Lessons}}<li data-slug="{{.Slug}}"><a href="{{.Slug}}.html">{{.Title}}</a> <span class="lesson-progress" aria-label="progress"></span><br><span class="lesson-summary">{{.Summary}}</span></li>
{{end}}</ol>
</main>
<script type="module" src="../lesson.js"></script>
</body>
</html>
`))

// Render writes one page per lesson, and an index, into outDir. Broken
// blocks render as visible error boxes; Render does not stop for them (the
// lesson tests do), but it reports them on w.
func Render(ls []*Lesson, outDir string, w io.Writer) error {
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	for i, l := range ls {
		d := pageData{L: l, Body: template.HTML(l.Body), N: i + 1, Count: len(ls)}
		if i > 0 {
			d.Prev = ls[i-1]
		}
		if i+1 < len(ls) {
			d.Next = ls[i+1]
		}
		if err := writePage(filepath.Join(outDir, l.Slug+".html"), lessonPage, d); err != nil {
			return err
		}
		for _, e := range l.Errors {
			fmt.Fprintf(w, "lessons: %v\n", e)
		}
	}
	index := struct {
		Head    *Lesson
		Lessons []*Lesson
	}{&Lesson{Title: "Lessons", Summary: "A course in how Python web servers handle many requests at once."}, ls}
	return writePage(filepath.Join(outDir, "index.html"), indexPage, index)
}

func writePage(path string, t *template.Template, data any) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := t.Execute(f, data); err != nil {
		f.Close()
		return fmt.Errorf("lessons: %s: %w", path, err)
	}
	return f.Close()
}
