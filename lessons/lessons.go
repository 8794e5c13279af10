// Package lessons reads the course's markdown lessons and renders them with
// goldmark and a small extension of ours: fenced `scenario`, `exercise` and
// `predict` blocks become "run this" cards, goals the reader reaches by
// playing, and questions answered before the reveal
// (docs/lessons-format.md). Raw HTML in a lesson is never passed through.
// Check runs every block's scenarios through the engine and tests its
// claims, so a change to the engine that breaks a lesson's story fails.
package lessons

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// Lesson is one parsed lesson.
type Lesson struct {
	File    string // the markdown file's name, for messages
	Slug    string // the page's name without .html
	Title   string
	Order   int
	Summary string
	Body    []byte // rendered HTML of the lesson text, blocks included
	Blocks  []Block
	Errors  []*BlockError // broken blocks and front matter; each also renders as a visible box
}

// markdown is the goldmark configuration of every lesson: GitHub tables and
// strikethrough, heading ids, our blocks, and no raw HTML (goldmark's
// default: it is dropped, and dangerous link URLs are emptied).
var markdown = goldmark.New(
	goldmark.WithExtensions(extension.Table, extension.Strikethrough, Extension{}),
	goldmark.WithParserOptions(parser.WithAutoHeadingID()),
)

// Parse reads one lesson. A broken block or front matter does not stop it:
// the problem is in Errors (with the file and line) and renders as an error
// box. Only an unreadable file is an error.
func Parse(file string, src []byte) *Lesson {
	l := &Lesson{File: file, Slug: strings.TrimSuffix(filepath.Base(file), ".md")}
	body, bodyLine := l.frontMatter(src)
	col := &collected{file: file, offset: bodyLine - 1}
	pc := parser.NewContext()
	pc.Set(collectKey, col)
	doc := markdown.Parser().Parse(text.NewReader(body), parser.WithContext(pc))
	// The page shows the title from the front matter as its heading; a
	// lesson that starts with its own "# title" would show it twice.
	if h, ok := doc.FirstChild().(*ast.Heading); ok && h.Level == 1 {
		doc.RemoveChild(doc, h)
	}
	var out bytes.Buffer
	if err := markdown.Renderer().Render(&out, body, doc); err != nil {
		l.Errors = append(l.Errors, &BlockError{File: file, Line: bodyLine, Msg: "rendering: " + err.Error()})
	}
	l.Body, l.Blocks = out.Bytes(), col.blocks
	l.Errors = append(l.Errors, col.errs...)
	return l
}

// frontMatter reads the "---" header and returns the body after it, with
// the line number the body starts on.
func (l *Lesson) frontMatter(src []byte) ([]byte, int) {
	fail := func(line int, msg string) {
		l.Errors = append(l.Errors, &BlockError{File: l.File, Line: line, Msg: "front matter: " + msg})
	}
	lines := strings.SplitAfter(string(src), "\n")
	if len(lines) == 0 || strings.TrimSpace(lines[0]) != "---" {
		fail(1, "a lesson starts with a --- line, then title:, order: and summary:, then ---")
		return src, 1
	}
	seen := map[string]bool{}
	for i := 1; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		if line == "---" {
			for _, k := range []string{"title", "order", "summary"} {
				if !seen[k] {
					fail(i+1, k+": is missing")
				}
			}
			return []byte(strings.Join(lines[i+1:], "")), i + 2
		}
		if line == "" {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		v = strings.TrimSpace(v)
		switch {
		case !ok:
			fail(i+1, fmt.Sprintf("%q is not key: value", line))
		case k == "title":
			l.Title = v
		case k == "summary":
			l.Summary = v
		case k == "order":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				fail(i+1, fmt.Sprintf("order %q: want a whole number from 1", v))
			}
			l.Order = n
		default:
			fail(i+1, fmt.Sprintf("unknown key %q; keys: title, order, summary", k))
		}
		seen[k] = true
	}
	fail(len(lines), "no closing --- line")
	return nil, len(lines)
}

// Load parses every *.md file in dir, sorted by order (then by name).
func Load(dir string) ([]*Lesson, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil {
		return nil, err
	}
	var out []*Lesson
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		out = append(out, Parse(f, src))
	}
	slices.SortFunc(out, func(a, b *Lesson) int {
		if a.Order != b.Order {
			return a.Order - b.Order
		}
		return strings.Compare(a.Slug, b.Slug)
	})
	return out, nil
}
