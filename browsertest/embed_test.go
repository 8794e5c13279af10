package browsertest

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Embeds in articles: the postMessage API, resting out of view, the sizes an
// article's iframe takes, and the code the playground writes for it.

// testPages are test-only pages the server of setup serves under /__test/.
var testPages = map[string]string{
	"two.html":   twoEmbedsPage,
	"fold.html":  foldPage,
	"blank.html": `<!doctype html><title>blank</title>`,
}

// twoEmbedsPage is an article with two embeds. send(id, m) posts m to embed
// id ("a" or "b") and resolves with its next reply; log[id] holds every
// message that embed sent; sim(id) is its cpSim.
const twoEmbedsPage = `<!doctype html><title>two embeds</title>
<iframe id=a title="embed a" src="/embed.html?model=sync&workers=2&io=100ms&clients=10" width=640 height=400></iframe>
<iframe id=b title="embed b" src="/embed.html?model=asyncio&io=100ms&clients=20" width=640 height=400></iframe>
<script>
window.log = {a: [], b: []};
window.stateAt = {a: [], b: []}; // when each state message arrived (performance.now, ms)
const who = s => s === document.getElementById("a").contentWindow ? "a" : s === document.getElementById("b").contentWindow ? "b" : null;
addEventListener("message", e => { const id = who(e.source); if (id) { log[id].push(e.data); if (e.data.type === "state") stateAt[id].push(performance.now()); } });
window.send = (id, m) => new Promise(r => {
	const f = e => { if (who(e.source) === id && e.data.type !== "height" && e.data.type !== "ready" && !e.data.every) { removeEventListener("message", f); r(e.data); } };
	addEventListener("message", f);
	setTimeout(() => r({type: "timeout"}), 10000);
	document.getElementById(id).contentWindow.postMessage(m, "*");
});
window.sim = id => { try { return document.getElementById(id).contentWindow.document.getElementById("sim-frame").contentWindow.cpSim; } catch (e) { return null; } };
</script>`

// foldPage has an embed a screen and a half below the top.
const foldPage = `<!doctype html><title>fold</title>
<p style="height:1600px">An article's first screens.</p>
<iframe id=a title="embed" src="/embed.html?model=asyncio&io=100ms&clients=20" width=640 height=400></iframe>
<p style="height:400px"></p>
<script>window.sim = id => { try { return document.getElementById(id).contentWindow.document.getElementById("sim-frame").contentWindow.cpSim; } catch (e) { return null; } };</script>`

