package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The page around the picture: the legend beside it, the narration under
// it, the keyboard passing through it, and axe-core's verdict on each page.

// A lesson page the tests open (any lesson would do).
const lessonPage = "lessons/03-threads.html"

// simReady is true once the program inside a page's #sim-frame has drawn.
const simReady = `(() => { try { const s = document.getElementById("sim-frame").contentWindow.cpSim; return !!(s && s.ready); } catch (e) { return false; } })()`

// axeSource returns axe-core's script, installed by scripts/test with
// `npm install --prefix .cache/npm axe-core@4`.
func axeSource(t *testing.T) string {
	t.Helper()
	if shared == nil {
		t.Skip("PLAYGROUND_BROWSER is not set")
	}
	path := os.Getenv("PLAYGROUND_AXE")
	if path == "" {
		path = filepath.Join("..", ".cache", "npm", "node_modules", "axe-core", "axe.min.js")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("axe-core is not installed (%v): run `npm install --prefix .cache/npm axe-core@4` at the repository root, as scripts/test does, or set PLAYGROUND_AXE to axe.min.js", err)
	}
	return string(b)
}

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// runAxe injects axe-core into the page and returns its serious and
// critical violations (frames are checked as pages of their own).
func runAxe(t *testing.T, ctx context.Context, src string) []axeViolation {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](src+"\n;undefined")); err != nil {
		t.Fatalf("injecting axe-core: %v", err)
	}
	out := eval[string](t, ctx, `axe.run(document, {iframes: false, resultTypes: ["violations"]}).then(r =>
		JSON.stringify(r.violations.filter(v => v.impact === "serious" || v.impact === "critical")))`)
	var vs []axeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		t.Fatalf("axe-core's answer %q: %v", out, err)
	}
	return vs
}

func TestAxeFindsNoSeriousViolations(t *testing.T) {
	src := axeSource(t)
	for _, c := range []struct{ name, url, ready string }{
		{"index", "index.html?model=gthread&workers=2&threads=4&io=200ms&clients=40", `window.playground && window.playground.ready`},
		{"embed", "embed.html?model=sync,gevent&io=300ms&clients=30", simReady},
		{"canvas", "canvas.html", `window.cpSim && window.cpSim.ready`},
		{"lesson", lessonPage, `window.lessonPage && window.lessonPage.ready`},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := page(t, readyLimit+time.Minute)
			if err := chromedp.Do(ctx,
				chromedp.Navigate(shared.base+c.url),
				waitJS(c.ready, readyLimit),
				chromedp.Sleep(time.Second), // the numbers and the legend fill in
			); err != nil {
				t.Fatalf("%s never became ready: %v", c.url, err)
			}
			for _, v := range runAxe(t, ctx, src) {
				var where []string
				for _, n := range v.Nodes {
					where = append(where, fmt.Sprint(n.Target)+": "+strings.ReplaceAll(n.Summary, "\n", " "))
				}
				t.Errorf("%s: axe-core %s (%s): %s\n\t%s", c.url, v.ID, v.Impact, v.Help, strings.Join(where, "\n\t"))
			}
		})
	}
}

// neighbours names the tab stops just before and just after the picture's
// iframe (giving them ids if they have none) and returns [before, after].
const neighbours = `(() => {
	const f = document.getElementById("sim-frame");
	const all = [...document.querySelectorAll("a[href], button, input, select, textarea, [tabindex]")]
		.filter(e => e.tabIndex >= 0 && !e.disabled && e.getClientRects().length > 0 && !e.closest("[hidden]"));
	const before = all.filter(e => e.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING).pop();
	const after = all.find(e => e.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_PRECEDING);
	if (before && !before.id) before.id = "tab-before";
	if (after && !after.id) after.id = "tab-after";
	return [before ? before.id : "", after ? after.id : ""];
})()`

// focused describes the focused element, following focus into frames.
const focused = `(() => {
	let d = document, path = [];
	for (;;) {
		const a = d.activeElement;
		if (!a) return path.join(" > ") || "nothing";
		path.push(a.tagName.toLowerCase() + (a.id ? "#" + a.id : ""));
		if (a.tagName !== "IFRAME") return path.join(" > ");
		try { d = a.contentDocument; } catch (e) { return path.join(" > "); }
		if (!d) return path.join(" > ");
	}
})()`

