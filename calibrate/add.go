package calibrate

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
)

// addedHeading starts the section of docs/calibration.md that holds rows
// measured after the full run.
const addedHeading = "## Rows added after the full run"

// AddRows puts measurements of rows run on their own (cmd/calibrate -add)
// into a calibration doc that a full run wrote: their lines go into the
// results table where Rows orders them, replacing that row's old lines, and
// a subsection of addedHeading says when they ran, what else ran, and why
// they miss. Every other row keeps the full run's figures, which a busy
// machine would otherwise overwrite.
func AddRows(doc []byte, mc Machine, ms []Measurement) ([]byte, error) {
	lines := strings.Split(string(doc), "\n")
	start := slices.Index(lines, tableHeader)
	if start < 0 || start+1 >= len(lines) {
		return nil, fmt.Errorf("calibrate: the doc has no results table")
	}
	end := start + 2
	for end < len(lines) && strings.HasPrefix(lines[end], "|") {
		end++
	}
	blocks := map[string][]string{} // row name -> its table lines
	var order []string
	for _, l := range lines[start+2 : end] {
		cells := strings.Split(strings.Trim(l, "|"), "|")
		if name := strings.Trim(strings.TrimSpace(cells[0]), "*"); name != "" {
			order = append(order, name)
			blocks[name] = nil
		}
		if len(order) == 0 {
			return nil, fmt.Errorf("calibrate: the table's first line names no row: %q", l)
		}
		blocks[order[len(order)-1]] = append(blocks[order[len(order)-1]], l)
	}
	for _, m := range ms {
		var b bytes.Buffer
		WriteTable(&b, []Measurement{m})
		tl := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
		if _, ok := blocks[m.Row.Name]; !ok {
			order = append(order, m.Row.Name)
		}
		blocks[m.Row.Name] = tl[2:] // past the header and separator
	}
	var table []string
	for _, r := range Rows { // the order of the full run, then any others
		table = append(table, blocks[r.Name]...)
		delete(blocks, r.Name)
	}
	for _, name := range order {
		table = append(table, blocks[name]...)
	}
	out := slices.Concat(lines[:start+2], table, lines[end:])
	return []byte(addSections(strings.Join(out, "\n"), mc, ms)), nil
}

// addSections writes a subsection of addedHeading for each measurement,
// replacing an older one of the same row.
func addSections(doc string, mc Machine, ms []Measurement) string {
	i := strings.Index(doc, "\n"+addedHeading+"\n")
	if i < 0 {
		// Before the explanations of the full run's misses.
		j := strings.Index(doc, "\n## Rows that miss, and why\n")
		if j < 0 {
			j = len(doc)
		}
		doc = doc[:j] + "\n" + addedHeading + "\n\nEach row here was measured on its own with " +
			"`go run ./cmd/calibrate -add ROW`, after the full run; the table above holds its lines.\n" + doc[j:]
		i = j
	}
	body := i + len(addedHeading) + 2
	next := strings.Index(doc[body:], "\n## ")
	if next < 0 {
		next = len(doc) - body
	}
	section := doc[body : body+next]
	for _, m := range ms {
		section = dropSubsection(section, m.Row.Name)
		section = strings.TrimRight(section, "\n") + "\n\n" + addedRow(mc, m)
	}
	return doc[:body] + strings.TrimRight(section, "\n") + "\n" + doc[body+next:]
}

// dropSubsection removes the "### name" subsection from section.
func dropSubsection(section, name string) string {
	h := "\n### " + name + ":"
	i := strings.Index(section, h)
	if i < 0 {
		return section
	}
	j := strings.Index(section[i+len(h):], "\n### ")
	if j < 0 {
		return section[:i]
	}
	return section[:i] + section[i+len(h)+j:]
}

// addedRow is the subsection of one added row.
func addedRow(mc Machine, m Measurement) string {
	var b strings.Builder
	p := func(f string, a ...any) { fmt.Fprintf(&b, f, a...) }
	var missed []string
	for _, l := range Lines(m) {
		if l.Verdict == VerdictMiss {
			missed = append(missed, l.Metric)
		}
	}
	p("### %s: measured %s", m.Row.Name, mc.Date)
	if len(missed) > 0 {
		p("; misses %s", strings.Join(missed, ", "))
	}
	p("\n\n`%s`\n\n", m.Command)
	if m.Err != "" {
		p("Not measured: %s\n", m.Err)
		return b.String()
	}
	p("| run | load avg (1 min) | others, cores | harness, cores | elapsed s | cpu ms/req |\n|---|---|---|---|---|---|\n")
	for i, r := range m.Real {
		p("| %d | %.1f | %.2f | %.2f | %.1f | %.2f |\n", i+1, r.LoadAvg, max(0, r.OtherCores), r.HarnessCPU, r.Elapsed.Seconds(), r.CPUPerReq)
	}
	if m.Row.Why != "" {
		p("\n%s\n", m.Row.Why)
	}
	return b.String()
}