func TestTwoEmbedsDrivenOverPostMessage(t *testing.T) {
	ctx := page(t, readyLimit+2*time.Minute)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(shared.base+"__test/two.html"),
		waitJS(`window.sim("a") && window.sim("a").ready && window.sim("b") && window.sim("b").ready`, readyLimit),
		waitJS(`log.a.some(m => m.type === "ready") && log.b.some(m => m.type === "ready")`, 30*time.Second),
		waitJS(`log.a.some(m => m.type === "height" && m.px > 0)`, 10*time.Second),
	); err != nil {
		t.Fatalf("two embeds never became ready and said so: %v", err)
	}
	send := func(m string) map[string]any {
		t.Helper()
		return eval[map[string]any](t, ctx, `window.send("a", `+m+`)`)
	}
	stateOf := func(r map[string]any) map[string]any {
		t.Helper()
		st, ok := r["state"].(map[string]any)
		if r["type"] != "state" || !ok {
			t.Fatalf("reply %v, want {type: state, state}", r)
		}
		return st
	}

	if r := send(`{type: "load", scenario: "model=gevent io=200ms clients=20"}`); r["type"] != "loaded" || !strings.HasPrefix(fmt.Sprint(r["scenario"]), "model=gevent") {
		t.Fatalf("load: reply %v, want loaded model=gevent", r)
	}
	if st := stateOf(send(`{type: "pause"}`)); st["paused"] != true {
		t.Errorf("pause: state.paused = %v, want true", st["paused"])
	}
	if st := stateOf(send(`{type: "seek", t: 2}`)); math.Abs(st["simSeconds"].(float64)-2) > 0.05 {
		t.Errorf("seek 2: simSeconds = %v, want 2", st["simSeconds"])
	}
	if st := stateOf(send(`{type: "speed", value: 5}`)); st["speed"] != 5.0 {
		t.Errorf("speed 5: state.speed = %v", st["speed"])
	}

	// A live change, if this build of the program takes them.
	hasChange := eval[bool](t, ctx, `typeof window.sim("a").change === "function"`)
	r := send(`{type: "set", key: "clients", value: 30}`)
	if hasChange {
		if st := stateOf(r); !strings.Contains(fmt.Sprint(st["scenario"]), "clients@") {
			t.Errorf("set clients=30: scenario %v, want a live change clients@T=30", st["scenario"])
		}
	} else if r["type"] != "error" || !strings.Contains(fmt.Sprint(r["error"]), "load") {
		t.Errorf("set without cpSim.change: reply %v, want an error that says to send load", r)
	}

	before := eval[map[string]any](t, ctx, `window.sim("a").state()`)
	for _, c := range []struct{ msg, want string }{
		{`"play"`, `{type: "play"}`},
		{`{type: "warp"}`, `{type: "seek"`},
		{`{type: "load", scenario: 5}`, `"scenario" must be a string`},
		{`{type: "load", scenario: "model=nope"}`, `model=nope`},
		{`{type: "set", key: 5, value: "3"}`, `{type: "set", key:`},
		{`{type: "set", key: "clients", value: "a b"}`, `"value" must be`},
		{`{type: "seek", t: -1}`, `"t" must be`},
		{`{type: "speed", value: 1000}`, `(it is 1000)`},
		{`{type: "speed", value: "fast"}`, `it is a string`},
		{`{type: "subscribe", every: "often"}`, `{type: "subscribe", every:`},
	} {
		r := send(c.msg)
		if r["type"] != "error" || !strings.Contains(fmt.Sprint(r["error"]), c.want) {
			t.Errorf("message %s: reply %v, want an error containing %q", c.msg, r, c.want)
		}
	}
	after := eval[map[string]any](t, ctx, `window.sim("a").state()`)
	if after["scenario"] != before["scenario"] || after["paused"] != true || after["speed"] != before["speed"] || after["simSeconds"] != before["simSeconds"] {
		t.Errorf("malformed messages changed the embed: before %v %v %v %v, after %v %v %v %v",
			before["scenario"], before["paused"], before["speed"], before["simSeconds"], after["scenario"], after["paused"], after["speed"], after["simSeconds"])
	}

	// subscribe: a state message every 200 ms; 0 stops them.
	if st := stateOf(send(`{type: "subscribe", every: 200}`)); st["scenario"] == nil {
		t.Errorf("subscribe: the first state has no scenario: %v", st)
	}
	// They keep coming, and never more often than asked. A busy machine's
	// timer ticks come late (and the next one then sooner, on the interval's
	// schedule), so neither a count in a fixed time nor a single gap is
	// checked: only that no more came than a 200 ms schedule allows since
	// the subscription's reply (the last state message before them), with
	// one to spare for the reply's own delay.
	n0 := eval[int](t, ctx, `stateAt.a.length`)
	if err := chromedp.Do(ctx, waitJS(fmt.Sprintf(`stateAt.a.length >= %d`, n0+5), 20*time.Second)); err != nil {
		t.Errorf("subscribe every 200 ms: fewer than 5 state messages in 20 s: %v", err)
	}
	n, span := eval[float64](t, ctx, fmt.Sprintf(`stateAt.a.length - %d`, n0)), eval[float64](t, ctx, fmt.Sprintf(`stateAt.a[stateAt.a.length-1] - stateAt.a[%d]`, n0-1))
	if n > span/200+2 {
		t.Errorf("subscribe every 200 ms: %v state messages in %.0f ms since the subscription, more than every 200 ms", n, span)
	}
	send(`{type: "subscribe", every: 0}`)
	n2 := eval[float64](t, ctx, `log.a.filter(m => m.type === "state").length`)
	chromedp.Do(ctx, chromedp.Sleep(700*time.Millisecond))
	if n3 := eval[float64](t, ctx, `log.a.filter(m => m.type === "state").length`); n3 != n2 {
		t.Errorf("subscribe every 0 did not stop the messages: %v then %v", n2, n3)
	}

	// The second embed was never touched: its own scenario, running.
	b := eval[map[string]any](t, ctx, `window.sim("b").state()`)
	if !strings.HasPrefix(fmt.Sprint(b["scenario"]), "model=asyncio") || b["paused"] != false || b["speed"] != 1.0 {
		t.Errorf("embed b changed: scenario %v paused %v speed %v", b["scenario"], b["paused"], b["speed"])
	}
	if st := stateOf(send(`{type: "play"}`)); st["paused"] != false {
		t.Errorf("play: state.paused = %v, want false", st["paused"])
	}
	if n := eval[float64](t, ctx, `log.b.filter(m => m.type === "state" || m.type === "loaded" || m.type === "error").length`); n != 0 {
		t.Errorf("embed b sent %v replies to messages it never got", n)
	}
	shot(t, ctx, "two-embeds")
}

