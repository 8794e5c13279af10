package browsertest

import (
	"regexp"
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
	phone := eval[labelReport](t, ctx, labelsJS)
	checkDOMLabels(t, phone, 10)
	checkLabelWords(t, phone, "Redis") // the list's name, over its count
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

// agreeJS samples, 24 times 130 ms apart (out of step with the page's
// 250 ms poll), what the page shows of one thing in three places: the
// picture's "Redis list: N" and "background jobs (RQ): N finished", the
// Background jobs number ("queued · finished · p99") and the narration;
// and the requests the picture draws (cpSim.dots(), up to 50) beside the
// "In flight" number. It reads the page only: calling state() would
// refresh the words itself.
const agreeJS = `(async () => {
	const w = document.getElementById("sim-frame").contentWindow, d = w.document;
	const num = (s) => s === undefined ? -1 : Number(String(s).replace(/[^0-9]/g, ""));
	const out = [];
	for (let i = 0; i < 24; i++) {
		const words = [...d.querySelectorAll("#cp-labels span")].filter(s => s.style.display !== "none").map(s => s.textContent);
		const list = words.find(w => /^Redis/.test(w)) || "";
		const done = words.find(w => /^(background jobs \(RQ\)|RQ jobs)/.test(w)) || "";
		const n = document.getElementById("num-jobs-0").textContent.split(" · ");
		out.push({List: num(list.match(/[0-9][0-9,]*/)?.[0]), Done: num(done.match(/[0-9][0-9,]*/)?.[0]),
			NumList: num(n[0]), NumDone: num(n[1]), Narration: document.getElementById("narration").textContent,
			Dots: w.cpSim.dots().length, NumInFlight: num(document.getElementById("num-inflight-0").textContent)});
		await new Promise(r => setTimeout(r, 130));
	}
	return out;
})()`

// agreeSample is one of agreeJS's samples.
type agreeSample struct {
	List, Done, NumList, NumDone int
	Dots, NumInFlight            int
	Narration                    string
}

// The page says one number for one thing: Redis's list grows about 200 a
// second, and the picture's count of it and the page's number agree at
// every moment the test looks (both rewritten at the page's poll, from one
// snapshot), and so do the finished jobs; the requests drawn are the ones
// "In flight" counts (answered in 1-2 ms, they were drawn on the threads
// by a frame after the poll that read 0); the narration, which changes at
// most every 2 s, quotes none of these counts, only the server's sizes.
func TestPageSaysOneNumberForOneThing(t *testing.T) {
	ctx := page(t, readyLimit+2*time.Minute)
	lane := `window.playground.state().lanes[0]`
	if err := chromedp.Do(ctx,
		chromedp.Navigate(shared.base+"index.html?model=gthread&workers=2&threads=4&background=3&calls=2&io=200ms&clients=40&think=200ms"),
		ready(),
		waitJS(lane+`.jobs && `+lane+`.jobs.queued > 50 && `+lane+`.jobs.finished > 0`, time.Minute),
		waitJS(`document.getElementById("narration").textContent.includes("Background jobs")`, 30*time.Second),
	); err != nil {
		t.Fatalf("the jobs never queued in the page: %v", err)
	}
	samples := eval[[]agreeSample](t, ctx, agreeJS)
	// The sizes the narration may quote: workers, threads per worker and in
	// all, RQ workers.
	sizes := map[string]bool{"2": true, "4": true, "8": true, "3": true}
	digits := regexp.MustCompile(`[0-9][0-9,]*`)
	moved := false
	for i, s := range samples {
		if s.List < 0 || s.NumList < 0 || s.Done < 0 || s.NumDone < 0 {
			t.Fatalf("sample %d: a count is missing: %+v", i, s)
		}
		if s.List != s.NumList {
			t.Errorf("sample %d: the picture says %d jobs in Redis's list, the number %d", i, s.List, s.NumList)
		}
		if s.NumInFlight < 0 || s.Dots != min(50, s.NumInFlight) {
			t.Errorf("sample %d: the picture draws %d requests, the In flight number says %d", i, s.Dots, s.NumInFlight)
		}
		if s.Done != s.NumDone {
			t.Errorf("sample %d: the picture says %d jobs finished, the number %d", i, s.Done, s.NumDone)
		}
		for _, q := range digits.FindAllString(s.Narration, -1) {
			if !sizes[q] {
				t.Errorf("sample %d: the narration quotes %s, a count that moves faster than it is rewritten: %q", i, q, s.Narration)
			}
		}
		moved = moved || s.List != samples[0].List
	}
	if !moved {
		t.Errorf("Redis's list read %d in all %d samples: the page is not live", samples[0].List, len(samples))
	}
	t.Logf("Redis's list from %d to %d over %d samples; narration: %q", samples[0].List, samples[len(samples)-1].List, len(samples), samples[len(samples)-1].Narration)
}
