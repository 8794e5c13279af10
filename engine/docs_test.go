package engine

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
)

// modelsTable renders the table of models that docs/models.md carries.
func modelsTable() string {
	var b strings.Builder
	b.WriteString("| model | what it is | unit of concurrency | follows |\n|---|---|---|---|\n")
	for _, m := range Models() {
		sp := specOf(m)
		fmt.Fprintf(&b, "| `%s` | %s | %s | `%s` |\n", sp.name, sp.title, sp.unit.name, sp.source)
	}
	return b.String()
}

// TestModelsDoc checks that docs/models.md lists exactly the registered
// models, with their titles, and has a section for each.
func TestModelsDoc(t *testing.T) {
	b, err := os.ReadFile("../docs/models.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	if want := modelsTable(); !strings.Contains(doc, want) {
		t.Errorf("docs/models.md does not hold the registry's table of models; want:\n%s", want)
	}
	var sections []string
	for _, m := range regexp.MustCompile("(?m)^### `([a-z-]+)`:").FindAllStringSubmatch(doc, -1) {
		sections = append(sections, m[1])
	}
	if got, want := strings.Join(sections, " "), strings.Join(modelNames(), " "); got != want {
		t.Errorf("docs/models.md has sections for %q, want one per model in order: %q", got, want)
	}
}
