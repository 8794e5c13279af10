package browsertest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"playground/site"
)

// env is the server and browser shared by the tests of one run.
type env struct {
	base  string // http://127.0.0.1:PORT/
	shots string // folder for screenshots
	alloc context.Context
}

var shared *env

func TestMain(m *testing.M) {
	if os.Getenv("PLAYGROUND_BROWSER") == "" {
		fmt.Println("browsertest: PLAYGROUND_BROWSER is not set; skipping (./scripts/test sets it)")
		os.Exit(m.Run())
	}
	e, cleanup, err := setup()
	if err != nil {
		fmt.Fprintln(os.Stderr, "browsertest:", err)
		os.Exit(1)
	}
	shared = e
	code := m.Run()
	cleanup()
	os.Exit(code)
}

func setup() (*env, func(), error) {
	dist, err := filepath.Abs("../dist")
	if err != nil {
		return nil, nil, err
	}
	if _, err := os.Stat(filepath.Join(dist, "main.wasm")); err != nil {
		return nil, nil, fmt.Errorf("no built site in %s (run ./scripts/build): %v", dist, err)
	}
	browser, err := exec.LookPath("chromium")
	if err != nil {
		return nil, nil, fmt.Errorf("Debian's chromium is not installed (apt-get install chromium): %v", err)
	}
	h, err := site.NewHandler(dist)
	if err != nil {
		return nil, nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/", h)
	// A page that embeds embed.html, as a blog post would (test only).
	mux.HandleFunc("/__test/host.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, hostPage)
	})
	// An article with buttons before and after an embed (test only).
	mux.HandleFunc("/__test/article.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, articlePage)
	})
	// Articles that embed the playground (test only; embed_test.go).
	for name, body := range testPages {
		mux.HandleFunc("/__test/"+name, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, body)
		})
	}
	// The site again, without its generated tables.js (test only).
	mux.Handle("/__test/notables/", http.StripPrefix("/__test/notables", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/tables.js" {
			http.NotFound(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})))
	// The site again, with a main.wasm that is not WebAssembly (test only).
	mux.Handle("/__test/broken/", http.StripPrefix("/__test/broken", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/main.wasm" || r.URL.Path == "/main.wasm.gz" {
			w.Header().Set("Content-Type", "application/wasm")
			fmt.Fprint(w, "this is not a wasm module")
			return
		}
		h.ServeHTTP(w, r)
	})))
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	shots := os.Getenv("PLAYGROUND_SHOTS")
	if shots == "" {
		shots = filepath.Join(dist, "..", "test-shots")
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		return nil, nil, err
	}
	profile, err := os.MkdirTemp("", "browsertest-profile")
	if err != nil {
		return nil, nil, err
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(browser),
		chromedp.UserDataDir(profile),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("enable-unsafe-swiftshader", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1400, 1000),
	}
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	e := &env{base: "http://" + ln.Addr().String() + "/", shots: shots, alloc: alloc}
	return e, func() { cancel(); srv.Close(); os.RemoveAll(profile) }, nil
}

// page opens a new tab; the test fails if the tab takes longer than limit
// in all (a bound that keeps a broken page from hanging CI, not a speed check).
func page(t *testing.T, limit time.Duration) context.Context {
	t.Helper()
	if shared == nil {
		t.Skip("PLAYGROUND_BROWSER is not set")
	}
	ctx, cancel := chromedp.NewContext(shared.alloc)
	t.Cleanup(cancel)
	// Every test starts with the site's storage empty: the browsers of a run
	// share a profile, and a setting one test left (large text, a solved
	// exercise) must not change the next.
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, storage.ClearDataForOrigin, storage.ClearDataForOriginParams{
			Origin: strings.TrimSuffix(shared.base, "/"), StorageTypes: "all"})
		return err
	})); err != nil {
		t.Fatalf("clearing the site's storage: %v", err)
	}
	ctx, cancel2 := context.WithTimeout(ctx, limit)
	t.Cleanup(cancel2)
	return ctx
}

// waitJS polls expr until it is true, for at most limit.
func waitJS(expr string, limit time.Duration) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingInterval(200*time.Millisecond), chromedp.WithPollingTimeout(limit))
}

