package browsertest

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Background jobs (background=N) are drawn beside the server: Redis's list
// with its count and the RQ workers, in words; the page shows their number
// and a chart of the list, which a lane without jobs does not.
func TestBackgroundJobsPicture(t *testing.T) {
	ctx := page(t, readyLimit+2*time.Minute)
	lane := `window.playground.state().lanes[0]`
	if err := chromedp.Do(ctx,
		chromedp.Navigate(shared.base+"index.html?model=gthread&workers=2&threads=4&background=3&calls=2&io=200ms&clients=40&think=200ms"),
		ready(),
		waitJS(lane+`.jobs && `+lane+`.jobs.queued > 5 && `+lane+`.jobs.finished > 0`, time.Minute),
		waitJS(`!document.getElementById("chart-jobs-figure").hidden`, 30*time.Second),
	); err != nil {
		t.Fatalf("the jobs never queued in the page: %v", err)
	}
	rep := eval[labelReport](t, ctx, labelsJS)
	checkDOMLabels(t, rep, 11)
	checkLabelWords(t, rep, "Redis list: ", "rq worker 1: ", "background jobs (RQ)")
	if n := eval[string](t, ctx, `document.getElementById("num-jobs-0").textContent`); !strings.Contains(n, " · ") {
		t.Errorf("the Background jobs number reads %q, want queued · finished · p99", n)
	}
	if nar := eval[string](t, ctx, `window.playground.state().narration`); !strings.Contains(nar, "Background jobs:") {
		t.Errorf("narration %q says nothing about the jobs", nar)
	}
	shot(t, ctx, "background-jobs")
	// On a phone the words stay readable and apart, and the page narrow.
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Navigate(shared.base+"index.html?model=gthread&workers=2&threads=4&background=3&calls=2&io=200ms&clients=40&think=200ms"),
		ready(),
		waitJS(lane+`.jobs && `+lane+`.jobs.queued > 5`, time.Minute),
	); err != nil {
		t.Fatal(err)
	}
	checkDOMLabels(t, eval[labelReport](t, ctx, labelsJS), 10)
	if w := eval[float64](t, ctx, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("page is %v px wide on a 390 px screen", w)
	}
	shot(t, ctx, "background-jobs-phone")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 1000)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(shared.base+"index.html?model=gthread&workers=2&threads=4&calls=2&io=200ms&clients=40"),
		ready(),
	); err != nil {
		t.Fatal(err)
	}
	if !eval[bool](t, ctx, `document.getElementById("chart-jobs-figure").hidden && document.getElementById("num-jobs-0").parentNode.hidden`) {
		t.Errorf("a lane without background jobs shows the jobs' chart or number")
	}
}
