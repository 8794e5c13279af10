package lessons

import (
	"strings"
	"testing"
)

// A sweep block runs every point; its claims are checked on the points
// they name, and a claim the engine does not bear out fails.
func TestSweepBlockClaims(t *testing.T) {
	src := "---\ntitle: S\norder: 2\nsummary: A sweep.\n---\n\n```sweep\ntitle: t\n" +
		"model=sync,gevent workers=1..4 io=100ms clients=30 requests=600 target=p99<400ms\n" +
		"expect 1:throughput@4 > 3 x 1:throughput@1\n" + // holds: 4 sync workers serve 4 times 1
		"expect 2:p99@1 < 1:p99@1\n" + // holds: one gevent worker holds all 30 clients
		"expect 2:cheapest == 1\n" + // holds
		"expect 1:throughput@4 < 1:throughput@1\n" + // fails
		"expect 1:cheapest == 3\n" + // fails: no sync point meets the goal
		"```\n"
	l := Parse("sweep.md", []byte(src))
	if len(l.Errors) > 0 {
		t.Fatal(l.Errors)
	}
	outs := Check(l)
	want := []bool{true, true, true, false, false}
	if len(outs) != len(want) {
		t.Fatalf("%d outcomes, want %d: %v", len(outs), len(want), outs)
	}
	for i, o := range outs {
		if o.OK != want[i] {
			t.Errorf("%v: OK = %v, want %v", o, o.OK, want[i])
		}
	}
	if !strings.Contains(outs[4].Detail, "no point") || !strings.Contains(outs[0].Detail, "1:throughput@4 =") {
		t.Errorf("details %q and %q; want the points named and the missing cheapest said", outs[0].Detail, outs[4].Detail)
	}
	html := string(l.Body)
	for _, w := range []string{`class="cp-card cp-scenario cp-sweep"`, "Run this sweep", `href="../index.html?model=sync%2Cgevent&amp;workers=1..4`,
		"target=p99%3C400ms", "throughput of model=sync at workers=4 &gt; 3 × throughput of model=sync at workers=1", "the fewest workers that meet the goal (p99&lt;400ms) on model=gevent"} {
		if !strings.Contains(html, w) {
			t.Errorf("the card lacks %q:\n%s", w, html)
		}
	}
}

// A broken sweep block says what is wrong and where.
func TestSweepBlockErrors(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{"model=sync workers=4", "needs a range"},
		{"model=sync workers=1..4\nexpect p99@5 < 1s", "5 is not a value of the range workers=1..4"},
		{"model=sync workers=1..4\nexpect p99 < 1s", "say at which value of workers"},
		{"model=sync,gevent workers=1..4\nexpect p99@1 < 1s", "name one, as in 1:p99@1"},
		{"model=sync workers=1..4\nexpect cheapest == 2", "cheapest needs a goal"},
		{"model=sync workers=1..4\nexpect speed@1 > 2", "not a metric"},
		{"model=sync workers=1..4\nexpect 3:p99@1 < 1s", "lane \"3\""},
	} {
		src := "---\ntitle: S\norder: 2\nsummary: s.\n---\n\n```sweep\n" + tc.body + "\n```\n"
		l := Parse("bad.md", []byte(src))
		if len(l.Errors) != 1 || !strings.Contains(l.Errors[0].Msg, tc.want) {
			t.Errorf("%q: errors %v, want one that says %q", tc.body, l.Errors, tc.want)
		}
	}
}
