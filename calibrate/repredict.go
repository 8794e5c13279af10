package calibrate

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"playground/engine"
)

// Stamp says when, and with the engine of which commit, the predictions of
// a calibration doc were recomputed. The zero Stamp leaves the doc's header
// as it is.
type Stamp struct {
	Date, Commit string
}

// repredictedPrefix starts the header line that Repredict writes.
const repredictedPrefix = "Predictions recomputed on "

// Repredict runs the engine again on the scenario of every row of a
// calibration doc's results table and rewrites each line's predicted, ratio
// and verdict cells (the verdict against the metric's goal, as Lines judges
// it), keeping the real cells as they are: the real servers are not run. A
// "failed" line comes or goes with the engine's failures when the real runs
// had none. It also rewrites what the doc derives from the verdicts and the
// engine: the counts and row lists under "## Results", the sections on the
// rows that miss (headings, the engine's failures by cause, a subsection
// for a row that misses now, each row's note as Rows has it), the engine's
// ranges in the spread over seeds; and, unless st is zero, a header line
// that says when and with which engine. The findings at the end, written
// from the real runs' raw figures, stay as they are.
func Repredict(doc []byte, st Stamp) ([]byte, error) {
	lines := strings.Split(string(doc), "\n")
	start := slices.IndexFunc(lines, func(s string) bool { return strings.TrimSpace(s) == tableHeader })
	if start < 0 {
		return nil, fmt.Errorf("calibrate: no results table (its header is %q)", tableHeader)
	}
	if start+1 >= len(lines) || !strings.HasPrefix(lines[start+1], "|") {
		return nil, fmt.Errorf("calibrate: line %d: the results table has no separator line", start+2)
	}
	end := start + 2
	for end < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[end]), "|") {
		end++
	}
	blocks, err := tableBlocks(lines[start+2:end], start+3)
	if err != nil {
		return nil, err
	}
	if len(blocks) == 0 {
		return nil, fmt.Errorf("calibrate: the results table is empty")
	}
	var table []string
	var all []Line
	failed := map[string]engine.Failures{}
	for _, b := range blocks {
		ls, f, err := b.repredict()
		if err != nil {
			return nil, err
		}
		all = append(all, ls...)
		failed[b.name] = f
		for i, l := range ls {
			row, sc := "", ""
			if i == 0 {
				row, sc = b.rowCell, b.scenarioCell
			}
			v := l.Verdict
			if v == VerdictMiss {
				v = "**" + v + "**"
			}
			table = append(table, fmt.Sprintf("| %s | %s | %s | %s | %s | %s | %s |", row, sc, l.Metric, l.Real, l.Pred, l.Ratio, v))
		}
	}
	out := slices.Concat(lines[:start+2], table, lines[end:])
	sum := summarize(all)
	out = putSummary(out, sum)
	out = missHeadings(out, sum, failed)
	out = addMissSections(out, sum)
	out = refreshWhy(out)
	if out, err = respread(out, blocks); err != nil {
		return nil, err
	}
	if st != (Stamp{}) {
		out = stampHeader(out, st)
	}
	return []byte(strings.Join(out, "\n")), nil
}

// block is one row of the results table: its lines' cells.
type block struct {
	name, scenario        string
	rowCell, scenarioCell string         // as printed on the row's first line
	cells                 [][]string     // row, scenario, metric, real, predicted, ratio, verdict
	firstLine             int            // line number in the doc, for errors
	metricLine            map[string]int // metric -> its line number
}

// tableBlocks splits the results table's lines into rows; first is the line
// number of the first one.
func tableBlocks(lines []string, first int) ([]*block, error) {
	known := map[string]bool{}
	for _, mt := range metrics {
		known[mt.name] = true
	}
	var out []*block
	for i, text := range lines {
		n := first + i
		text = strings.TrimSpace(text)
		cells := strings.Split(strings.Trim(text, "|"), "|")
		if len(cells) != 7 {
			return nil, fmt.Errorf("calibrate: line %d: %d cells, want 7 (row, scenario, metric, real, predicted, ratio, verdict): %q", n, len(cells), text)
		}
		for j := range cells {
			cells[j] = strings.TrimSpace(cells[j])
		}
		if name := strings.Trim(cells[0], "*"); name != "" {
			sc := strings.Trim(cells[1], "`")
			if sc == "" {
				return nil, fmt.Errorf("calibrate: line %d: row %s has no scenario", n, name)
			}
			// A row measured before the engine modelled the client gets
			// the harness's client time, which its real runs had.
			sc = WithClient(sc)
			out = append(out, &block{name: name, scenario: sc, rowCell: cells[0], scenarioCell: "`" + sc + "`",
				firstLine: n, metricLine: map[string]int{}})
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("calibrate: line %d: the table's first line names no row: %q", n, text)
		}
		b := out[len(out)-1]
		if !known[cells[2]] {
			return nil, fmt.Errorf("calibrate: line %d: unknown metric %q (the metrics are %s)", n, cells[2], strings.Join(MetricNames(), ", "))
		}
		if _, dup := b.metricLine[cells[2]]; dup {
			return nil, fmt.Errorf("calibrate: line %d: row %s has metric %q twice", n, b.name, cells[2])
		}
		b.metricLine[cells[2]] = n
		b.cells = append(b.cells, cells)
	}
	return out, nil
}