// tabThrough presses Tab from the control before the picture and wants the
// one after it, then Shift+Tab and wants the one before again.
func tabThrough(t *testing.T, ctx context.Context, before, wantAfter string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.ID(before)), chromedp.KeyEvent(kb.Tab)); err != nil {
		t.Fatal(err)
	}
	if got := eval[string](t, ctx, focused); got != wantAfter {
		t.Errorf("Tab from #%s: focus on %s, want %s (the canvas must not keep the keyboard)", before, got, wantAfter)
		if err := chromedp.Do(ctx, chromedp.Focus(chromedp.ID(before)), chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent(kb.Tab)); err == nil {
			t.Logf("after a second Tab: focus on %s", eval[string](t, ctx, focused))
		}
		return
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift))); err != nil {
		t.Fatal(err)
	}
	if got, want := eval[string](t, ctx, focused), before; !strings.HasSuffix(got, "#"+want) || strings.Contains(got, "iframe") {
		t.Errorf("Shift+Tab back: focus on %s, want #%s", got, want)
	}
}

// articlePage embeds embed.html between two buttons, as a blog post would.
const articlePage = `<!doctype html><html lang="en"><title>article</title>
<main><p>Before the embed.</p><button id=before>Before</button>
<iframe id=e src="/embed.html?model=gevent&io=200ms&clients=20" width=640 height=400 title="simulation"></iframe>
<button id=after>After</button></main>`

func TestTabPassesThroughTheSimulation(t *testing.T) {
	for _, c := range []struct{ name, url, ready string }{
		{"index", "index.html", `window.playground && window.playground.ready`},
		{"lesson", lessonPage, `window.lessonPage && window.lessonPage.ready`},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := page(t, readyLimit+time.Minute)
			if err := chromedp.Do(ctx, chromedp.Navigate(shared.base+c.url), waitJS(c.ready, readyLimit)); err != nil {
				t.Fatalf("%s never became ready: %v", c.url, err)
			}
			ids := eval[[]string](t, ctx, neighbours)
			if ids[0] == "" || ids[1] == "" {
				t.Fatalf("%s: no tab stop before or after the picture: %q", c.url, ids)
			}
			tabThrough(t, ctx, ids[0], "button#"+ids[1])
		})
	}
	t.Run("embed", func(t *testing.T) {
		ctx := page(t, readyLimit+time.Minute)
		if err := chromedp.Do(ctx,
			chromedp.Navigate(shared.base+"__test/article.html"),
			waitJS(`(() => { try { const s = document.getElementById("e").contentDocument.getElementById("sim-frame").contentWindow.cpSim; return !!(s && s.ready); } catch (e) { return false; } })()`, readyLimit),
		); err != nil {
			t.Fatalf("the embed never became ready: %v", err)
		}
		// Into the embed, past its canvas, onto its first control.
		tabThrough(t, ctx, "before", "iframe#e > button#play")
	})
}

// narrated is true once #narration says what the program's state().narration says.
const narrated = `(() => { const n = document.getElementById("narration").textContent; return n.length > 0 && n === document.getElementById("sim-frame").contentWindow.cpSim.state().narration; })()`

// rect is an element's box in CSS px of the viewport.
type rect struct{ Left, Top, Right, Bottom, Width, Height float64 }

func box(t *testing.T, ctx context.Context, sel string) rect {
	t.Helper()
	return eval[rect](t, ctx, `(() => { const e = document.querySelector(`+jsString(sel)+`); if (!e) return {}; const r = e.getBoundingClientRect();
		return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height}; })()`)
}

// On a laptop's screen the picture leaves room under it, above the fold,
// for the narration and the play button: at 1366x768 they fell below it.
func TestPlayAboveTheFold(t *testing.T) {
	for _, c := range []struct{ w, h int64 }{{1366, 768}, {1280, 800}} {
		t.Run(fmt.Sprintf("%dx%d", c.w, c.h), func(t *testing.T) {
			ctx := page(t, readyLimit+time.Minute)
			if err := chromedp.Do(ctx,
				chromedp.EmulateViewport(c.w, c.h, chromedp.EmulateScale(1)),
				chromedp.Navigate(shared.base+"index.html?model=gthread&workers=2&threads=4&io=200ms&clients=40"),
				ready(),
				waitJS(narrated, time.Minute),
			); err != nil {
				t.Fatal(err)
			}
			for _, sel := range []string{"#narration", "#play", "#speed"} {
				if b := box(t, ctx, sel); b.Height == 0 || b.Bottom > float64(c.h) {
					t.Errorf("%s at %+v, want it inside the %d px high window", sel, b, c.h)
				}
			}
			if f := box(t, ctx, ".stage-frame"); f.Height < 400 {
				t.Errorf("the picture is %.0f px high, want at least 400", f.Height)
			}
		})
	}
}

