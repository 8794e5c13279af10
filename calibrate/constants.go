package calibrate

import (
	"errors"
	"fmt"
)

// ConstantsHeading starts the doc's section that Findings writes: what the
// measurements say about the engine's constants, with the engine's own
// figures beside them, so it goes stale whenever the engine changes.
const ConstantsHeading = "## Engine constants from these measurements"

// ConstantsSection is the doc's "Engine constants" section for the
// measurements ms (Findings, with the client libraries' import costs
// measured now), heading included.
func ConstantsSection(ms []Measurement) string {
	return fmt.Sprintf("%s\n\n%s\n", ConstantsHeading, Findings(ms, ImportCosts()))
}

// RewriteConstants returns doc with its "Engine constants" section
// rewritten for the measurements ms and the current engine; the rest of the
// doc stays byte for byte. The section must exist.
func RewriteConstants(doc []byte, ms []Measurement) ([]byte, error) {
	if Section(doc, ConstantsHeading) == nil {
		return nil, errors.New(`no section "` + ConstantsHeading + `" in the doc`)
	}
	return PutSection(doc, ConstantsHeading, []byte(ConstantsSection(ms))), nil
}
