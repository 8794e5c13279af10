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
	var words []string
	for _, r := range rep.Rects {
		words = append(words, r.T)
	}
	all := strings.Join(words, "|")
	for _, want := range []string{"Redis list: ", "rq worker 1: ", "background jobs (RQ)"} {
		if !strings.Contains(all, want) {
			t.Errorf("no label with %q on the picture: %s", want, all)
		}
	}
	if n := eval[string](t, ctx, `document.getElementById("num-jobs-0").textContent`); !strings.Contains(n, " · ") {
		t.Errorf("the Background jobs number reads %q, want queued · finished · p99", n)
	}
	if nar := eval[string](t, ctx, `window.playground.state().narration`); !strings.Contains(nar, "Background jobs:") {
		t.Errorf("narration %q says nothing about the jobs", nar)
	}
	shot(t, ctx, "background-jobs")
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