// ready waits for the playground to say it is ready.
func ready() chromedp.Action[chromedp.Void] {
	return waitJS(`window.playground && window.playground.ready === true`, readyLimit)
}

// eval evaluates expr and returns its value (awaited, if it is a promise).
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// shot saves a screenshot of the whole page as NAME.png.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	saveShot(t, name, buf, err)
}

// saveShot writes a screenshot taken with error err as NAME.png.
func saveShot(t *testing.T, name string, buf []byte, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(shared.shots, name+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// state reads window.playground.state() as a map.
func state(t *testing.T, ctx context.Context) map[string]any {
	t.Helper()
	return eval[map[string]any](t, ctx, `window.playground.state()`)
}

// cpSim is the program's API inside the playground's iframe.
const cpSim = `document.querySelector("iframe").contentWindow.cpSim`

const readyLimit = 4 * time.Minute // a cold .wasm compile on a loaded machine

func TestPlaygroundLoadsAndASliderChangesTheRun(t *testing.T) {
	ctx := page(t, readyLimit+2*time.Minute)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(shared.base+"index.html?model=gthread&workers=2&threads=4&io=200ms&clients=40"),
		ready(),
		waitJS(`window.playground.state().simSeconds > 2`, time.Minute),
	); err != nil {
		t.Fatalf("the page never became ready: %v", err)
	}
	before := state(t, ctx)
	if !strings.Contains(before["scenario"].(string), "workers=2") {
		t.Fatalf("scenario = %v, want the URL's workers=2", before["scenario"])
	}
	if before["completed"].(float64) == 0 {
		t.Fatalf("nothing completed after 2 simulated seconds: %v", before)
	}
	shot(t, ctx, "playground")

	// Move the workers slider two steps with the keyboard while the run
	// goes on: the running server takes it (workers@T=...), time goes on,
	// and the URL records the change.
	t0 := eval[float64](t, ctx, `window.playground.state().simSeconds`)
	if err := chromedp.Do(ctx,
		chromedp.Focus(chromedp.ID("workers")),
		chromedp.KeyEvent(kb.ArrowRight),
		chromedp.KeyEvent(kb.ArrowRight),
		waitJS(`/workers@[0-9.]+s=4/.test(window.playground.state().scenario)`, 30*time.Second),
	); err != nil {
		t.Fatalf("the workers slider did not reach the running simulation: %v (scenario %v)", err, state(t, ctx)["scenario"])
	}
	if t1 := eval[float64](t, ctx, `window.playground.state().simSeconds`); t1 < t0 {
		t.Errorf("after the slider simulated time went from %.1f s back to %.1f s; want it to go on", t0, t1)
	}
	if err := chromedp.Do(ctx, waitJS(`window.playground.state().simSeconds > `+fmt.Sprint(t0+2), time.Minute)); err != nil {
		t.Fatal(err)
	}
	url := eval[string](t, ctx, `decodeURIComponent(location.search)`)
	shown, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("workers-value")))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`workers@[0-9.]+s=4`).MatchString(url) || strings.TrimSpace(shown) != "4" || !strings.Contains(url, "workers=2") {
		t.Errorf("after the slider: URL %q, shown value %q; want workers=2 and workers@T=4 in the URL, 4 shown", url, shown)
	}
	after := state(t, ctx)
	lane := after["lanes"].([]any)[0].(map[string]any)
	// 4 workers x 4 threads = 16 threads: 40 clients keep them busy.
	if after["inFlight"].(float64) < 1 || lane["upstream"].(float64) > 16 {
		t.Errorf("after the slider: %v in flight, %v upstream calls; want some, at most 16", after["inFlight"], lane["upstream"])
	}
	// Back to 3 s: the state equals a fresh run paused at 3 s.
	// The session (with its change) replayed from a fresh load gives the same
	// numbers at 3 s as a seek back to 3 s.
	const at3 = `(() => { const s = window.playground.state(); return JSON.stringify([s.simSeconds, s.lanes[0].completed, s.lanes[0].inFlight, s.lanes[0].queue]); })()`
	seeked := eval[map[string]any](t, ctx, `(window.playground.seek(3), document.querySelector("iframe").contentWindow.cpSim.setPaused(true), window.playground.seek(3))`)
	got := eval[string](t, ctx, at3)
	scenario := eval[string](t, ctx, `window.playground.state().scenario`)
	fresh := eval[string](t, ctx, `(window.playground.load(`+strconv.Quote(scenario)+`), window.playground.seek(3), `+at3+`)`)
	if seeked["ok"] != true || got != fresh {
		t.Errorf("seek(3) = %v, state %s; a fresh load of %q sought to 3 s: %s", seeked, got, scenario, fresh)
	}
	shot(t, ctx, "playground-workers-4")
}

