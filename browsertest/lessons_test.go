package browsertest

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// lessonSim is the program's API inside a lesson page's iframe.
const lessonSim = `document.getElementById("sim-frame").contentWindow.cpSim`

// Every lesson page loads, its text is there before the program, and
// clicking a card's "Run this" makes the live simulation run that card's
// scenario.
func TestLessonCardsLoadTheirScenario(t *testing.T) {
	if shared == nil {
		t.Skip("PLAYGROUND_BROWSER is not set")
	}
	pages, _ := filepath.Glob("../dist/lessons/*.html")
	var lessons []string
	for _, p := range pages {
		if filepath.Base(p) != "index.html" {
			lessons = append(lessons, filepath.Base(p))
		}
	}
	if len(lessons) < 12 {
		t.Fatalf("%d lesson pages in dist/lessons, want at least 12 (run ./scripts/build)", len(lessons))
	}
	ctx := page(t, readyLimit+time.Duration(len(lessons))*time.Minute)
	if err := chromedp.Do(ctx, chromedp.Navigate(shared.base+"lessons/index.html"),
		chromedp.WaitVisible(chromedp.CSS(".lesson-list li"))); err != nil {
		t.Fatalf("lessons index: %v", err)
	}
	if n := eval[float64](t, ctx, `document.querySelectorAll(".lesson-list li").length`); int(n) != len(lessons) {
		t.Errorf("the index lists %v lessons, want %d", n, len(lessons))
	}
	shot(t, ctx, "lessons-index")
	for i, name := range lessons {
		t.Run(name, func(t *testing.T) {
			if err := chromedp.Do(ctx,
				chromedp.Navigate(shared.base+"lessons/"+name),
				chromedp.WaitVisible(chromedp.CSS("main.lesson h1")),
			); err != nil {
				t.Fatal(err)
			}
			if n := eval[float64](t, ctx, `document.querySelectorAll(".cp-error").length`); n > 0 {
				t.Errorf("%s shows %v broken-block boxes", name, n)
			}
			cards := eval[float64](t, ctx, `document.querySelectorAll(".cp-run").length`)
			if cards == 0 {
				t.Fatalf("%s has no Run this button", name)
			}
			// Click the last visible card's button, so that it is not the
			// scenario the page may have loaded by itself.
			want := eval[string](t, ctx, `(() => { const b = [...document.querySelectorAll(".cp-run")].filter(b => b.offsetParent !== null).pop(); b.id = "card-under-test"; b.scrollIntoView(); return b.dataset.scenario; })()`)
			if err := chromedp.Do(ctx,
				waitJS(lessonSim+` && `+lessonSim+`.ready`, readyLimit),
				chromedp.Click(chromedp.ID("card-under-test")),
				waitJS(lessonSim+`.state().scenario === `+jsString(want), 30*time.Second),
				waitJS(lessonSim+`.state().simSeconds > 1`, time.Minute),
			); err != nil {
				got := eval[string](t, ctx, `(`+lessonSim+` && `+lessonSim+`.state().scenario) || "no simulation"`)
				t.Fatalf("clicking Run this on %q: the simulation runs %q: %v", want, got, err)
			}
			if i < 3 || i == len(lessons)-1 {
				shot(t, ctx, "lesson-"+strings.TrimSuffix(name, ".html"))
			}
		})
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

// On a lesson page a prediction reveals its explanation once answered, and
// an exercise is solved by running a scenario that meets its goal: the
// solution the lesson's tests already check in the engine.
func TestLessonPredictAndExercise(t *testing.T) {
	if shared == nil {
		t.Skip("PLAYGROUND_BROWSER is not set")
	}
	ctx := page(t, readyLimit+3*time.Minute)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(shared.base+"lessons/03-threads.html"),
		waitJS(lessonSim+` && `+lessonSim+`.ready`, readyLimit),
		chromedp.Evaluate[chromedp.Void](`localStorage.clear()`),
		chromedp.Click(chromedp.CSS(".cp-predict .cp-option")),
		chromedp.WaitVisible(chromedp.CSS(".cp-predict .cp-reveal")),
	); err != nil {
		t.Fatalf("answering a prediction did not reveal it: %v", err)
	}
	verdict, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".cp-predict .cp-verdict")))
	if err != nil || (!strings.HasPrefix(verdict, "Right") && !strings.HasPrefix(verdict, "Not quite")) {
		t.Errorf("verdict %q, %v; want Right or Not quite", verdict, err)
	}
	const solution = "model=gthread workers=4 threads=25 io=200ms clients=50"
	if err := chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`(() => {
			const ex = document.querySelector(".cp-exercise");
			ex.scrollIntoView();
			ex.querySelector(".cp-edit-text").value = `+jsString(solution)+`;
			ex.querySelector(".cp-edit-run").click();
		})()`),
		waitJS(lessonSim+`.state().scenario === `+jsString(solution), 30*time.Second),
		chromedp.Evaluate[chromedp.Void](lessonSim+`.setSpeed(4)`),
		waitJS(`document.querySelector(".cp-exercise").classList.contains("cp-solved")`, 2*time.Minute),
	); err != nil {
		status, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".cp-exercise .cp-exercise-status")))
		t.Fatalf("the lesson's own solution did not solve its exercise: %v (status %q)", err, status)
	}
	if saved := eval[string](t, ctx, `Object.keys(localStorage).filter(k => k.includes(":exercise:")).join(",")`); saved == "" {
		t.Errorf("a solved exercise was not remembered in localStorage")
	}
	shot(t, ctx, "lesson-exercise-solved")
}

