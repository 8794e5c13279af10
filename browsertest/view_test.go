package browsertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"playground/engine"
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

// checkLabelWords fails when no label on the picture holds each of want.
func checkLabelWords(t *testing.T, rep labelReport, want ...string) {
	t.Helper()
	words := make([]string, len(rep.Rects))
	for i, r := range rep.Rects {
		words[i] = r.T
	}
	all := strings.Join(words, " | ")
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("no label says %q: %s", w, all)
		}
	}
}

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
		{"laptop-1366x768-jobs", 1366, 768, false, "index.html?model=gthread&workers=2&threads=4&background=3&calls=2&io=200ms&clients=40&think=200ms", false, 11},
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
			checkLabelWords(t, rep, "clients", "upstream", "worker")
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

// Input the parser allows but the page cannot hold is refused before it
// runs or paused with a notice; the page stays responsive and the next load
// works.
func TestHugeLoadsLeaveThePageResponsive(t *testing.T) {
	ctx := page(t, readyLimit+2*time.Minute)
	if err := chromedp.Do(ctx, chromedp.Navigate(shared.base+"index.html?model=sync&io=100ms&clients=5"), ready()); err != nil {
		t.Fatal(err)
	}
	res := eval[map[string]any](t, ctx, `window.playground.load("model=dev-threaded io=1s burst=1000000")`)
	if res["ok"] != false || res["key"] != "burst" || !strings.Contains(res["error"].(string), "cmd/sim") {
		t.Errorf("load(burst=1000000) = %v; want a refusal naming burst and the CLI", res)
	}
	res = eval[map[string]any](t, ctx, `(window.playground.load("model=asyncio io=1s rate=1000000"), document.querySelector("iframe").contentWindow.cpSim.setSpeed(100), {ok: true})`)
	// Ten round trips into the page while the flood runs: each must come back
	// quickly (a frozen tab would not answer at all within the limit).
	for i := 0; i < 10; i++ {
		c, cancel := context.WithTimeout(ctx, 20*time.Second)
		_, err := chromedp.Run(c, chromedp.Evaluate[float64](`window.playground.state().simSeconds`))
		cancel()
		if err != nil {
			t.Fatalf("the page stopped answering during rate=1000000: %v", err)
		}
		time.Sleep(300 * time.Millisecond)
	}
	if err := chromedp.Do(ctx, waitJS(`window.playground.state().paused && window.playground.state().notice.includes("Paused")`, time.Minute)); err != nil {
		t.Errorf("rate=1000000 never paused with a notice: %v (%v)", err, eval[string](t, ctx, `JSON.stringify(window.playground.state()).slice(0, 300)`))
	}
	shot(t, ctx, "view-flood-paused")
	res = eval[map[string]any](t, ctx, `window.playground.load("model=gevent io=100ms clients=10")`)
	if res["ok"] != true {
		t.Fatalf("the next load after the flood: %v", res)
	}
	if err := chromedp.Do(ctx, waitJS(`window.playground.state().completed > 0`, time.Minute)); err != nil {
		t.Errorf("the next scenario does not run: %v", err)
	}
}

// A request can be followed from the keyboard: the "Follow a request"
// button, pressed with Enter, shows a request's timeline.
func TestFollowARequestWithTheKeyboard(t *testing.T) {
	ctx := page(t, readyLimit+time.Minute)
	if err := chromedp.Do(ctx, chromedp.Navigate(shared.base+"index.html?model=gthread&threads=4&io=2s&clients=8"),
		ready(), waitJS(`window.playground.state().inFlight > 0`, time.Minute),
		chromedp.Focus(chromedp.ID("follow")), chromedp.KeyEvent(kb.Enter),
		waitJS(`!document.getElementById("selected-body").hidden`, 10*time.Second)); err != nil {
		t.Fatalf("Enter on Follow a request showed no timeline: %v", err)
	}
	if txt := eval[string](t, ctx, `document.getElementById("selected-text").textContent`); txt == "" {
		t.Errorf("the followed request's timeline says nothing")
	}
}