func TestBadURLShowsAMessageAndRunsTheDefault(t *testing.T) {
	ctx := page(t, readyLimit+time.Minute)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(shared.base+"index.html?model=gthread&workers=zero&io=300ms"),
		ready(),
		chromedp.WaitVisible(chromedp.ID("alert")),
	); err != nil {
		t.Fatalf("no visible message for a bad URL: %v", err)
	}
	alert, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("alert")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(alert, "workers") || !strings.Contains(alert, "zero") {
		t.Errorf("alert %q should name the key and the value", alert)
	}
	if !strings.Contains(alert, "Scenario text") || !strings.Contains(alert, "Apply") {
		t.Errorf("alert %q should say what to do next: correct the text in the Scenario text box and press Apply", alert)
	}
	if err := chromedp.Do(ctx, waitJS(`window.playground.state().completed > 0`, time.Minute)); err != nil {
		t.Fatalf("the default scenario does not run after a bad URL: %v", err)
	}
	// The URL's text waits in the field with its error beside it; corrected
	// and applied, it runs.
	field := eval[string](t, ctx, `document.getElementById("scenario-text").value`)
	fieldErr := eval[string](t, ctx, `(e => e.hidden ? "" : e.textContent)(document.getElementById("scenario-error"))`)
	if !strings.Contains(field, "workers=zero") || !strings.Contains(fieldErr, "zero") {
		t.Errorf("after a bad URL the scenario field holds %q with the error %q; want the URL's text and what is wrong with it", field, fieldErr)
	}
	shot(t, ctx, "bad-url")
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("scenario-text"), strings.Replace(field, "workers=zero", "workers=3", 1)),
		chromedp.Click(chromedp.ID("scenario-apply")),
		waitJS(`/workers=3/.test(window.playground.state().scenario) && document.getElementById("scenario-error").hidden`, 30*time.Second),
	); err != nil {
		t.Errorf("the corrected text did not run: %v (scenario %v)", err, state(t, ctx)["scenario"])
	}
}

// The traps are visible, not only counted: CPU-bound threads queue for the
// GIL, and a call gevent cannot patch blocks the worker's hub.
func TestTrapsAreVisible(t *testing.T) {
	ctx := page(t, readyLimit+2*time.Minute)
	lane := `window.playground.state().lanes[0]`
	if err := chromedp.Do(ctx,
		chromedp.Navigate(shared.base+"index.html?model=gthread&threads=4&cpu=30ms&calls=0&clients=8"),
		ready(),
		waitJS(lane+`.states["wait-gil"] > 0 && `+lane+`.states.cpu === 1`, time.Minute),
	); err != nil {
		t.Fatalf("CPU-bound threads never showed one thread on CPU and others waiting for the GIL: %v", err)
	}
	shot(t, ctx, "trap-gil")
	// A new tab of the same browser: polling a page while the same tab
	// navigates away can land on the old page's context as it goes
	// ("Cannot find context").
	ctx, cancel := chromedp.NewContext(ctx)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(shared.base+"index.html?model=gevent&io=300ms&blocking=true&clients=20&timeout=0s"),
		ready(),
		waitJS(lane+`.blockedWorkers === 1 && `+lane+`.states.blocked === 1`, time.Minute),
	); err != nil {
		t.Fatalf("a blocking call never showed as a blocked worker: %v", err)
	}
	shot(t, ctx, "trap-blocked-hub")
}

