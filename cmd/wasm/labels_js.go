//go:build js && wasm

package main

import (
	"strconv"
	"syscall/js"
	"time"

	"playground/cmd/wasm/scene"
)

// labelLayer shows a scene's labels as HTML text in #cp-labels over the
// canvas (canvas.html): crisp at every size and zoom, and as large as the
// reader's text settings make it. It touches the DOM only for labels that
// changed since the last frame, and when only their words changed (counts
// that move with every request), at most every textEvery: most frames then
// do no DOM work at all. While the page polls state(), the words change
// with its polls (syncNow) and not in between, so that the picture's
// counts are the ones the page's numbers show.
type labelLayer struct {
	root   js.Value
	spans  []js.Value
	shown  []scene.Label
	n      int       // labels shown
	at     time.Time // when they were written
	polled time.Time // when the page's last poll wrote them
}

// textEvery is how often the labels' words are rewritten when nothing else
// about them changed: four times a second, as the page's own figures.
// pollHold is how long after a poll of the page the words wait for its
// next one (the page polls every 250 ms; a page that stops polling gets
// the words on textEvery again).
const (
	textEvery = 250 * time.Millisecond
	pollHold  = time.Second
)

// syncNow writes labels at once, as the page polls state().
func (l *labelLayer) syncNow(labels []scene.Label) {
	l.write(labels)
	l.polled = l.at
}

func (l *labelLayer) init() {
	doc := js.Global().Get("document")
	l.root = doc.Call("getElementById", "cp-labels")
	if l.root.IsNull() || l.root.IsUndefined() {
		l.root = doc.Call("createElement", "div")
		l.root.Set("id", "cp-labels")
		l.root.Call("setAttribute", "aria-hidden", "true")
		doc.Get("body").Call("appendChild", l.root)
	}
}

var toneClass = [...]string{scene.ToneText: "t", scene.ToneDim: "d", scene.ToneAlert: "a"}

func px(f float32) string { return strconv.FormatFloat(float64(f), 'f', 1, 32) + "px" }

// sync shows labels: all that changed, or none, so that the words shown are
// always one frame's, which never overlap. While the page polls, a label
// that moved or changed its tone (a thread that took the GIL) is shown at
// once, and the others' words wait for the poll; so do the counts of a
// label that only changed its tone (Redis's list turning red as it
// overflows its box), which keeps the count the page's numbers show.
func (l *labelLayer) sync(labels []scene.Label) {
	if len(labels) == l.n && time.Since(l.polled) < pollHold {
		for i := range labels {
			lb, old := labels[i], &l.shown[i]
			if !restyled(&lb, old) {
				continue
			}
			if old.Text != "" && lb.Y == old.Y && lb.H == old.H && lb.Px == old.Px && countsDiffer(lb.Text, old.Text) {
				lb.Text, lb.X, lb.W = old.Text, old.X, old.W
			}
			l.writeOne(i, lb)
		}
		return
	}
	if l.onlyWordsDiffer(labels) && time.Since(l.at) < textEvery {
		return
	}
	l.write(labels)
}

// write shows labels, all of them.
func (l *labelLayer) write(labels []scene.Label) {
	l.at, l.n = time.Now(), len(labels)
	for i, lb := range labels {
		l.writeOne(i, lb)
	}
	for i := len(labels); i < len(l.spans); i++ {
		if l.shown[i].Text != "" {
			l.spans[i].Get("style").Set("cssText", "display:none")
			l.shown[i] = scene.Label{}
		}
	}
}

// writeOne shows lb as the i-th label (at most one more than shown).
func (l *labelLayer) writeOne(i int, lb scene.Label) {
	if i == len(l.spans) {
		sp := js.Global().Get("document").Call("createElement", "span")
		l.root.Call("appendChild", sp)
		l.spans = append(l.spans, sp)
		l.shown = append(l.shown, scene.Label{})
	}
	old := l.shown[i]
	if old == lb {
		return
	}
	sp := l.spans[i]
	if old.Text != lb.Text {
		sp.Set("textContent", lb.Text)
	}
	if old.Tone != lb.Tone || old.Text == "" {
		sp.Set("className", toneClass[lb.Tone])
	}
	if old.X != lb.X || old.Y != lb.Y || old.Px != lb.Px || old.H != lb.H || old.Text == "" {
		sp.Get("style").Set("cssText", "left:"+px(lb.X)+";top:"+px(lb.Y)+";font-size:"+px(lb.Px)+";line-height:"+px(lb.H))
	}
	l.shown[i] = lb
}

// restyled reports whether label a is not b with other words: it sits on
// another row, at another size or in another tone.
func restyled(a, b *scene.Label) bool {
	return a.Y != b.Y || a.H != b.H || a.Px != b.Px || a.Tone != b.Tone
}

// onlyWordsDiffer reports whether labels are the ones shown but for their
// words (and the x and width that go with them): as many, on the same rows,
// at the same sizes and in the same tones.
func (l *labelLayer) onlyWordsDiffer(labels []scene.Label) bool {
	if len(labels) != l.n {
		return false
	}
	for i := range labels {
		if restyled(&labels[i], &l.shown[i]) {
			return false
		}
	}
	return true
}