// A sweep in the URL draws capacity curves: its points run between frames,
// throughput rises with workers for sync, and playground.curves() has them.
func TestSweepDrawsCapacityCurves(t *testing.T) {
	ctx := page(t, readyLimit+3*time.Minute)
	start := time.Now()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(shared.base+"index.html?model=sync,gthread&threads=4&workers=1..8&io=100ms&clients=50&requests=2000&target=p99<800ms"),
		ready(), waitJS(`(s => s.sweep && s.sweep.done === s.sweep.total)(window.playground.state())`, 2*time.Minute)); err != nil {
		t.Fatalf("the sweep never finished: %v", err)
	}
	t.Logf("16 points of 2,000 requests in %.1f s (page load included)", time.Since(start).Seconds())
	curves := eval[[]struct {
		Label  string
		Points []struct{ X, ThroughputRps, P99Ms, ResidentMB float64 }
	}](t, ctx, `window.playground.curves()`)
	if len(curves) != 2 || len(curves[0].Points) != 8 {
		t.Fatalf("curves() = %+v; want 2 curves of 8 points", curves)
	}
	sync := curves[0].Points
	for i := 1; i < len(sync); i++ {
		if sync[i].ThroughputRps < 0.95*sync[i-1].ThroughputRps {
			t.Errorf("sync: throughput fell from %v to %v between workers=%v and %v", sync[i-1].ThroughputRps, sync[i].ThroughputRps, sync[i-1].X, sync[i].X)
		}
	}
	if sync[7].ThroughputRps < 3*sync[0].ThroughputRps {
		t.Errorf("sync: 8 workers serve %v req/s, 1 worker %v; want more than 3x", sync[7].ThroughputRps, sync[0].ThroughputRps)
	}
	if err := chromedp.Do(ctx, waitJS(`document.querySelectorAll("#curves-body tr").length === 16`, 10*time.Second)); err != nil {
		t.Errorf("the curves' table never had its 16 rows: %v", err)
	}
	// Once the sweep is done, the page's polls no longer fetch the same
	// curves from the program (and redraw them) four times a second.
	eval[bool](t, ctx, `(() => { const s = document.querySelector("iframe").contentWindow.cpSim, f = s.curves; window.__curvesCalls = 0;
		s.curves = (...a) => { window.__curvesCalls++; return f.apply(s, a); }; return true; })()`)
	if err := chromedp.Do(ctx, chromedp.Sleep(1500*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if n := eval[int](t, ctx, `window.__curvesCalls`); n > 0 {
		t.Errorf("the page fetched the finished sweep's curves %d times in 1.5 s; want none", n)
	}
	if err := chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.ID("curves"))); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "view-sweep-curves")
	// A point's Run button loads it as a live run.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#curves-body tr:nth-child(3) button`)),
		waitJS(`!window.playground.state().sweep && window.playground.state().scenario.includes("workers=3")`, 30*time.Second)); err != nil {
		t.Errorf("Run on a point did not load it: %v (%s)", err, eval[string](t, ctx, `window.playground.state().scenario`))
	}
}

// Typing a range into the scenario field gets the sweep's workers ready
// before Apply: their program is downloaded (once, for all of them) while
// the reader types, and the sweep then runs in them.
func TestTypingASweepPreparesItsWorkers(t *testing.T) {
	ctx := page(t, readyLimit+2*time.Minute)
	fetched := `[...document.querySelector("iframe").contentWindow.performance.getEntriesByType("resource")].filter(e => e.name.includes("sweepworker.wasm")).length`
	if err := chromedp.Do(ctx, chromedp.Navigate(shared.base+"index.html?model=sync&workers=2&io=100ms&clients=20"), ready()); err != nil {
		t.Fatal(err)
	}
	if n := eval[int](t, ctx, fetched); n != 0 {
		t.Fatalf("the page fetched the sweep workers' program %d times before any sweep", n)
	}
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.ID("scenario-text"), "model=sync io=100ms clients=20 requests=500 workers=1."),
		chromedp.SendKeys(chromedp.ID("scenario-text"), ".4"),
		waitJS(fetched+` === 1`, 30*time.Second)); err != nil {
		t.Fatalf("typing a range did not fetch the workers' program once: %v (fetched %d times)", err, eval[int](t, ctx, fetched))
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("scenario-text"), kb.Enter),
		waitJS(`(s => s.sweep && s.sweep.total === 4 && s.sweep.done === 4)(window.playground.state())`, time.Minute)); err != nil {
		t.Fatalf("the typed sweep never finished: %v", err)
	}
	if !eval[bool](t, ctx, `window.playground.state().sweep.workers`) {
		t.Error("the typed sweep ran without its workers")
	}
	if n := eval[int](t, ctx, fetched); n != 1 {
		t.Errorf("the page fetched the workers' program %d times; want once, shared by the workers", n)
	}
}