func TestEmbedBelowTheFoldRestsUntilSeen(t *testing.T) {
	ctx := page(t, readyLimit+2*time.Minute)
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(1000, 800),
		chromedp.Navigate(shared.base+"__test/fold.html"),
		waitJS(`window.sim("a") && window.sim("a").ready`, readyLimit),
		chromedp.Sleep(time.Second),
	); err != nil {
		t.Fatal(err)
	}
	s1 := eval[float64](t, ctx, `window.sim("a").state().simSeconds`)
	chromedp.Do(ctx, chromedp.Sleep(2*time.Second))
	s2 := eval[float64](t, ctx, `window.sim("a").state().simSeconds`)
	if s2 != s1 || s1 > 1 {
		t.Errorf("an embed below the fold advanced: %v s, then %v s two seconds later; want it resting near 0", s1, s2)
	}
	// Resting also stops the drawing: no new frames while out of view.
	f1 := eval[float64](t, ctx, `window.sim("a").frameStats().frames`)
	chromedp.Do(ctx, chromedp.Sleep(time.Second))
	if f2 := eval[float64](t, ctx, `window.sim("a").frameStats().frames`); f2 != f1 || !eval[bool](t, ctx, `window.sim("a").state().resting`) {
		t.Errorf("an embed out of view drew %v frames in a second (resting %v); want none", f2-f1, eval[bool](t, ctx, `window.sim("a").state().resting`))
	}
	if err := chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`document.getElementById("a").scrollIntoView()`),
		waitJS(fmt.Sprintf(`window.sim("a").state().simSeconds > %v`, s2+1), time.Minute),
	); err != nil {
		t.Errorf("the embed did not run once scrolled into view: %v", err)
	}
	// Scrolled away, it rests again; a reader's pause stays a pause.
	if err := chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`scrollTo(0, 0)`),
		waitJS(`window.sim("a").state().paused === true && window.sim("a").state().resting === true`, 10*time.Second),
	); err != nil {
		t.Errorf("scrolled out of view, the embed kept running: %v", err)
	}
}

