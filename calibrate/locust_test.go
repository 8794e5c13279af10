package calibrate

import (
	"strings"
	"testing"
)

// locustTotals reads the Aggregated line of a locust 2.12 _stats.csv.
func TestLocustTotals(t *testing.T) {
	csv := "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s\n" +
		"GET,/work?calls=1,812,3,100,101.2,100.1,150.3,5,80.9,0.3\n" +
		",Aggregated,800,8,100,101.2,100.1,150.3,5,80.0,0.8\n"
	rps, failed, err := locustTotals(strings.NewReader(csv))
	if err != nil || rps != 79.2 || failed != 8 {
		t.Errorf("locustTotals = %v, %d, %v; want 79.2 answered a second (80 less 1%% failed), 8, nil", rps, failed, err)
	}
	if _, _, err := locustTotals(strings.NewReader("Type,Name\nGET,/x\n")); err == nil {
		t.Error("locustTotals without Requests/s: no error")
	}
}

// Check.Agrees holds when locust's throughput is within CheckTolerance of
// the Go client's, turn by turn.
func TestCheckAgrees(t *testing.T) {
	for _, tc := range []struct {
		goRPS, locust []float64
		want          bool
	}{
		{[]float64{100, 102}, []float64{97, 99}, true},
		{[]float64{100, 100}, []float64{94, 94}, false},
		{[]float64{100}, nil, false},
		// The load changed between turns: pairs compare, medians would not.
		{[]float64{60, 70, 70}, []float64{62, 72, 71}, true},
		{[]float64{60, 70, 70}, []float64{70, 60, 60}, false},
	} {
		ck := Check{Go: tc.goRPS, Locust: tc.locust}
		if got := ck.Agrees(); got != tc.want {
			t.Errorf("Check{Go: %v, Locust: %v}.Agrees() = %v, want %v", tc.goRPS, tc.locust, got, tc.want)
		}
	}
}

// PutSection replaces a section up to the next heading, or appends one.
func TestPutSection(t *testing.T) {
	doc := "# T\n\n## A\nold\n\n## B\nb\n"
	got := string(PutSection([]byte(doc), "## A", []byte("## A\nnew\n\n")))
	if want := "# T\n\n## A\nnew\n\n## B\nb\n"; got != want {
		t.Errorf("PutSection(replace) = %q, want %q", got, want)
	}
	got = string(PutSection([]byte(doc), "## C", []byte("## C\nc\n")))
	if want := doc + "\n## C\nc\n"; got != want {
		t.Errorf("PutSection(append) = %q, want %q", got, want)
	}
	if got := string(Section([]byte(doc), "## B")); got != "## B\nb\n" {
		t.Errorf("Section(## B) = %q", got)
	}
}
