package calibrate

import "testing"

// A section is replaced up to the next heading, or to the end, and
// nothing else moves.
func TestReplaceSection(t *testing.T) {
	doc := "# T\n\n## A\nold a\n\n## B\nold b\n"
	for _, c := range []struct{ heading, section, want string }{
		{"## A\n", "## A\nnew a\n\n", "# T\n\n## A\nnew a\n\n## B\nold b\n"},
		{"## B\n", "## B\nnew b\n", "# T\n\n## A\nold a\n\n## B\nnew b\n"},
	} {
		got, err := ReplaceSection([]byte(doc), c.heading, c.section)
		if err != nil || string(got) != c.want {
			t.Errorf("ReplaceSection(%q) = %q, %v; want %q", c.heading, got, err, c.want)
		}
	}
	if _, err := ReplaceSection([]byte(doc), "## C\n", "## C\n"); err == nil {
		t.Error("a missing section gave no error")
	}
	if _, err := ReplaceSection([]byte("x## A\n"), "## A\n", "## A\n"); err == nil {
		t.Error("a heading inside a line was taken for a section")
	}
}
