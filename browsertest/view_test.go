package browsertest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// domLabel is a label of the picture as the browser laid it out.
type domLabel struct {
	T          string
	X, Y, W, H float64
	Px         float64
}

type labelReport struct {
	W, H  float64 // the canvas page
	Go    int     // labels the program placed (cpSim.labels())
	Rects []domLabel
}

// labelsJS measures the picture's words in the canvas iframe inside the
// page: what the reader sees, not what the program meant.
const labelsJS = `(() => {
	const f = document.querySelector("iframe#sim-frame");
	const w = f.contentWindow, d = w.document;
	const spans = [...d.querySelectorAll("#cp-labels span")].filter(s => s.style.display !== "none" && s.textContent);
	return {W: d.documentElement.clientWidth, H: d.documentElement.clientHeight, Go: w.cpSim.labels().length,
		Rects: spans.map(s => { const r = s.getBoundingClientRect();
			return {T: s.textContent, X: r.x, Y: r.y, W: r.width, H: r.height, Px: parseFloat(w.getComputedStyle(s).fontSize)}; })};
})()`

// checkDOMLabels fails when a label is smaller than minPx, leaves the
// canvas, or overlaps another, as the browser drew them.
func checkDOMLabels(t *testing.T, rep labelReport, minPx float64) {
	t.Helper()
	if len(rep.Rects) < 8 || len(rep.Rects) != rep.Go {
		t.Fatalf("%d labels shown, the program placed %d; want the same, and words on every region", len(rep.Rects), rep.Go)
	}
	const e = 0.5
	for i, a := range rep.Rects {
		if a.Px < minPx {
			t.Errorf("label %q is %v px, want at least %v", a.T, a.Px, minPx)
		}
		if a.X < -e || a.Y < -e || a.X+a.W > rep.W+e || a.Y+a.H > rep.H+e {
			t.Errorf("label %q at %.1f,%.1f %.1fx%.1f leaves the %vx%v canvas", a.T, a.X, a.Y, a.W, a.H, rep.W, rep.H)
		}
		for _, b := range rep.Rects[:i] {
			if a.X+e < b.X+b.W && b.X+e < a.X+a.W && a.Y+e < b.Y+b.H && b.Y+e < a.Y+a.H {
				t.Errorf("labels %q and %q overlap on screen", a.T, b.T)
			}
		}
	}
}

// The picture's words are readable at the four sizes the pages are used at,
// as the browser lays them out (the real font, not the layout's estimate).
func TestPictureWordsAtEverySize(t *testing.T) {
	tests := []struct {
		name   string
		w, h   int64
		mobile bool
		url    string
		large  bool
		minPx  float64
	}{
		{"phone-390x844", 390, 844, true, "index.html?model=gthread&workers=2&threads=4&io=200ms&clients=40", false, 11},
		{"embed-400x300", 400, 300, false, "embed.html?model=sync,gevent&io=200ms&clients=40", false, 10},
		{"laptop-1280x800", 1280, 800, false, "index.html?model=gthread,asyncio&io=200ms&clients=40", false, 11},
		{"projector-1920x1080-large", 1920, 1080, false, "index.html?model=sync,gthread,gevent&io=300ms&clients=60", true, 13},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := page(t, readyLimit+time.Minute)
			opts := []chromedp.EmulateViewportOption{}
			if tt.mobile {
				opts = append(opts, chromedp.EmulateScale(2), chromedp.EmulateMobile)
			}
			steps := []chromedp.Action[chromedp.Void]{
				chromedp.EmulateViewport(tt.w, tt.h, opts...),
				chromedp.Navigate(shared.base + tt.url),
				waitJS(`(() => { try { return document.querySelector("iframe#sim-frame").contentWindow.cpSim.state().simSeconds > 1.5; } catch (e) { return false; } })()`, readyLimit),
			}
			if tt.large {
				// Large text may be on already: the browser profile remembers it.
				steps = append(steps, chromedp.Evaluate[chromedp.Void](`(b => { if (b.getAttribute("aria-pressed") !== "true") b.click(); })(document.getElementById("large-text"))`),
					waitJS(cpSim+`.state().textScale > 1`, 30*time.Second), chromedp.Sleep(300*time.Millisecond))
			}
			if err := chromedp.Do(ctx, steps...); err != nil {
				t.Fatal(err)
			}
			rep := eval[labelReport](t, ctx, labelsJS)
			checkDOMLabels(t, rep, tt.minPx)
			var words []string
			for _, r := range rep.Rects {
				words = append(words, r.T)
			}
			all := strings.Join(words, " | ")
			for _, want := range []string{"clients", "upstream", "worker"} {
				if !strings.Contains(all, want) {
					t.Errorf("no label says %q: %s", want, all)
				}
			}
			shot(t, ctx, "view-"+tt.name)
		})
	}
}