func TestEmbedAtArticleSizes(t *testing.T) {
	for _, sz := range []struct{ w, h int64 }{{320, 250}, {400, 300}, {800, 450}} {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			ctx := page(t, readyLimit+time.Minute)
			if err := chromedp.Do(ctx,
				chromedp.EmulateViewport(sz.w, sz.h),
				chromedp.Navigate(shared.base+"embed.html?model=sync,gevent&io=300ms&clients=30"),
				waitJS(simReady, readyLimit),
				waitJS(`document.getElementById("num-completed-1") && document.getElementById("num-completed-1").textContent !== "–"`, time.Minute),
				chromedp.Sleep(2*time.Second),
			); err != nil {
				t.Fatal(err)
			}
			m := eval[map[string]float64](t, ctx, `(() => {
				const r = id => document.getElementById(id).getBoundingClientRect();
				const f = r("sim-frame"), p = r("play"), l = r("open-playground");
				return {frameH: f.height, frameW: f.width, scrollW: document.documentElement.scrollWidth,
					scrollH: document.documentElement.scrollHeight, playBottom: p.bottom, linkRight: l.right, linkBottom: l.bottom};
			})()`)
			if m["frameH"] < 150 {
				t.Errorf("the picture is %vx%v px; want at least 150 px high", m["frameW"], m["frameH"])
			}
			if m["scrollW"] > float64(sz.w) || m["scrollH"] > float64(sz.h) {
				t.Errorf("the embed scrolls: %vx%v in a %dx%d frame", m["scrollW"], m["scrollH"], sz.w, sz.h)
			}
			if m["playBottom"] > float64(sz.h) || m["linkRight"] > float64(sz.w) || m["linkBottom"] > float64(sz.h) {
				t.Errorf("play or the playground link is cut off: %v", m)
			}
			href := eval[string](t, ctx, `document.getElementById("open-playground").href`)
			if !strings.Contains(href, "model=sync,gevent") || !strings.Contains(href, "#t=") {
				t.Errorf("open-playground = %q, want the scenario and the moment (#t=)", href)
			}
			shot(t, ctx, fmt.Sprintf("embed-%dx%d", sz.w, sz.h))
		})
	}
}

func TestEmbedCodeLoads(t *testing.T) {
	ctx := page(t, readyLimit+2*time.Minute)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(shared.base+"index.html?model=gthread&threads=4&io=200ms&clients=20"),
		ready(),
	); err != nil {
		t.Fatal(err)
	}
	fixed := eval[string](t, ctx, `window.playground.embedCode({width: 640, height: 400, numbers: ["throughput", "p99"]})`)
	for _, want := range []string{`<iframe `, `title="`, `width="640"`, `height="400"`, `model=gthread`, `#numbers=throughput,p99`} {
		if !strings.Contains(fixed, want) {
			t.Errorf("embedCode fixed = %s, want it to contain %s", fixed, want)
		}
	}
	code := eval[string](t, ctx, `window.playground.embedCode({responsive: true, autoplay: false})`)
	if !strings.Contains(code, `<script>`) || !strings.Contains(code, `"height"`) {
		t.Errorf("responsive embedCode = %s, want a script that takes the height message", code)
	}
	// The dialog shows the same code and a preview.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("embed-button")),
		waitJS(`document.getElementById("embed-dialog").open && document.getElementById("embed-code").value.includes("<iframe")`, 10*time.Second),
	); err != nil {
		t.Errorf("the Embed dialog did not open with code: %v", err)
	}
	shot(t, ctx, "embed-dialog")

	// Pasted into a page, the responsive code runs, paused, and takes its height.
	js := fmt.Sprintf(`document.open(); document.write(%q); document.close(); true`, code)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(shared.base+"__test/blank.html"),
		chromedp.Evaluate[chromedp.Void](js),
		waitJS(`(() => { try { const s = document.querySelector("iframe").contentWindow.document.getElementById("sim-frame").contentWindow.cpSim; return !!(s && s.ready); } catch (e) { return false; } })()`, readyLimit),
		waitJS(`document.querySelector("iframe").style.height !== "400px"`, 10*time.Second),
	); err != nil {
		t.Fatalf("the pasted embed code did not load and size itself: %v", err)
	}
	st := eval[map[string]any](t, ctx, `document.querySelector("iframe").contentWindow.document.getElementById("sim-frame").contentWindow.cpSim.state()`)
	if !strings.HasPrefix(fmt.Sprint(st["scenario"]), "model=gthread") || st["paused"] != true {
		t.Errorf("the pasted embed runs %v, paused %v; want model=gthread, paused (autoplay off)", st["scenario"], st["paused"])
	}
}

// viewShot saves what the reader sees now (not the whole page) as NAME.png.
func viewShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	saveShot(t, name, buf, err)
}

