package main

import "testing"

// A label whose words differ only in their counts keeps the polled words
// when only its tone changes (labels_js.go); any other change of words
// is written at once.
func TestCountsDiffer(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"Redis list: 262 queued", "Redis list: 193 queued", true},
		{"Redis list: 1150", "Redis list: 999", true},
		{"background jobs (RQ): 12 finished", "background jobs (RQ): 9 finished", true},
		{"Redis list: 262 queued", "Redis list: 262 queued", false},
		{"thread 3 (GIL)", "thread 3", false},
		{"Redis list: 262 queued", "Redis list: 262", false},
		{"rq worker 1: idle", "rq worker 1: upstream call", false},
		{"worker 1: 36 waiting for a thread", "worker 2: 16 waiting for a thread", true},
		{"", "3", true},
	} {
		if got := countsDiffer(c.a, c.b); got != c.want {
			t.Errorf("countsDiffer(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}