// A sweep whose workers' program cannot be downloaded still finishes: the
// workers report it, and the program runs the points itself.
func TestSweepRunsInTheProgramWhenItsWorkersCannotLoad(t *testing.T) {
	ctx := page(t, readyLimit+2*time.Minute)
	if err := chromedp.Do(ctx, chromedp.Navigate(shared.base+"index.html?model=sync&workers=2&io=100ms&clients=20"), ready(),
		chromedp.Evaluate[chromedp.Void](`(() => { const w = document.querySelector("iframe").contentWindow; const f = w.fetch.bind(w);
			w.fetch = (u, ...a) => String(u).includes("sweepworker") ? Promise.resolve(new Response("", {status: 404})) : f(u, ...a);
			window.playground.load("model=sync io=100ms clients=20 requests=500 workers=1..6"); })()`),
		waitJS(`(s => s.sweep && s.sweep.total === 6 && s.sweep.done === 6)(window.playground.state())`, time.Minute)); err != nil {
		t.Fatalf("the sweep never finished without its workers: %v (%+v)", err, eval[map[string]any](t, ctx, `window.playground.state().sweep`))
	}
	if eval[bool](t, ctx, `window.playground.state().sweep.workers`) {
		t.Error("state().sweep.workers is true, but the workers could not load")
	}
	if n := eval[int](t, ctx, `window.playground.curves()[0].points.length`); n != 6 {
		t.Errorf("curves() holds %d points; want 6", n)
	}
}

// The figure of issue 13's goal (reported, not asserted: the machine is
// shared): a 64-point sweep of 20,000 requests per point, from its load
// (the workers' start included) to its last point, and the longest stall
// of the page's frames while it runs. Chromium's trace of the page's
// thread tells whose a stall is: a task of 200 ms of wall time that used
// 20 ms of CPU waited for a core. Two peers run right after, so that the
// machine's load falls on them alike and the ratios mean something: the
// same sweep in the program alone (between its frames, no workers) and
// natively in this process (engine.RunSweep, one core).
func TestSweepSpeedFigure(t *testing.T) {
	const text = "model=sync,gevent workers=1..32 io=100ms clients=200 requests=20000"
	ctx := page(t, readyLimit+5*time.Minute)
	if err := chromedp.Do(ctx, chromedp.Navigate(shared.base+"index.html?model=sync&workers=2&io=100ms&clients=20"), ready()); err != nil {
		t.Fatal(err)
	}
	// Frames of the page (rAF) and the time until the last point; the
	// browser's CPU is read right before the load and as the last point
	// comes (polled every 20 ms), so that it holds the sweep alone.
	var cpuBefore, cpuAfter procCPU
	readCPU := func(into *procCPU) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(context.Context, *chromedp.Target) error { *into = browserCPU(); return nil })
	}
	run := func(setup string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(readCPU(&cpuBefore), chromedp.Evaluate[chromedp.Void](`(() => { const w = document.querySelector("iframe").contentWindow; `+setup+`
			window.__sweep = {max: 0, t0: performance.now(), end: 0, task: 0, tasks: 0, frames0: w.cpSim.frameStats().frames}; let last = performance.now();
			// Long tasks of the page and of its canvas frame, each seen once.
			const seen = new Set(), note = e => { const k = e.startTime + "/" + e.duration; if (seen.has(k)) return; seen.add(k);
				window.__sweep.task = Math.max(window.__sweep.task, e.duration); if (e.duration > 200) window.__sweep.tasks++; };
			const lts = [window, w].map(x => { const o = new x.PerformanceObserver(l => l.getEntries().forEach(note)); o.observe({type: "longtask"}); return o; });
			const f = now => { window.__sweep.max = Math.max(window.__sweep.max, now - last); last = now;
				const s = w.cpSim.state(); if (s.sweep && s.sweep.done === s.sweep.total) { window.__sweep.end = now; window.__sweep.frames = w.cpSim.frameStats().frames - window.__sweep.frames0;
					setTimeout(() => { lts.forEach(o => { o.takeRecords().forEach(note); o.disconnect(); }); window.__sweep.over = true; }, 0); return; }
				requestAnimationFrame(f); };
			requestAnimationFrame(f); window.playground.load(`+"`"+text+"`"+`); })()`),
			chromedp.Poll[chromedp.Void](`window.__sweep.end > 0`, chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(4*time.Minute)),
			readCPU(&cpuAfter), waitJS(`window.__sweep.over === true`, time.Minute))
	}
	seconds := func() float64 { return eval[float64](t, ctx, `(window.__sweep.end - window.__sweep.t0) / 1000`) }
	over200, maxCPU, maxCPUWall := mainTasks(traceDuring(t, ctx, run("")))
	cpu := cpuAfter.since(cpuBefore)
	secs, stall := seconds(), eval[float64](t, ctx, `window.__sweep.max`)
	longTask, longTasks := eval[float64](t, ctx, `window.__sweep.task`), eval[float64](t, ctx, `window.__sweep.tasks`)
	frames := eval[float64](t, ctx, `window.__sweep.frames`)
	workers := eval[string](t, ctx, `(s => (s.sweep.workers ? "workers=" : "in_the_program=") + navigator.hardwareConcurrency)(window.playground.state())`)
	byPage := eval[float64](t, ctx, `(p => p && p.taken ? p.taken() : -1)(document.querySelector("iframe").contentWindow.cpSweepPool)`)
	// The program alone: no pool, so the points run between its frames.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.playground.load("model=sync workers=2 io=100ms clients=20")`),
		run(`window.__pool = w.cpSweepPool; w.cpSweepPool = undefined;`)); err != nil {
		t.Fatalf("the sweep without workers never finished: %v", err)
	}
	alone := seconds()
	eval[bool](t, ctx, `(() => { document.querySelector("iframe").contentWindow.cpSweepPool = window.__pool; return true; })()`)
	sc, err := engine.ParseScenario(text)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	engine.RunSweep(sc, engine.Options{}, nil)
	native := time.Since(start).Seconds()
	load, _ := os.ReadFile("/proc/loadavg")
	line := fmt.Sprintf("sweep_points=64 requests_per_point=20000 seconds=%.2f longest_frame_gap_ms=%.0f pictures_drawn=%.0f longest_task_ms=%.0f long_tasks_over_200ms=%.0f main_thread_tasks_over_200ms=%d most_cpu_of_a_main_thread_task_ms=%.1f (its wall %.0f ms) %s points_ran=%s points_the_page_ran_beside_them=%.0f seconds_in_the_program_alone=%.2f speedup=%.2f seconds_natively_one_core=%.2f page_over_native=%.2f load=%s\n",
		secs, stall, frames, longTask, longTasks, over200, maxCPU, maxCPUWall, cpu, workers, byPage, alone, alone/secs, native, secs/native, strings.Join(strings.Fields(string(load))[:3], ","))
	t.Log(line)
	if err := os.WriteFile(filepath.Join(shared.shots, "sweep-speed.txt"), []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
}

