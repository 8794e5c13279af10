package calibrate

import (
	"bytes"
	"errors"
	"fmt"
)

// constantsHeading starts the doc's section that Findings writes: what the
// measurements say about the engine's constants, with the engine's own
// figures beside them, so it goes stale whenever the engine changes.
const constantsHeading = "## Engine constants from these measurements\n"

// ConstantsSection is the doc's "Engine constants" section for the
// measurements ms (Findings, with the client libraries' import costs
// measured now), heading included.
func ConstantsSection(ms []Measurement) string {
	return fmt.Sprintf("%s\n%s\n", constantsHeading, Findings(ms, ImportCosts()))
}

// ReplaceSection returns doc with the section that starts at the line
// heading (a "## " heading ending in a newline) replaced by section, up to
// the next "## " heading or the end; the rest of the doc stays byte for
// byte. The section must exist.
func ReplaceSection(doc []byte, heading, section string) ([]byte, error) {
	start := bytes.Index(doc, []byte(heading))
	if start < 0 || (start > 0 && doc[start-1] != '\n') {
		return nil, fmt.Errorf("no section %q in the doc", bytes.TrimSpace([]byte(heading)))
	}
	end := len(doc)
	if i := bytes.Index(doc[start+len(heading):], []byte("\n## ")); i >= 0 {
		end = start + len(heading) + i + 1
	}
	if section == "" || section[len(section)-1] != '\n' {
		return nil, errors.New("a section ends with a newline")
	}
	out := append([]byte{}, doc[:start]...)
	out = append(out, section...)
	return append(out, doc[end:]...), nil
}

// RewriteConstants returns doc with its "Engine constants" section
// rewritten for the measurements ms and the current engine.
func RewriteConstants(doc []byte, ms []Measurement) ([]byte, error) {
	return ReplaceSection(doc, constantsHeading, ConstantsSection(ms))
}