// A sweep card runs its sweep in the lesson's page and fills a table of its
// points as they finish, the cheapest that meets the goal marked, with the
// values the lesson's tests check in the engine.
func TestLessonSweepCard(t *testing.T) {
	if shared == nil {
		t.Skip("PLAYGROUND_BROWSER is not set")
	}
	ctx := page(t, readyLimit+3*time.Minute)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(shared.base+"lessons/15-choosing.html"),
		waitJS(lessonSim+` && `+lessonSim+`.ready`, readyLimit),
		chromedp.Evaluate[chromedp.Void](`document.querySelector(".cp-sweep").scrollIntoView()`),
	); err != nil {
		t.Fatal(err)
	}
	// In view, the card gets the sweep's workers ready before its Run.
	if err := chromedp.Do(ctx, waitJS(`[...document.getElementById("sim-frame").contentWindow.performance.getEntriesByType("resource")].some(e => e.name.includes("sweepworker.wasm"))`, 30*time.Second)); err != nil {
		t.Errorf("the sweep card came into view and the workers' program was not fetched: %v", err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`document.querySelector(".cp-sweep .cp-run").click()`),
		waitJS(`document.querySelectorAll(".cp-sweep .cp-sweep-table tbody tr").length === 16`, 2*time.Minute),
	); err != nil {
		t.Fatalf("the sweep card never showed its 16 points: %v (%s)", err, eval[string](t, ctx, `document.querySelector(".cp-sweep .cp-sweep-points").textContent`))
	}
	cheapest := eval[string](t, ctx, `[...document.querySelectorAll(".cp-sweep tr.cp-cheapest td")].slice(0, 2).map(td => td.textContent).join(" ")`)
	if cheapest != "model=gthread threads=8 4" {
		t.Errorf("the marked row reads %q; want gthread's workers=4, as the lesson claims (expect 2:cheapest == 4)", cheapest)
	}
	for _, v := range runAxe(t, ctx, axeSource(t)) { // the filled table too
		t.Errorf("axe-core %s (%s): %s: %v", v.ID, v.Impact, v.Help, v.Nodes)
	}
	if err := chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.CSS(".cp-sweep .cp-sweep-table"))); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "lesson-sweep-card")
}

