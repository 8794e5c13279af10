package scene

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"playground/engine"
)

// The canvas sizes the pages give the picture: a phone (390x844 page), a
// small embed (400x300 iframe), a laptop (1280x800) and a projector
// (1920x1080), the last two also with large text.
var canvasSizes = []struct {
	name  string
	w, h  float32
	scale float32
	minPx float32
}{
	{"phone", 370, 360, 1, 11},
	{"embed-400x300", 400, 220, 1, 10},
	{"laptop", 820, 460, 1, 11},
	{"laptop-large", 820, 460, 1.5, 13},
	{"projector", 1300, 720, 1, 11},
	{"projector-large", 1300, 720, 1.5, 13},
}

// For every model, 1 to 4 lanes and every size: no label under the
// smallest size, no two overlapping, none outside the canvas, and each lane
// names its clients, its listen queue, its workers and its upstream.
func TestLabelsReadableAtEverySize(t *testing.T) {
	for _, m := range engine.Models() {
		for lanes := 1; lanes <= 4; lanes++ {
			text := fmt.Sprintf("model=%s io=%s clients=60", m, strings.Join([]string{"300ms", "200ms", "1s", "2s"}[:lanes], ","))
			for _, size := range canvasSizes {
				t.Run(fmt.Sprintf("%s/%d/%s", m, lanes, size.name), func(t *testing.T) {
					sims := sim(t, text)
					var v View
					sc := framesWith(&v, sims, 2*time.Second, 3, size.w, size.h, Options{TextScale: size.scale})
					checkLabels(t, sc, size.minPx)
					areas := splitLanes(Rect{0, 0, size.w, size.h}, lanes)
					for li, area := range areas {
						var words []string
						for _, l := range sc.Labels {
							if area.Contains(l.X, l.Y) {
								words = append(words, l.Text)
							}
						}
						all := strings.Join(words, " | ")
						for _, want := range []string{"clients", "listen queue|backlog", "upstream|up", "worker"} {
							found := false
							for _, alt := range strings.Split(want, "|") {
								found = found || strings.Contains(all, alt)
							}
							if !found {
								t.Errorf("lane %d has no label %q; labels: %s", li, want, all)
							}
						}
					}
				})
			}
		}
	}
}

func checkLabels(t *testing.T, sc *Scene, minPx float32) {
	t.Helper()
	if len(sc.Labels) == 0 {
		t.Fatal("no labels")
	}
	for i, l := range sc.Labels {
		if l.Px < minPx {
			t.Errorf("label %q at %v px, want at least %v", l.Text, l.Px, minPx)
		}
		if l.X < 0 || l.Y < 0 || l.X+l.W > sc.W || l.Y+l.H > sc.H {
			t.Errorf("label %q %v,%v %vx%v leaves the %vx%v canvas", l.Text, l.X, l.Y, l.W, l.H, sc.W, sc.H)
		}
		if got := float32(len(l.Text)) * l.Px * advanceEm; l.W+0.01 < got {
			t.Errorf("label %q is %v wide, its text needs %v", l.Text, l.W, got)
		}
		for _, k := range sc.Labels[:i] {
			if (Rect{l.X, l.Y, l.W, l.H}).Overlaps(Rect{k.X, k.Y, k.W, k.H}) {
				t.Errorf("labels %q and %q overlap", l.Text, k.Text)
			}
		}
	}
}

// The names a reader needs to read the picture appear where there is room:
// threads by number, the event loop, the GIL holder, a blocked loop.
func TestRegionsNamed(t *testing.T) {
	tests := []struct {
		text string
		at   time.Duration
		want []string
	}{
		{"model=gthread workers=2 threads=4 io=200ms cpu=5ms clients=40", 2 * time.Second,
			[]string{"40 clients", "listen queue (kernel)", "worker 1", "worker 2", "thread 1", "thread 4", "upstream, 200 ms", "cores, lit while busy"}},
		{"model=asyncio io=200ms clients=40", 2 * time.Second, []string{"event loop", "tasks on I/O"}},
		{"model=gevent io=200ms clients=40", 2 * time.Second, []string{"gevent hub", "greenlets on I/O"}},
		{"model=gevent io=200ms blocking=true clients=40", 2 * time.Second, []string{"gevent hub: BLOCKED"}},
		{"model=uvicorn-wsgi io=200ms clients=40", 2 * time.Second, []string{"event loop", "thread 1"}},
		{"model=sync workers=3 io=2s clients=200", 3 * time.Second, []string{"waiting", "3 worker processes"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			var v View
			sc := framesWith(&v, sim(t, tt.text), tt.at, 3, 1300, 720, Options{TextScale: 1})
			var words []string
			for _, l := range sc.Labels {
				words = append(words, l.Text)
			}
			all := strings.Join(words, " | ")
			for _, w := range tt.want {
				if !strings.Contains(all, w) {
					t.Errorf("no label %q; labels: %s", w, all)
				}
			}
		})
	}
}

// Large text makes the canvas text larger too.
func TestTextScale(t *testing.T) {
	var v View
	sims := sim(t, "model=gthread workers=2 threads=4 io=200ms clients=40")
	small := framesWith(&v, sims, time.Second, 1, 1300, 720, Options{TextScale: 1}).Labels[0].Px
	large := framesWith(&v, sims, time.Second, 1, 1300, 720, Options{TextScale: 1.5}).Labels[0].Px
	if large < 1.4*small {
		t.Errorf("text at scale 1.5 is %v px, at 1 %v px; want it 1.5 times as large", large, small)
	}
}