// A .wasm that fails to load is a visible message, not a blank page.
func TestBrokenWasmSaysSo(t *testing.T) {
	ctx := page(t, 2*time.Minute)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(shared.base+"__test/broken/index.html"),
		chromedp.WaitVisible(chromedp.ID("alert")),
	); err != nil {
		t.Fatalf("no visible message when main.wasm is broken: %v", err)
	}
	msg, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("alert")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.ToLower(msg), "wasm") && !strings.Contains(strings.ToLower(msg), "load") {
		t.Errorf("alert %q should say that the program failed to load", msg)
	}
	if phase := eval[string](t, ctx, `document.querySelector("iframe").contentWindow.cpLoad.phase`); phase != "failed" {
		t.Errorf("cpLoad.phase = %q, want failed", phase)
	}
	shot(t, ctx, "broken-wasm")
}

func TestClickingADotShowsItsTimeline(t *testing.T) {
	ctx := page(t, readyLimit+time.Minute)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(shared.base+"index.html?model=gthread&workers=2&threads=4&io=2s&clients=40"),
		ready(),
		waitJS(`window.playground.state().simSeconds > 3`, time.Minute),
		chromedp.Evaluate[chromedp.Void](cpSim+`.setPaused(true)`),
	); err != nil {
		t.Fatal(err)
	}
	// Ask the program where a dot is, then click there, in page coordinates.
	pos := eval[[]float64](t, ctx, `(() => {
		const r = document.querySelector("iframe").getBoundingClientRect();
		const d = `+cpSim+`.dots();
		return d.length ? [r.left + d[0][0], r.top + d[0][1]] : [];
	})()`)
	if len(pos) != 2 {
		t.Fatalf("no dot to click")
	}
	if err := chromedp.Do(ctx,
		chromedp.MouseClickXY(pos[0], pos[1]),
		waitJS(`(() => { const s = `+cpSim+`.selected(); return s !== null && s.segments.length > 0; })()`, 30*time.Second),
	); err != nil {
		t.Fatalf("clicking a dot selected nothing: %v", err)
	}
	shot(t, ctx, "clicked-request")
}

// TestFrameCost measures the Go side of a frame (Update + Draw) with
// thousands of requests in flight, in the page, as wall time
// (cpSim.frameStats), and then each animation frame's CPU time from
// Chromium's trace, with the machine's load beside them. It reports the
// figures; it is a benchmark, not a pass/fail speed check.
func TestFrameCost(t *testing.T) {
	ctx := page(t, readyLimit+3*time.Minute)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(shared.base+"index.html?model=asyncio&workers=4&io=2s&clients=5000&pool=5000"),
		ready(),
		waitJS(`window.playground.state().inFlight >= 4900`, time.Minute),
	); err != nil {
		t.Fatal(err)
	}
	start := eval[float64](t, ctx, cpSim+`.frameStats().frames`)
	if err := chromedp.Do(ctx, waitJS(fmt.Sprintf(cpSim+`.frameStats().frames >= %v`, start+300), 3*time.Minute)); err != nil {
		t.Fatal(err)
	}
	stats := eval[map[string]any](t, ctx, cpSim+`.frameStats()`)
	st := state(t, ctx)
	load, _ := os.ReadFile("/proc/loadavg")
	// Then twenty seconds of Chromium's trace: the animation frames' thread
	// (CPU) time does not grow when other programs take the cores, as the
	// wall times above do on a shared machine.
	tr := traceFrames(t, ctx, 20*time.Second)
	line := fmt.Sprintf("in_flight=%v tick_p50_ms=%.2f tick_p95_ms=%.2f tick_max_ms=%.2f whole_frame_p50_ms=%.2f whole_frame_p95_ms=%.2f updates_per_draw=%.2f"+
		" raf_frames=%d raf_cpu_p50_ms=%.2f raf_cpu_p95_ms=%.2f raf_wall_p50_ms=%.2f raf_wall_p95_ms=%.2f off_cpu=%.0f%% loadavg=%s\n",
		st["inFlight"], stats["p50Ms"], stats["p95Ms"], stats["maxMs"], stats["wholeP50Ms"], stats["wholeP95Ms"], stats["updatesPerDraw"],
		len(tr.cpu), quantile(tr.cpu, 0.5), quantile(tr.cpu, 0.95), quantile(tr.wall, 0.5), quantile(tr.wall, 0.95), 100*tr.offCPU(),
		strings.Join(strings.Fields(string(load))[:3], "/"))
	t.Logf("Go-side frame cost: %s", line)
	t.Logf("the last Draw's parts (layout, vertices, dots' draw call, text): %v ms",
		eval[map[string]any](t, ctx, cpSim+`.frameStats()`)["lastDrawPartsMs"])
	if err := os.WriteFile(filepath.Join(shared.shots, "frame-cost.txt"), []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "5000-in-flight")
	// The charts were kept with series(since): paused, the page's copy
	// comes to equal the program's whole series.
	same := `JSON.stringify(window.playground.series()) === JSON.stringify(` + cpSim + `.series())`
	eval[any](t, ctx, cpSim+`.setPaused(true)`)
	if err := chromedp.Do(ctx, waitJS(same, 20*time.Second)); err != nil {
		t.Errorf("the charts' points (%v lanes, %v points) never matched cpSim.series() (%v points): %v",
			eval[float64](t, ctx, `window.playground.series().length`),
			eval[float64](t, ctx, `window.playground.series()[0].points.length`),
			eval[float64](t, ctx, cpSim+`.series()[0].points.length`), err)
	}
}