// The live column of a lesson holds its parts apart at a laptop's size,
// with a card title of two lines and three lanes' narration: no part is
// shorter than its text (the column scrolls instead), so none overlaps the
// next.
func TestLessonColumnPartsDoNotOverlap(t *testing.T) {
	ctx := page(t, readyLimit+2*time.Minute)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800),
		chromedp.Navigate(shared.base+"lessons/17-node.html"),
		waitJS(lessonSim+` && `+lessonSim+`.ready`, readyLimit),
		chromedp.Evaluate[chromedp.Void](`document.querySelectorAll(".cp-run")[1].click()`),
		waitJS(`document.getElementById("narration").textContent.length > 150`, time.Minute),
	); err != nil {
		t.Fatalf("the card's run never narrated: %v", err)
	}
	parts := eval[[]map[string]any](t, ctx, `[...document.querySelector(".lesson-sim").children].filter(e => !e.hidden).map(e => {
		const r = e.getBoundingClientRect();
		return {id: e.id || e.className, top: r.top, bottom: r.bottom, inner: e.scrollHeight, box: e.clientHeight};
	})`)
	for i, p := range parts {
		if p["inner"].(float64) > p["box"].(float64)+1 {
			t.Errorf("%v is %v px high for %v px of content", p["id"], p["box"], p["inner"])
		}
		if i > 0 && parts[i-1]["bottom"].(float64) > p["top"].(float64)+0.5 {
			t.Errorf("%v (bottom %v) overlaps %v (top %v)", parts[i-1]["id"], parts[i-1]["bottom"], p["id"], p["top"])
		}
	}
	shot(t, ctx, "lesson-column-1280x800")
}

// A lesson page has the playground's room keys for its simulation: Space
// pauses and plays, the arrows move the run, "?" lists the keys, and "p"
// turns presenter mode on (large text, the picture's too) with the page
// still scrolling to the next card; Escape leaves it.
func TestLessonKeysAndPresenterMode(t *testing.T) {
	ctx := page(t, readyLimit+2*time.Minute)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(shared.base+"lessons/03-threads.html"),
		chromedp.WaitVisible(chromedp.CSS("main.lesson h1")),
		chromedp.Evaluate[chromedp.Void](`document.querySelector(".cp-run").click()`),
		waitJS(lessonSim+` && `+lessonSim+`.ready && `+lessonSim+`.state().simSeconds > 2 && !`+lessonSim+`.state().paused`, readyLimit),
		chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`),
		chromedp.KeyEvent(" "),
		waitJS(lessonSim+`.state().paused`, 10*time.Second)); err != nil {
		t.Fatalf("Space did not pause the lesson's simulation: %v", err)
	}
	before := eval[float64](t, ctx, lessonSim+`.state().simSeconds`)
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowLeft),
		waitJS(`Math.abs(`+lessonSim+`.state().simSeconds - (`+strconv.FormatFloat(before, 'f', -1, 64)+` - 1)) < 0.05`, 10*time.Second)); err != nil {
		t.Errorf("← did not move the run back a second from %v: now %v (%v)", before, eval[float64](t, ctx, lessonSim+`.state().simSeconds`), err)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent("?"), waitJS(`document.getElementById("keys-help").open`, 5*time.Second),
		chromedp.KeyEvent(kb.Escape), waitJS(`!document.getElementById("keys-help").open`, 5*time.Second)); err != nil {
		t.Errorf("? did not open the list of keys, or Escape did not close it: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent("p"),
		waitJS(`document.documentElement.classList.contains("present") && location.hash.includes("present")`, 5*time.Second)); err != nil {
		t.Fatalf("p did not turn presenter mode on: %v", err)
	}
	size := eval[float64](t, ctx, `parseFloat(getComputedStyle(document.querySelector("main.lesson p")).fontSize)`)
	if size < 20 {
		t.Errorf("the lesson's text is %v px in presenter mode; want it large (at least 20 px)", size)
	}
	if !eval[bool](t, ctx, `(() => { const y = scrollY; scrollBy(0, 400); return scrollY > y; })()`) {
		t.Error("the lesson page does not scroll in presenter mode")
	}
	shot(t, ctx, "lesson-presenter")
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Escape),
		waitJS(`!document.documentElement.classList.contains("present")`, 5*time.Second)); err != nil {
		t.Errorf("Escape did not leave presenter mode: %v", err)
	}
	for _, v := range runAxe(t, ctx, axeSource(t)) {
		t.Errorf("axe-core %s (%s): %s: %v", v.ID, v.Impact, v.Help, v.Nodes)
	}
}