// At each screen size the legend and the narration are where a newcomer
// looks: beside the picture (or right under it on a narrow screen), and
// without scrolling at 1280x800 and a laptop's 1366x768.
func TestLegendAndNarrationBesideThePicture(t *testing.T) {
	const one = "model=gthread&workers=2&threads=4&io=200ms&clients=40"
	for _, c := range []struct {
		w, h   int64
		mobile bool
		beside bool
		large  bool
		query  string
	}{
		{390, 844, true, false, false, one},
		{1280, 800, false, true, false, one},
		{1366, 768, false, true, false, one},
		{1920, 1080, false, true, false, one},
		{1920, 1080, false, true, true, "model=sync,gthread,gevent&io=300ms&clients=60"},
	} {
		name := fmt.Sprintf("%dx%d", c.w, c.h)
		if c.large {
			name += "-large-3-lanes"
		}
		t.Run(name, func(t *testing.T) {
			ctx := page(t, readyLimit+time.Minute)
			opts := []chromedp.EmulateViewportOption{chromedp.EmulateScale(1)}
			if c.mobile {
				opts = []chromedp.EmulateViewportOption{chromedp.EmulateScale(2), chromedp.EmulateMobile}
			}
			if err := chromedp.Do(ctx,
				chromedp.EmulateViewport(c.w, c.h, opts...),
				chromedp.Navigate(shared.base+"index.html?"+c.query),
				ready(),
				waitJS(`window.playground.state().simSeconds > 3`, time.Minute),
				waitJS(narrated, 10*time.Second),
			); err != nil {
				t.Fatalf("%v (#narration %q)", err, eval[string](t, ctx, `document.getElementById("narration").textContent`))
			}
			if c.large {
				if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("large-text")), chromedp.Sleep(500*time.Millisecond)); err != nil {
					t.Fatal(err)
				}
			}
			frame, legend, narr := box(t, ctx, ".stage-frame"), box(t, ctx, ".legend-side"), box(t, ctx, "#narration")
			if n := eval[float64](t, ctx, `document.querySelectorAll("#state-legend li").length`); n < 10 {
				t.Errorf("the legend has %v entries, want one per state", n)
			}
			if live := eval[string](t, ctx, `document.getElementById("narration").getAttribute("aria-live")`); live != "polite" {
				t.Errorf("#narration aria-live = %q, want polite", live)
			}
			if narr.Top < frame.Bottom-1 || narr.Top > frame.Bottom+24 {
				t.Errorf("#narration at top %.0f, want directly under the picture (bottom %.0f)", narr.Top, frame.Bottom)
			}
			if c.beside {
				if legend.Left < frame.Right || legend.Top > frame.Bottom || legend.Bottom > float64(c.h) {
					t.Errorf("legend %+v, want it beside the picture %+v and inside the %d px high window", legend, frame, c.h)
				}
			} else if legend.Top < frame.Bottom {
				t.Errorf("legend %+v, want it under the picture %+v", legend, frame)
			}
			if w := eval[float64](t, ctx, `document.documentElement.scrollWidth`); w > float64(c.w) {
				t.Errorf("page is %v px wide in a %d px window", w, c.w)
			}
			// A slider's value is a value, not a sentence (threads under
			// sync,gthread,gevent read "the server's: 1 on gthread, 40 on
			// fastapi (view=sync), 1 on uwsgi" over three lines).
			if long := eval[[]string](t, ctx, `[...document.querySelectorAll(".field.range output")].map(o => o.textContent).filter(s => s.length > 24)`); len(long) > 0 {
				t.Errorf("slider values %q, want each a short value", long)
			}
			// The counts say what they count.
			if subs := eval[string](t, ctx, `[...document.querySelectorAll("#lane-0 .stat-inflight .sub, #lane-0 .stat-queue .sub")].map(e => e.textContent).join(" | ")`); !strings.Contains(subs, "not yet answered") || !strings.Contains(subs, "not yet started") {
				t.Errorf("In flight and Queue are explained as %q; want what each counts", subs)
			}
			// No number spills out of its box.
			if spills := eval[[]string](t, ctx, `[...document.querySelectorAll("#numbers .stat")]
				.filter(s => s.scrollWidth > s.clientWidth + 1).map(s => s.textContent)`); len(spills) > 0 {
				t.Errorf("numbers wider than their box: %q", spills)
			}
			shot(t, ctx, "index-"+name)
			windowShot(t, ctx, "index-"+name+"-window")
		})
	}
}