func TestPhoneSizedScreen(t *testing.T) {
	ctx := page(t, readyLimit+time.Minute)
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Navigate(shared.base+"index.html?model=gevent&io=300ms&clients=30"),
		ready(),
		waitJS(`window.playground.state().completed > 0`, time.Minute),
	); err != nil {
		t.Fatal(err)
	}
	// Nothing may be wider than the screen: no sideways scrolling.
	if w := eval[float64](t, ctx, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("page is %v px wide on a 390 px screen", w)
	}
	// The controls are there and usable.
	if vis := eval[bool](t, ctx, `(() => { const r = document.getElementById("io").getBoundingClientRect(); return r.width > 100; })()`); !vis {
		t.Errorf("the io slider is not usable on a phone")
	}
	shot(t, ctx, "phone")
}

// hostPage embeds embed.html and sends it messages through send(m), which
// resolves with the reply (or {type: "timeout"} after 10 s).
const hostPage = `<!doctype html><title>host</title>
<iframe id=e src="/embed.html?model=asyncio&io=100ms&clients=20" width=800 height=450></iframe>
<script>
window.send = m => new Promise(r => {
	const f = e => { if (e.source === document.getElementById("e").contentWindow && e.data.type !== "height" && e.data.type !== "ready") { removeEventListener("message", f); r(e.data); } };
	addEventListener("message", f);
	setTimeout(() => r({type: "timeout"}), 10000);
	document.getElementById("e").contentWindow.postMessage(m, "*");
});
window.embedded = () => { try { const f = document.getElementById("e").contentWindow.document.querySelector("iframe"); return f && f.contentWindow.cpSim; } catch (e) { return null; } };
</script>`

func TestEmbedTakesPostMessages(t *testing.T) {
	ctx := page(t, readyLimit+time.Minute)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(shared.base+"__test/host.html"),
		waitJS(`window.embedded() && window.embedded().ready`, readyLimit),
	); err != nil {
		t.Fatalf("embed.html never became ready: %v", err)
	}
	var replies []map[string]any
	for _, m := range []string{`{type: "load", scenario: "model=gevent io=200ms"}`, `{type: "load", scenario: "model=nope"}`, `"hello"`, `{type: "play"}`} {
		replies = append(replies, eval[map[string]any](t, ctx, `window.send(`+m+`)`))
	}
	want := []string{"loaded", "error", "error", "state"}
	for i, r := range replies {
		if r["type"] != want[i] {
			t.Errorf("message %d: reply %v, want type %s", i, r, want[i])
		}
	}
	if e, _ := replies[1]["error"].(string); !strings.Contains(e, "model=nope") {
		t.Errorf("error for a bad scenario %q should name the key and the value", e)
	}
	if e, _ := replies[2]["error"].(string); !strings.Contains(e, "load") {
		t.Errorf("error for a bad message %q should say what shape is allowed", e)
	}
	if got := eval[string](t, ctx, `window.embedded().state().scenario`); !strings.HasPrefix(got, "model=gevent") {
		t.Errorf("after the load message the embed runs %q, want model=gevent", got)
	}
	shot(t, ctx, "embed")
}
