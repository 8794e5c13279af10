package calibrate

import (
	"bytes"
	"strings"
	"testing"
)

// TestAddRows writes a doc from made-up measurements of two rows, adds a
// third between them and then again, and parses the table.
func TestAddRows(t *testing.T) {
	_, res, cpu, err := Predict("model=dev clients=1 requests=100 cores=2")
	if err != nil {
		t.Fatal(err)
	}
	meas := func(name string, rps float64) Measurement {
		return Measurement{Row: Row{Name: name, Why: "why " + name}, Scenario: "model=dev", Command: "cmd " + name,
			Pred: res, PredCPU: cpu, Real: []RealRun{{Throughput: rps, OtherCores: 0.5}}}
	}
	var buf bytes.Buffer
	WriteDoc(&buf, Machine{Nproc: 2, Date: "then"}, []Measurement{meas("dev", 10), meas("sync-4w", 20)})
	doc, err := AddRows(buf.Bytes(), Machine{Date: "now"}, []Measurement{meas("dev-processes", 30)})
	if err != nil {
		t.Fatal(err)
	}
	doc, err = AddRows(doc, Machine{Date: "later"}, []Measurement{meas("dev-processes", 40)})
	if err != nil {
		t.Fatal(err)
	}
	lines, err := ParseTable(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range lines {
		if l.Metric == "throughput rps" {
			got = append(got, l.Row+"="+l.Real)
		}
	}
	if want := "dev=10.0 dev-processes=40.0 sync-4w=20.0"; strings.Join(got, " ") != want {
		t.Errorf("rows after adding = %q, want %q", strings.Join(got, " "), want)
	}
	s := string(doc)
	if strings.Count(s, addedHeading) != 1 || strings.Count(s, "### dev-processes:") != 1 ||
		!strings.Contains(s, "measured later") || strings.Contains(s, "measured now") || !strings.Contains(s, "why dev-processes") {
		t.Errorf("the added section is wrong:\n%s", s[strings.Index(s, addedHeading):])
	}
	if _, err := AddRows([]byte("# no table\n"), Machine{}, nil); err == nil {
		t.Error("AddRows on a doc without a table: no error")
	}
}