// repredict returns the row's lines with the engine's figures for its
// scenario and the real cells as they were, and the engine's failures.
func (b *block) repredict() ([]Line, engine.Failures, error) {
	_, res, cpu, err := Predict(b.scenario)
	if err != nil {
		return nil, res.Failed, fmt.Errorf("calibrate: line %d: row %s: scenario %q: %v", b.firstLine, b.name, b.scenario, err)
	}
	m := Measurement{Row: Row{Name: b.name}, Scenario: b.scenario, Pred: res, PredCPU: cpu}
	real := map[string]string{}
	ranged := false // the real runs were repeated: every real cell has its range
	for _, c := range b.cells {
		real[c[2]] = c[3]
		ranged = ranged || strings.Contains(c[3], " (")
	}
	var out []Line
	for _, mt := range metrics {
		r, has := real[mt.name]
		want := mt.skip == nil || !mt.skip(m)
		if mt.name == "failed" {
			// Left out only when neither side failed, so a row without
			// the line had no real failures.
			if has && r != "—" && !isZero(r) {
				want = true
			}
			if want && !has {
				r = "0"
				if ranged {
					r = "0 (0–0)"
				}
				if real["throughput rps"] == "—" {
					r = "—"
				}
			}
		} else if has != want {
			if has {
				return nil, res.Failed, fmt.Errorf("calibrate: line %d: row %s has a %q line, which the engine has no figure for with this scenario", b.metricLine[mt.name], b.name, mt.name)
			}
			return nil, res.Failed, fmt.Errorf("calibrate: line %d: row %s has no %q line, and its real figure cannot be recomputed: rerun the row (go run ./cmd/calibrate -add %s)", b.firstLine, b.name, mt.name, b.name)
		}
		if !want {
			continue
		}
		l := Line{Row: b.name, Scenario: b.scenario, Metric: mt.name, Real: r}
		l.PredV, l.Pred = mt.predicted(m)
		if r == "—" {
			l.Ratio, l.Verdict = "—", VerdictNA
		} else {
			first, _, _ := strings.Cut(r, " ")
			if l.RealV, err = strconv.ParseFloat(first, 64); err != nil {
				return nil, res.Failed, fmt.Errorf("calibrate: line %d: row %s, %s: real %q is not a number or \"—\"", b.metricLine[mt.name], b.name, mt.name, r)
			}
			l.Ratio, l.Verdict = judge(l.RealV, l.PredV, mt.tol)
		}
		out = append(out, l)
	}
	return out, res.Failed, nil
}

// isZero says that a real cell reads 0, with or without its range.
func isZero(cell string) bool {
	first, _, _ := strings.Cut(cell, " ")
	v, err := strconv.ParseFloat(first, 64)
	return err == nil && v == 0 && (!strings.Contains(cell, "(") || strings.HasSuffix(cell, "(0–0)"))
}

// putSummary replaces the paragraph under "## Results", up to "Ratio is
// predicted / real.", with one written from sum. A doc without it is left
// as it is.
func putSummary(lines []string, sum summary) []string {
	i := slices.Index(lines, "## Results")
	if i < 0 {
		return lines
	}
	j := slices.Index(lines[i:], "Ratio is predicted / real.")
	if j < 0 {
		return lines
	}
	var b bytes.Buffer
	writeSummary(&b, sum)
	body := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	return slices.Concat(lines[:i+2], body, lines[i+j:])
}