// The demo article's paragraphs drive its two embeds as the reader scrolls.
func TestDemoArticleDrivesItsEmbeds(t *testing.T) {
	ctx := page(t, readyLimit+2*time.Minute)
	simOf := func(id string) string {
		return `document.getElementById("` + id + `").contentWindow.document.getElementById("sim-frame").contentWindow.cpSim`
	}
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(1280, 800),
		chromedp.Navigate(shared.base+"embed-demo.html"),
		waitJS(`(() => { try { return `+simOf("embed-a")+`.ready; } catch (e) { return false; } })()`, readyLimit),
		chromedp.Evaluate[chromedp.Void](`document.querySelectorAll(".step[data-embed=a]")[1].scrollIntoView({block: "center"})`),
		chromedp.Sleep(2*time.Second),
	); err != nil {
		t.Fatal(err)
	}
	a := eval[string](t, ctx, simOf("embed-a")+`.state().scenario`)
	if !strings.Contains(a, "workers") || !strings.Contains(a, "4") {
		t.Errorf("after the paragraph on workers, embed A runs %q; want four workers", a)
	}
	viewShot(t, ctx, "demo-article-part1")
	if err := chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`document.querySelectorAll(".step[data-embed=b]")[1].scrollIntoView({block: "center"})`),
		waitJS(`(() => { try { const s = `+simOf("embed-b")+`; return s.ready && s.state().scenario.includes("blocking=true") && !s.state().paused; } catch (e) { return false; } })()`, time.Minute),
		chromedp.Sleep(3*time.Second),
	); err != nil {
		t.Fatalf("the blocking paragraph did not reach embed B: %v", err)
	}
	// Embed A is out of view now: it rests.
	if p := eval[bool](t, ctx, simOf("embed-a")+`.state().paused`); !p {
		t.Errorf("embed A, scrolled away, still runs")
	}
	viewShot(t, ctx, "demo-article-part2")
}

// The fragment's options, with a bad escape among them that must not blank
// the embed.
func TestEmbedOptionsFromTheFragment(t *testing.T) {
	ctx := page(t, readyLimit+time.Minute)
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(640, 400),
		chromedp.Navigate(shared.base+"embed.html?model=gevent&io=200ms#controls=0&autoplay=0&numbers=p99,%E0&t=3"),
		waitJS(simReady, readyLimit),
		waitJS(`!!document.getElementById("num-p99-0")`, 30*time.Second),
	); err != nil {
		t.Fatal(err)
	}
	m := eval[map[string]any](t, ctx, `(() => { const s = document.getElementById("sim-frame").contentWindow.cpSim.state();
		return {paused: s.paused, t: s.simSeconds, play: getComputedStyle(document.getElementById("play")).display,
			completed: !!document.getElementById("num-completed-0"), link: document.getElementById("open-playground").href}; })()`)
	if m["paused"] != true || m["t"].(float64) < 2.95 || m["t"].(float64) > 3.05 || m["play"] != "none" || m["completed"] != false {
		t.Errorf("embed with #controls=0&autoplay=0&numbers=p99&t=3: %v; want paused at 3 s, no play button, only p99", m)
	}
	if !strings.HasSuffix(m["link"].(string), "#t=3.0") {
		t.Errorf("open-playground = %v, want the moment #t=3.0", m["link"])
	}
}

// An embed whose URL holds a bad scenario runs the default and says who
// can fix it: the reader cannot, the page that embeds it can.
func TestEmbedWithABadScenarioSaysWhoCanFixIt(t *testing.T) {
	ctx := page(t, readyLimit+time.Minute)
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(640, 400),
		chromedp.Navigate(shared.base+"embed.html?model=gevent&io=fast"),
		waitJS(simReady, readyLimit),
		chromedp.WaitVisible(chromedp.ID("alert")),
	); err != nil {
		t.Fatal(err)
	}
	msg := eval[string](t, ctx, `document.getElementById("alert-text").textContent`)
	if !strings.Contains(msg, "io=fast") || !strings.Contains(msg, "iframe") {
		t.Errorf("alert %q, want the key and value that are wrong and that the embedding page's iframe src needs correcting", msg)
	}
	shot(t, ctx, "embed-bad-scenario")
}
