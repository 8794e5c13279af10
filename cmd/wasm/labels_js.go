//go:build js && wasm

package main

import (
	"strconv"
	"syscall/js"

	"playground/cmd/wasm/scene"
)

// labelLayer shows a scene's labels as HTML text in #cp-labels over the
// canvas (canvas.html): crisp at every size and zoom, and as large as the
// reader's text settings make it. It touches the DOM only for labels that
// changed since the last frame.
type labelLayer struct {
	root  js.Value
	spans []js.Value
	shown []scene.Label
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

func (l *labelLayer) sync(labels []scene.Label) {
	doc := js.Global().Get("document")
	for i, lb := range labels {
		if i == len(l.spans) {
			sp := doc.Call("createElement", "span")
			l.root.Call("appendChild", sp)
			l.spans = append(l.spans, sp)
			l.shown = append(l.shown, scene.Label{})
		}
		old := l.shown[i]
		if old == lb {
			continue
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
	for i := len(labels); i < len(l.spans); i++ {
		if l.shown[i].Text != "" {
			l.spans[i].Get("style").Set("cssText", "display:none")
			l.shown[i] = scene.Label{}
		}
	}
}