// The canvas is a picture, not a control: it has a role and a name, and no
// tab stop.
func TestCanvasIsAPictureWithoutATabStop(t *testing.T) {
	ctx := page(t, readyLimit+time.Minute)
	if err := chromedp.Do(ctx, chromedp.Navigate(shared.base+"canvas.html"),
		waitJS(`!!document.querySelector("canvas") && !!window.cpSim`, readyLimit)); err != nil {
		t.Fatal(err)
	}
	got := eval[string](t, ctx, `(() => { const c = document.querySelector("canvas");
		return [c.getAttribute("tabindex"), c.getAttribute("role"), !!c.getAttribute("aria-label")].join(","); })()`)
	if got != ",img,true" {
		t.Errorf("canvas tabindex,role,named = %q, want no tabindex, role img and a name", got)
	}
}

// With reduced motion asked for, the program knows it (and the view then
// moves dots in one jump; scene's tests check the jump).
func TestReducedMotionReachesTheProgram(t *testing.T) {
	ctx := page(t, readyLimit+time.Minute)
	reduce := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}}})
		return err
	})
	if err := chromedp.Do(ctx, reduce, chromedp.Navigate(shared.base+"index.html?model=gevent&io=200ms&clients=20"),
		ready(), waitJS(cpSim+`.state().reducedMotion === true`, 30*time.Second)); err != nil {
		t.Fatalf("prefers-reduced-motion never reached the program: %v", err)
	}
}

// The narration says in words where the time goes, and changes when a call
// that cannot yield blocks the loop.
func TestNarrationFollowsTheSituation(t *testing.T) {
	ctx := page(t, readyLimit+2*time.Minute)
	if err := chromedp.Do(ctx, chromedp.Navigate(shared.base+"index.html?model=asyncio&io=300ms&clients=20"),
		ready(), waitJS(cpSim+`.state().simSeconds > 1`, time.Minute)); err != nil {
		t.Fatal(err)
	}
	free := eval[string](t, ctx, cpSim+`.state().narration`)
	if !strings.Contains(free, "upstream") || strings.Contains(free, "blocked") {
		t.Errorf("a free loop's narration = %q; want where requests wait (the upstream), no block", free)
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.playground.load("model=asyncio io=300ms blocking=true clients=20")`, chromedp.EvalAwaitPromise),
		waitJS(cpSim+`.state().simSeconds > 1`, time.Minute),
		waitJS(`(document.getElementById("narration") || {}).textContent.includes("blocked")`, 30*time.Second)); err != nil {
		t.Fatalf("the narration never said the loop is blocked: %v (program: %q, page: %q)", err,
			eval[string](t, ctx, cpSim+`.state().narration`), eval[string](t, ctx, `(document.getElementById("narration") || {}).textContent || ""`))
	}
	live := eval[string](t, ctx, `document.getElementById("narration").getAttribute("aria-live")`)
	if live != "polite" {
		t.Errorf("#narration aria-live = %q, want polite", live)
	}
	shot(t, ctx, "view-narration-blocked")
}

// What a reader with deuteranopia sees of the states (looked at, not
// asserted: the colours' distances are tested in the scene package).
func TestDeuteranopiaScreenshot(t *testing.T) {
	ctx := page(t, readyLimit+time.Minute)
	vision := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedVisionDeficiency, emulation.SetEmulatedVisionDeficiencyParams{Type: emulation.SetEmulatedVisionDeficiencyTypeDeuteranopia})
		return err
	})
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800), vision,
		chromedp.Navigate(shared.base+"index.html?model=gthread,gevent&threads=4&io=300ms&cpu=10ms&clients=60&backlog=8"),
		ready(), waitJS(cpSim+`.state().simSeconds > 2`, time.Minute)); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "view-deuteranopia")
}
