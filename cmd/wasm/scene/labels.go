package scene

// Words on the canvas. Every region gets a name; where a name does not fit,
// a shorter one is tried, and a label that would still overlap an earlier
// one (or leave the canvas) is dropped, so the picture never shows text on
// text. Labels are added most important first.

// align is where a label sits in its box.
type align uint8

const (
	alignLeft align = iota
	alignRight
	alignCenter
)

// put places the first text of choices that fits box's width, at the top
// of box, and reports whether one did.
func (v *View) put(box Rect, tone Tone, al align, choices ...string) bool {
	m := v.m
	if box.H < m.lh-0.5 {
		return false
	}
	for _, t := range choices {
		if t == "" {
			continue
		}
		w := m.width(t)
		if w > box.W {
			continue
		}
		x := box.X
		switch al {
		case alignRight:
			x = box.X + box.W - w
		case alignCenter:
			x = box.X + (box.W-w)/2
		}
		v.out.Labels = append(v.out.Labels, Label{Text: t, X: x, Y: box.Y, W: w, H: m.lh, Px: m.px, Tone: tone})
		return true
	}
	return false
}

// settleLabels drops every label that overlaps an earlier one or leaves the
// canvas.
func (sc *Scene) settleLabels() {
	kept := sc.Labels[:0]
	for _, l := range sc.Labels {
		r := Rect{l.X, l.Y, l.W, l.H}
		if r.X < 0 || r.Y < 0 || r.X+r.W > sc.W+0.01 || r.Y+r.H > sc.H+0.01 {
			continue
		}
		clash := false
		for _, k := range kept {
			if r.Overlaps(Rect{k.X, k.Y, k.W, k.H}) {
				clash = true
				break
			}
		}
		if !clash {
			kept = append(kept, l)
		}
	}
	sc.Labels = kept
}