// A small embed keeps its picture; its legend opens over it from a button,
// by keyboard, and Escape closes it again.
func TestEmbedLegendAndNarration(t *testing.T) {
	ctx := page(t, readyLimit+time.Minute)
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(400, 300, chromedp.EmulateScale(1)),
		chromedp.Navigate(shared.base+"embed.html?model=sync,gevent&io=300ms&clients=30"),
		waitJS(simReady, readyLimit),
		waitJS(narrated, 10*time.Second),
	); err != nil {
		t.Fatal(err)
	}
	if frame := box(t, ctx, ".embed-frame"); frame.Height < 150 {
		t.Errorf("the picture is %.0f px high in a 300 px embed, want at least 150", frame.Height)
	}
	if live := eval[string](t, ctx, `document.getElementById("narration").getAttribute("aria-live")`); live != "polite" {
		t.Errorf("#narration aria-live = %q, want polite", live)
	}
	windowShot(t, ctx, "embed-400x300")
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.ID("legend-toggle")), chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	if open := eval[bool](t, ctx, `!document.getElementById("legend-pop").hidden && document.getElementById("legend-toggle").getAttribute("aria-expanded") === "true"`); !open {
		t.Fatalf("Enter on the Legend button did not open the legend")
	}
	if n := eval[float64](t, ctx, `document.querySelectorAll("#legend-pop li").length`); n < 10 {
		t.Errorf("the embed's legend has %v entries, want one per state", n)
	}
	if pop := box(t, ctx, "#legend-pop"); pop.Top < 0 || pop.Bottom > 300 {
		t.Errorf("the legend %+v does not fit in the 300 px embed", pop)
	}
	windowShot(t, ctx, "embed-400x300-legend")
	// The legend follows its button: Tab reaches it (to scroll it by keys).
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
		t.Fatal(err)
	}
	if got := eval[string](t, ctx, focused); got != "div#legend-pop" {
		t.Errorf("Tab from the open Legend button: focus on %s, want the legend", got)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Escape)); err != nil {
		t.Fatal(err)
	}
	if closed := eval[bool](t, ctx, `document.getElementById("legend-pop").hidden && document.activeElement.id === "legend-toggle"`); !closed {
		t.Errorf("Escape did not close the legend and give focus back to its button (focus on %s)", eval[string](t, ctx, focused))
	}
}

// The narration follows state().narration, but a screen reader hears at most
// one sentence every two seconds, and only when the words change.
func TestNarrationIsCalm(t *testing.T) {
	ctx := page(t, readyLimit+time.Minute)
	if err := chromedp.Do(ctx, chromedp.Navigate(shared.base+"index.html"), ready()); err != nil {
		t.Fatal(err)
	}
	// A program whose narration changes every call, and one that never changes.
	got := eval[[]float64](t, ctx, `new Promise(resolve => {
		const sim = document.getElementById("sim-frame").contentWindow.cpSim;
		const real = sim.state;
		let n = 0;
		sim.state = function () { const s = real.apply(this, arguments); s.narration = "sentence " + (n++); return s; };
		const el = document.getElementById("narration");
		let changes = 0;
		new MutationObserver(() => changes++).observe(el, {childList: true, characterData: true, subtree: true});
		setTimeout(() => {
			const busy = changes;
			sim.state = function () { const s = real.apply(this, arguments); s.narration = "the same words"; return s; };
			setTimeout(() => { const before = changes; setTimeout(() => { sim.state = real; resolve([busy, changes - before]); }, 3000); }, 2500);
		}, 6100);
	})`)
	if got[0] < 2 || got[0] > 4 {
		t.Errorf("in 6 s of ever-changing narration #narration changed %v times, want 2 to 4 (at most one every 2 s)", got[0])
	}
	if got[1] != 0 {
		t.Errorf("with unchanging narration #narration still changed %v times in 3 s", got[1])
	}
}

