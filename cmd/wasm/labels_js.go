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
// changed since the last frame. While the page polls state(), the scene's
// words change only at its polls (pollfollow.go) and are written at once
// (syncNow), so that the picture's counts are the ones the page's numbers
// show; without polls, a change of words alone (counts that move with
// every request) is written at most every textEvery, and most frames do no
// DOM work at all.
type labelLayer struct {
	root  js.Value
	spans []js.Value
	shown []scene.Label
	n     int       // labels shown
	at    time.Time // when they were written
}

// textEvery is how often the labels' words are rewritten, when the page
// does not poll and nothing else about them changed: four times a second,
// as a page's own figures.
const textEvery = 250 * time.Millisecond

// syncNow writes labels at once, as the page polls state().
func (l *labelLayer) syncNow(labels []scene.Label) { l.write(labels) }

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
// always one frame's, which never overlap. polling says the page polls:
// the scene's words then come from its last poll and are shown at once.
func (l *labelLayer) sync(labels []scene.Label, polling bool) {
	if !polling && l.onlyWordsDiffer(labels) && time.Since(l.at) < textEvery {
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
