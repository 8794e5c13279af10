package calibrate

import (
	"os"
	"strings"
	"testing"
)

// A doc without the constants section is an error, not a section appended
// at its end.
func TestRewriteConstantsNeedsTheSection(t *testing.T) {
	if _, err := RewriteConstants([]byte("# T\n\n## A\na\n"), nil); err == nil {
		t.Error("a doc without the constants section gave no error")
	}
}

// Rewriting the section from saved runs keeps the import costs the doc
// holds (measured beside the servers' runs) rather than measuring them
// again now: a changed figure in the doc's table survives the rewrite.
func TestRewriteConstantsKeepsTheDocsImportCosts(t *testing.T) {
	doc, err := os.ReadFile("../docs/calibration.md")
	if err != nil {
		t.Fatal(err)
	}
	_, ms, err := LoadSaved("runs-2026-12-02.json")
	if err != nil {
		t.Fatal(err)
	}
	const was, marked = "| `flask, requests` |", "| `flask, requests` | 123.4 |"
	sec := string(Section(doc, ConstantsHeading))
	i := strings.Index(sec, was)
	if i < 0 {
		t.Fatalf("the doc's constants section has no row %q", was)
	}
	row := sec[i : i+strings.Index(sec[i:], "\n")]
	out, err := RewriteConstants([]byte(strings.Replace(string(doc), row, marked, 1)), ms)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(Section(out, ConstantsHeading)), marked) {
		t.Errorf("the rewritten section lost the doc's import row %q", marked)
	}
}