// Large text reaches the canvas: cpSim.setTextScale(1.5) when it goes on,
// 1 when it goes off, and the factor again after a new scenario loads.
func TestLargeTextScalesTheCanvas(t *testing.T) {
	ctx := page(t, readyLimit+time.Minute)
	if err := chromedp.Do(ctx, chromedp.Navigate(shared.base+"index.html"), ready()); err != nil {
		t.Fatal(err)
	}
	// Record the calls, passing them on to the program if it has the method.
	real := eval[bool](t, ctx, `(() => {
		const sim = `+cpSim+`, real = sim.setTextScale;
		window.textScales = [];
		sim.setTextScale = function (x) { window.textScales.push(x); if (real) return real.apply(this, arguments); };
		return typeof real === "function";
	})()`)
	click := func(want float64) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("large-text"))); err != nil {
			t.Fatal(err)
		}
		calls := eval[[]float64](t, ctx, `window.textScales`)
		if len(calls) == 0 || calls[len(calls)-1] != want {
			t.Errorf("after Large text: setTextScale calls %v, want the last %v", calls, want)
		}
		if real {
			if got := eval[float64](t, ctx, cpSim+`.state().textScale`); got != want {
				t.Errorf("state().textScale = %v, want %v", got, want)
			}
		}
	}
	click(1.5)
	eval[map[string]any](t, ctx, `window.textScales = [], window.playground.load("model=sync clients=5")`)
	if calls := eval[[]float64](t, ctx, `window.textScales`); len(calls) == 0 || calls[len(calls)-1] != 1.5 {
		t.Errorf("after a new load in large text: setTextScale calls %v, want 1.5 again", calls)
	}
	click(1)
	if !real {
		t.Log("cpSim.setTextScale is not in the program yet: checked the page's calls only")
	}
}

// windowShot saves what the window shows without scrolling as NAME.png.
func windowShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	saveShot(t, name, buf, err)
}

// Tab reaches every control of the page, and each one shows where focus is
// with an outline of at least 2 px.
func TestEveryTabStopShowsItsFocus(t *testing.T) {
	for _, c := range []struct{ url, ready string }{
		{"index.html", `window.playground && window.playground.ready`},
		{"embed.html", simReady},
		{"lessons/07-when-gevent-fails.html", lessonSim + ` && ` + lessonSim + `.ready`},
	} {
		t.Run(c.url, func(t *testing.T) {
			ctx := page(t, readyLimit+time.Minute)
			if err := chromedp.Do(ctx, chromedp.Navigate(shared.base+c.url), waitJS(c.ready, readyLimit),
				chromedp.Evaluate[chromedp.Void](`document.activeElement && document.activeElement.blur()`)); err != nil {
				t.Fatal(err)
			}
			seen, at := map[string]bool{}, map[float64]bool{}
			var order []string
			for range 120 {
				if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
					t.Fatal(err)
				}
				// A stop is known by its place in the document: a lesson has
				// many "Run this" buttons of one class.
				stop := eval[struct {
					Name, Style string
					Width, At   float64
					Body        bool
				}](t, ctx, `(() => { const a = document.activeElement; const cs = getComputedStyle(a);
					return {name: a.tagName.toLowerCase() + (a.id ? "#" + a.id : a.className ? "." + a.className : ""),
						at: [...document.querySelectorAll("*")].indexOf(a),
						style: cs.outlineStyle, width: parseFloat(cs.outlineWidth) || 0, body: a === document.body}; })()`)
				if stop.Body || at[stop.At] {
					break
				}
				at[stop.At], seen[stop.Name] = true, true
				order = append(order, stop.Name)
				if stop.Style == "none" || stop.Width < 2 {
					t.Errorf("%s: %s has focus but no visible outline (%s %.0f px)", c.url, stop.Name, stop.Style, stop.Width)
				}
			}
			want := []string{"button#play"}
			switch c.url {
			case "index.html":
				want = append(want, "select#model", "input#workers", "input#speed", "input#scenario-text", "button#large-text")
			case "embed.html":
				want = append(want, "button#legend-toggle", "a#open-playground")
			default:
				want = append(want, "button.cp-run", "input#speed", "button.cp-option", "summary")
			}
			for _, w := range want {
				if !seen[w] {
					t.Errorf("%s: Tab never reached %s; it went %s", c.url, w, strings.Join(order, " > "))
				}
			}
		})
	}
}

// If a module cannot load (here tables.js is missing), the page says so.
func TestMissingModuleSaysSo(t *testing.T) {
	for _, name := range []string{"index.html", "embed.html"} {
		t.Run(name, func(t *testing.T) {
			ctx := page(t, time.Minute)
			if err := chromedp.Do(ctx,
				chromedp.Navigate(shared.base+"__test/notables/"+name),
				chromedp.WaitVisible(chromedp.ID("alert")),
			); err != nil {
				t.Fatalf("no visible message when tables.js is missing: %v", err)
			}
			msg, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("alert-text")))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(msg, "could not load") {
				t.Errorf("alert %q should say the scripts could not load", msg)
			}
		})
	}
}