// On a phone with large text on, nothing is wider than the screen.
func TestPhoneWithLargeTextHasNoSidewaysScroll(t *testing.T) {
	ctx := page(t, readyLimit+time.Minute)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Navigate(shared.base+"index.html?model=gthread&workers=2&threads=4&io=200ms&clients=40"), ready(),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("large-text").click()`),
		waitJS(`document.documentElement.classList.contains("large")`, 10*time.Second)); err != nil {
		t.Fatal(err)
	}
	wide := eval[string](t, ctx, `JSON.stringify([document.documentElement.scrollWidth, [...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > 391 && e.offsetParent !== null).slice(0, 8).map(e => e.tagName + "#" + e.id + "." + e.className)])`)
	if !strings.HasPrefix(wide, "[390,[]") {
		t.Errorf("width and elements wider than the 390 px screen: %s", wide)
	}
}

// A bad escape in the fragment does not stop the playground.
func TestBadFragmentStillStarts(t *testing.T) {
	ctx := page(t, readyLimit+time.Minute)
	if err := chromedp.Do(ctx, chromedp.Navigate(shared.base+"index.html?model=sync&io=100ms&clients=5#t=%E0&speed=%"),
		ready(), waitJS(`window.playground.state().completed > 0`, time.Minute)); err != nil {
		t.Fatalf("index.html with a bad fragment never ran: %v", err)
	}
}

// The figure of issue 9's seek benchmark in the page (reported, not
// asserted): a seek re-simulates from 0 to the moment, so going to 60 s of
// a 1,000-client run is the cost of any seek back to that moment.
func TestSeekFigure(t *testing.T) {
	ctx := page(t, readyLimit+3*time.Minute)
	if err := chromedp.Do(ctx, chromedp.Navigate(shared.base+"index.html?model=gthread&workers=4&threads=8&io=200ms&clients=1000"),
		ready()); err != nil {
		t.Fatal(err)
	}
	ms := eval[float64](t, ctx, `(() => { const sim = document.querySelector("iframe").contentWindow.cpSim; sim.setPaused(true);
		const t0 = performance.now(); const r = sim.seek(60); const t1 = performance.now();
		return r.ok && r.simSeconds === 60 ? t1 - t0 : -1; })()`)
	if ms < 0 {
		t.Fatal("seek(60) failed")
	}
	line := fmt.Sprintf("seek_to_s=60 clients=1000 ms=%.0f\n", ms)
	t.Log(line)
	if err := os.WriteFile(filepath.Join(shared.shots, "seek.txt"), []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
}

// While a sweep's points are computed the live picture holds still (its
// frames would take the CPU the points need), the curves' progress bar and
// status move as points arrive, and the picture moves again after the last
// one; the curves look the same on a phone, a laptop and a projector, and
// fit its width.
func TestSweepHoldsThePictureAndShowsProgress(t *testing.T) {
	const text = "model=sync,gevent workers=1..32 io=100ms clients=200 requests=5000"
	for _, size := range []struct {
		name   string
		w, h   int64
		mobile bool
	}{{"phone", 390, 844, true}, {"laptop", 1280, 800, false}, {"projector", 1920, 1080, false}} {
		t.Run(size.name, func(t *testing.T) {
			ctx := page(t, readyLimit+3*time.Minute)
			view := chromedp.EmulateViewport(size.w, size.h)
			if size.mobile {
				view = chromedp.EmulateViewport(size.w, size.h, chromedp.EmulateScale(2), chromedp.EmulateMobile)
			}
			if err := chromedp.Do(ctx, view, chromedp.Navigate(shared.base+"index.html?model=sync&workers=2&io=100ms&clients=20"), ready()); err != nil {
				t.Fatal(err)
			}
			// Each animation frame of the page notes the progress shown while
			// points are still missing, and the pictures painted meanwhile.
			eval[bool](t, ctx, `(() => { const w = document.querySelector("iframe").contentWindow;
				const r = window.__hold = {shown: [], frames0: w.cpSim.frameStats().frames, frames: -1};
				const f = () => { const s = w.cpSim.state(); if (!s.sweep) { requestAnimationFrame(f); return; }
					if (s.sweep.done < s.sweep.total) { const p = document.getElementById("curves-progress");
						r.shown.push(p.value + "/" + p.max + " " + document.getElementById("curves-status").textContent); requestAnimationFrame(f); return; }
					r.frames = w.cpSim.frameStats().frames; };
				requestAnimationFrame(f); window.playground.load(`+"`"+text+"`"+`); return true; })()`)
			if err := chromedp.Do(ctx, waitJS(`window.__hold.frames >= 0`, 2*time.Minute)); err != nil {
				t.Fatalf("the sweep never finished: %v", err)
			}
			shown := eval[[]string](t, ctx, `window.__hold.shown`)
			moved := slices.IndexFunc(shown, func(s string) bool {
				return !strings.HasPrefix(s, "0/") && strings.Contains(s, "the picture above waits")
			})
			if moved < 0 {
				t.Errorf("the progress bar never showed a point done while the sweep ran (the page showed %d states, first %q)", len(shown), shown[:min(1, len(shown))])
			}
			painted := eval[float64](t, ctx, `window.__hold.frames - window.__hold.frames0`)
			if painted > 3 {
				t.Errorf("the picture was painted %v times while the points were computed; want at most 3 (the new run, a resize)", painted)
			}
			if err := chromedp.Do(ctx, waitJS(`document.querySelector("iframe").contentWindow.cpSim.frameStats().frames > window.__hold.frames + 5`, 30*time.Second)); err != nil {
				t.Errorf("the picture did not move again after the sweep: %v", err)
			}
			if err := chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.ID("curves"))); err != nil {
				t.Fatal(err)
			}
			// The points' table scrolls in its own box; the page does not
			// scroll sideways (on a phone it made the page 778 px wide).
			if w := eval[float64](t, ctx, `document.documentElement.scrollWidth`); w > float64(size.w) {
				t.Errorf("with the curves' table the page is %v px wide in a %d px window", w, size.w)
			}
			shot(t, ctx, "sweep-curves-"+size.name)
		})
	}
}
