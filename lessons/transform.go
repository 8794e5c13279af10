package lessons

import (
	"bytes"
	"slices"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// collectKey keeps, in a parse's context, the blocks and errors the
// transformer found: a transformer cannot return an error.
var collectKey = parser.NewContextKey()

// collected is what one parse found.
type collected struct {
	file   string
	offset int // lines of the file before the markdown body (the front matter)
	blocks []Block
	errs   []*BlockError
}

// transformer turns fences whose info word is one of ours into block nodes.
type transformer struct{}

// Transform implements parser.ASTTransformer. It collects the fences during
// the walk and replaces them after it.
func (transformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	col, _ := pc.Get(collectKey).(*collected)
	if col == nil {
		col = &collected{file: "lesson"}
		pc.Set(collectKey, col)
	}
	src := reader.Source()
	var fences []*ast.FencedCodeBlock
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if f, ok := n.(*ast.FencedCodeBlock); ok && entering && slices.Contains(kinds, string(f.Language(src))) {
			fences = append(fences, f)
		}
		return ast.WalkContinue, nil
	})
	for _, f := range fences {
		kind := string(f.Language(src))
		fence := lineOf(src, fenceStart(f, src)) + col.offset
		var lines []string
		for i := 0; i < f.Lines().Len(); i++ {
			seg := f.Lines().At(i)
			lines = append(lines, strings.TrimRight(string(seg.Value(src)), "\r\n"))
		}
		node := &blockNode{}
		b, le := parseBlock(kind, lines, fence+1)
		if le != nil {
			node.err = &BlockError{File: col.file, Line: le.line, Msg: kind + " block: " + le.msg}
			col.errs = append(col.errs, node.err)
		} else {
			node.block = b
			col.blocks = append(col.blocks, b)
		}
		f.Parent().ReplaceChild(f.Parent(), f, node)
	}
}

// fenceStart returns the byte offset of a fence's opening line.
func fenceStart(f *ast.FencedCodeBlock, src []byte) int {
	if f.Info != nil {
		return f.Info.Segment.Start
	}
	if f.Lines().Len() > 0 {
		// The line before the first content line.
		s := f.Lines().At(0).Start
		return max(0, bytes.LastIndexByte(src[:max(0, s-1)], '\n')+1)
	}
	return 0
}

// lineOf returns the 1-based line number of byte offset off.
func lineOf(src []byte, off int) int { return bytes.Count(src[:off], []byte("\n")) + 1 }
