package scene

import (
	"strings"
	"testing"
	"time"
)

// The jobs region sits under the web workers, inside the workers' column,
// with Redis's list and one box per RQ worker, all in words; a lane without
// background jobs has none.
func TestJobsRegion(t *testing.T) {
	for _, size := range [][2]float32{{1280, 800}, {1920, 1080}, {390, 844}, {400, 300}} {
		sims := sim(t, "model=gthread,sync workers=2 threads=4,1 background=3,0 io=200ms calls=2 clients=40 think=200ms")
		var v View
		sc := frames(&v, sims, 20*time.Second, 3, size[0], size[1])
		with, without := &v.lanes[0].layout, &v.lanes[1].layout
		if len(with.jobs.workers) != 3 || len(without.jobs.workers) != 0 {
			t.Fatalf("%v: RQ worker boxes = %d and %d, want 3 and 0", size, len(with.jobs.workers), len(without.jobs.workers))
		}
		J := with.jobs
		if !inside(J.area, with.workArea) {
			t.Errorf("%v: jobs region %+v is not inside the workers' column %+v", size, J.area, with.workArea)
		}
		for i, w := range with.workers {
			if w.box.Overlaps(J.area) {
				t.Errorf("%v: web worker %d %+v overlaps the jobs region %+v", size, i, w.box, J.area)
			}
		}
		for i, r := range J.workers {
			if !inside(r, J.area) || r.Overlaps(J.list) {
				t.Errorf("%v: RQ worker box %d %+v is outside the region or on the list", size, i, r)
			}
		}
		text := labelsText(sc)
		if !strings.Contains(text, "Redis") {
			t.Errorf("%v: nothing names Redis's list: %q", size, text)
		}
		if size[0] < 1000 {
			continue // small canvases may drop the longer words
		}
		for _, want := range []string{"Redis list: ", "rq worker 1: ", "background jobs (RQ)"} {
			if !strings.Contains(text, want) {
				t.Errorf("%v: no label with %q in %q", size, want, text)
			}
		}
	}
}

func inside(r, o Rect) bool {
	return r.X >= o.X-0.01 && r.Y >= o.Y-0.01 && r.X+r.W <= o.X+o.W+0.01 && r.Y+r.H <= o.Y+o.H+0.01
}

func labelsText(sc *Scene) string {
	var b strings.Builder
	for _, l := range sc.Labels {
		b.WriteString(l.Text + "|")
	}
	return b.String()
}