// missHeadings rewrites what the sections on the rows that miss derive
// from the verdicts and the engine: the metrics a heading names ("### row:
// p50 ms, p99 ms" under missHeading, "### row: measured DATE; misses ..."
// under addedHeading), the rows that miss on memory alone, whether a row's
// subsection ends with memTooLine, and the engine's failures by cause.
func missHeadings(lines []string, sum summary, failed map[string]engine.Failures) []string {
	const memPrefix, memSuffix = memMissPrefix, memMissSuffix
	var out []string
	section, row, memToo, dropBlank := "", "", false, false
	// end closes the subsection of row under missHeading.
	end := func() {
		if section == missHeading && row != "" && !memToo && slices.Contains(sum.missRows[row], "resident MiB") {
			out = append(out, memTooLine, "")
		}
		row, memToo = "", false
	}
	for _, l := range lines {
		if strings.HasPrefix(l, "## ") || strings.HasPrefix(l, "### ") {
			end()
		}
		if strings.HasPrefix(l, "## ") {
			section = l
			out = append(out, l)
			continue
		}
		name, rest, heading := strings.Cut(strings.TrimPrefix(l, "### "), ": ")
		heading = heading && strings.HasPrefix(l, "### ")
		missed := sum.missRows[name]
		switch {
		case section == missHeading && heading && rest != "not measured":
			row = name
			l = "### " + name + ": " + strings.Join(missed, ", ")
			if len(missed) == 0 {
				l = "### " + name + ": misses nothing with the recomputed predictions"
			}
		case section == addedHeading && heading:
			measured, _, _ := strings.Cut(rest, "; misses ")
			l = "### " + name + ": " + measured
			if len(missed) > 0 {
				l += "; misses " + strings.Join(missed, ", ")
			}
		case section == missHeading && strings.HasPrefix(l, memPrefix) && strings.HasSuffix(l, memSuffix) && len(sum.memOnlyMissers) > 0:
			l = memPrefix + strings.Join(sum.memOnlyMissers, ", ") + memSuffix
		case section == missHeading && row != "" && strings.HasPrefix(l, realCausesPrefix):
			if k := strings.LastIndex(l, " (engine: "); k >= 0 {
				l = l[:k] + " (engine: " + engineCauses(failed[row]) + ")."
			}
		case section == missHeading && row != "" && l == memTooLine:
			if !slices.Contains(sum.missRows[row], "resident MiB") {
				dropBlank = true // and the blank line after it
				continue
			}
			memToo = true
		case dropBlank && l == "":
			dropBlank = false
			continue
		}
		dropBlank = false
		out = append(out, l)
	}
	end()
	return out
}

// addMissSections writes a subsection under missHeading, as WriteDoc does,
// for each row that misses a goal other than memory now and is explained
// nowhere: its heading, the other processes' cores from the doc's table of
// what else ran, and the row's Why. The real failures by cause are not in
// the doc, so that line is left out.
func addMissSections(lines []string, sum summary) []string {
	sec := slices.Index(lines, missHeading)
	if sec < 0 {
		return lines
	}
	explained := map[string]bool{}
	for _, l := range lines {
		if name, _, ok := strings.Cut(strings.TrimPrefix(l, "### "), ":"); ok && strings.HasPrefix(l, "### ") {
			explained[name] = true
		}
	}
	others := map[string][]string{} // row -> others, cores, run by run
	if i := slices.Index(lines, "## What else ran during each run"); i >= 0 {
		for _, l := range lines[i+1:] {
			if strings.HasPrefix(l, "## ") {
				break
			}
			c := strings.Split(strings.Trim(l, "|"), "|")
			if len(c) == 6 && strings.HasPrefix(l, "| ") {
				row := strings.TrimSpace(c[0])
				others[row] = append(others[row], strings.TrimSpace(c[3]))
			}
		}
	}
	why := map[string]string{}
	for _, r := range Rows {
		why[r.Name] = r.Why
	}
	for k, name := range sum.bad {
		if explained[name] {
			continue
		}
		text := []string{"### " + name + ": " + strings.Join(sum.missRows[name], ", "), ""}
		if o := others[name]; len(o) > 0 {
			text = append(text, "Other processes used "+strings.Join(o, ", ")+" cores during the run(s).", "")
		}
		if why[name] != "" {
			text = append(text, why[name], "")
		}
		if slices.Contains(sum.missRows[name], "resident MiB") {
			text = append(text, memTooLine, "")
		}
		// Before the subsection of the next row that has one, or at the
		// end of the section.
		at := sec + 1
		for at < len(lines) && !strings.HasPrefix(lines[at], "## ") {
			at++
		}
		for _, next := range sum.bad[k+1:] {
			if i := slices.IndexFunc(lines[sec:], func(l string) bool { return strings.HasPrefix(l, "### "+next+":") }); i >= 0 && sec+i < at {
				at = sec + i
				break
			}
		}
		lines = slices.Insert(lines, at, text...)
		explained[name] = true
	}
	return lines
}

