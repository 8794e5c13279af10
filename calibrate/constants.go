package calibrate

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
)

// ConstantsHeading starts the doc's section that Findings writes: what the
// measurements say about the engine's constants, with the engine's own
// figures beside them, so it goes stale whenever the engine changes.
const ConstantsHeading = "## Engine constants from these measurements"

// ConstantsSection is the doc's "Engine constants" section for the
// measurements ms (Findings, with the client libraries' import costs
// measured now), heading included.
func ConstantsSection(ms []Measurement) string {
	return constantsSection(ms, ImportCosts())
}

// constantsSection is the "Engine constants" section for the measurements
// ms and the import costs imports.
func constantsSection(ms []Measurement, imports []ImportCost) string {
	return fmt.Sprintf("%s\n\n%s\n", ConstantsHeading, Findings(ms, imports))
}

// RewriteConstants returns doc with its "Engine constants" section
// rewritten for the measurements ms and the current engine; the rest of the
// doc stays byte for byte. The section must exist. The import costs are the
// ones the section already holds, measured with the servers' runs, not
// measured again on a machine that may be busy now; only a doc without
// them measures them.
func RewriteConstants(doc []byte, ms []Measurement) ([]byte, error) {
	sec := Section(doc, ConstantsHeading)
	if sec == nil {
		return nil, errors.New(`no section "` + ConstantsHeading + `" in the doc`)
	}
	imports := savedImportCosts(sec)
	if len(imports) == 0 {
		imports = ImportCosts()
	}
	return PutSection(doc, ConstantsHeading, []byte(constantsSection(ms, imports))), nil
}

// importRow is a row of the section's import table, as Findings writes it.
var importRow = regexp.MustCompile("(?m)^\\| `([^`]+)` \\| ([0-9.]+) \\|$")

// savedImportCosts reads the import table of an "Engine constants" section.
func savedImportCosts(sec []byte) []ImportCost {
	var out []ImportCost
	for _, m := range importRow.FindAllSubmatch(sec, -1) {
		if v, err := strconv.ParseFloat(string(m[2]), 64); err == nil {
			out = append(out, ImportCost{Modules: string(m[1]), RSSMiB: v})
		}
	}
	return out
}
