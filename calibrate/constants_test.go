package calibrate

import "testing"

// A doc without the constants section is an error, not a section appended
// at its end.
func TestRewriteConstantsNeedsTheSection(t *testing.T) {
	if _, err := RewriteConstants([]byte("# T\n\n## A\na\n"), nil); err == nil {
		t.Error("a doc without the constants section gave no error")
	}
}
