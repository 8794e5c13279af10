package lessons

import (
	"github.com/yuin/goldmark/ast"
)

// KindBlock is the goldmark node kind of our blocks.
var KindBlock = ast.NewNodeKind("PlaygroundBlock")

// blockNode stands where a scenario, exercise or predict fence was. It holds
// either the parsed block or the error that broke it; both render.
type blockNode struct {
	ast.BaseBlock
	block Block
	err   *BlockError
}

// Kind implements ast.Node.
func (n *blockNode) Kind() ast.NodeKind { return KindBlock }

// IsRaw implements ast.Node: the block's text is ours, not markdown.
func (n *blockNode) IsRaw() bool { return true }

// Dump implements ast.Node.
func (n *blockNode) Dump(source []byte, level int) {
	m := map[string]string{}
	if n.err != nil {
		m["error"] = n.err.Error()
	}
	ast.DumpHelper(n, source, level, m, nil)
}