// refreshWhy puts each row's Why (from Rows, which may be newer than the
// doc) into its subsections under missHeading and addedHeading, in place of
// the paragraph there that the generator did not derive from the run: not
// the heading, the command, a table, the other processes' cores, the
// failures by cause, memTooLine or an error. A subsection without one gets
// it where WriteDoc and AddRows put it.
func refreshWhy(lines []string) []string {
	why := map[string]string{}
	for _, r := range Rows {
		why[r.Name] = r.Why
	}
	derived := func(p string) bool {
		for _, pre := range []string{"### ", "`", "|", "Other processes used ", realCausesPrefix, "Not measured", memTooLine} {
			if strings.HasPrefix(p, pre) {
				return true
			}
		}
		return false
	}
	var out []string
	section := ""
	for i := 0; i < len(lines); {
		l := lines[i]
		if strings.HasPrefix(l, "## ") {
			section = l
		}
		name, rest, ok := strings.Cut(strings.TrimPrefix(l, "### "), ": ")
		row, known := why[name]
		if !strings.HasPrefix(l, "### ") || !ok || !known || rest == "not measured" || (section != missHeading && section != addedHeading) {
			out = append(out, l)
			i++
			continue
		}
		// The subsection's paragraphs, up to the next heading.
		j := i + 1
		for j < len(lines) && !strings.HasPrefix(lines[j], "### ") && !strings.HasPrefix(lines[j], "## ") {
			j++
		}
		var paras [][]string
		var cur []string
		for _, x := range lines[i+1 : j] {
			if x == "" {
				if cur != nil {
					paras, cur = append(paras, cur), nil
				}
				continue
			}
			cur = append(cur, x)
		}
		if cur != nil {
			paras = append(paras, cur)
		}
		var kept [][]string
		at := -1 // where the why goes
		for _, p := range paras {
			if derived(p[0]) {
				if p[0] == memTooLine && at < 0 {
					at = len(kept)
				}
				kept = append(kept, p)
				continue
			}
			if at < 0 {
				at = len(kept)
			}
		}
		if at < 0 {
			at = len(kept)
		}
		if row != "" {
			kept = slices.Insert(kept, at, []string{row})
		}
		out = append(out, l, "")
		for _, p := range kept {
			out = append(out, p...)
			out = append(out, "")
		}
		i = j
	}
	return out
}

// respread rewrites the engine's ranges in the section on the engine's
// spread over seeds, from each row's scenario in the results table, keeping
// the real medians in parentheses.
func respread(lines []string, blocks []*block) ([]string, error) {
	sec := slices.Index(lines, spreadHeading)
	if sec < 0 {
		return lines, nil
	}
	scenario := map[string]string{}
	for _, b := range blocks {
		scenario[b.name] = b.scenario
	}
	for i := sec + 1; i < len(lines) && !strings.HasPrefix(lines[i], "## "); i++ {
		c := strings.Split(strings.Trim(lines[i], "|"), "|")
		if len(c) != 5 || !strings.HasPrefix(lines[i], "| ") {
			continue
		}
		name := strings.TrimSpace(c[0])
		sc, ok := scenario[name]
		if !ok {
			continue // the header, or a row the results table lacks
		}
		sp, err := SeedSpread(strings.TrimSuffix(sc, " seed=1"), spreadSeeds)
		if err != nil {
			return nil, fmt.Errorf("calibrate: line %d: row %s: %v", i+1, name, err)
		}
		e := sp.cells()
		row := "| " + name + " |"
		for k := range e {
			_, real, ok := strings.Cut(strings.TrimSpace(c[k+1]), " (")
			if !ok {
				return nil, fmt.Errorf("calibrate: line %d: row %s: the spread cell %q has no real median in parentheses", i+1, name, strings.TrimSpace(c[k+1]))
			}
			row += " " + e[k] + " (" + real + " |"
		}
		lines[i] = row
	}
	return lines, nil
}

// stampHeader puts the line that says when the predictions were recomputed
// under the doc's "Generated by" paragraph, replacing an older one.
func stampHeader(lines []string, st Stamp) []string {
	text := repredictedPrefix + st.Date + " with the engine of commit " + st.Commit +
		" (`go run ./cmd/calibrate -repredict`), without rerunning the servers: the real cells are as measured."
	if i := slices.IndexFunc(lines, func(s string) bool { return strings.HasPrefix(s, repredictedPrefix) }); i >= 0 {
		lines[i] = text
		return lines
	}
	g := slices.IndexFunc(lines, func(s string) bool { return strings.HasPrefix(s, "Generated by ") })
	if g < 0 {
		return slices.Insert(lines, 0, text, "")
	}
	e := g
	for e < len(lines) && lines[e] != "" {
		e++
	}
	return slices.Insert(lines, e, text)
}
