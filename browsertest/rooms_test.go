package browsertest

import (
	"archive/zip"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"playground/site"
)

// A workshop room: keys at the page level, presenter mode, and the site
// served by a plain static file server.

func TestKeysAndPresenterMode(t *testing.T) {
	ctx := page(t, readyLimit+2*time.Minute)
	paused := `window.playground.state().paused`
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(1920, 1080),
		chromedp.Navigate(shared.base+"index.html?model=gevent&io=300ms&clients=40&blocking=true"),
		ready(),
		waitJS(`window.playground.state().simSeconds > 1`, time.Minute),
		chromedp.Evaluate[chromedp.Void](`window.scrolls = []; addEventListener("scroll", () => scrolls.push([scrollY, document.activeElement.id, performance.now()])); addEventListener("keydown", e => scrolls.push([e.key, e.defaultPrevented, e.target.tagName, performance.now()]))`),
	); err != nil {
		t.Fatal(err)
	}
	// Space toggles, whatever has focus (here the page itself).
	if err := chromedp.Do(ctx,
		chromedp.KeyEvent(" "),
		waitJS(paused+` === true`, 5*time.Second),
		chromedp.KeyEvent(" "),
		waitJS(paused+` === false`, 5*time.Second),
		chromedp.KeyEvent(" "),
		waitJS(paused+` === true`, 5*time.Second),
	); err != nil {
		t.Fatalf("Space did not toggle play and pause: %v", err)
	}
	if y := eval[float64](t, ctx, `scrollY`); y != 0 {
		t.Errorf("Space scrolled the page to %v: %v", y, eval[any](t, ctx, `JSON.stringify(scrolls)`))
	}
	// Right steps one simulated second; Shift+Left ten back (to 0 at most).
	t0 := eval[float64](t, ctx, `window.playground.state().simSeconds`)
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowRight), chromedp.Sleep(300*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if t1 := eval[float64](t, ctx, `window.playground.state().simSeconds`); t1 < t0+0.95 || t1 > t0+1.05 {
		t.Errorf("Right: simSeconds %v -> %v, want one second more", t0, t1)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowLeft, chromedp.KeyModifiers(chromedp.ModifierShift)), chromedp.Sleep(300*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if t2 := eval[float64](t, ctx, `window.playground.state().simSeconds`); t2 > 0.05 {
		t.Errorf("Shift+Left from %v s: simSeconds %v, want 0", t0+1, t2)
	}
	// + doubles the speed's step.
	s0 := eval[float64](t, ctx, `window.playground.state().speed`)
	if err := chromedp.Do(ctx, chromedp.KeyEvent("+"), chromedp.Sleep(300*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if s1 := eval[float64](t, ctx, `window.playground.state().speed`); s1 <= s0 {
		t.Errorf("+: speed %v -> %v, want faster", s0, s1)
	}

	// ? opens the help, Escape closes it and gives focus back.
	if err := chromedp.Do(ctx,
		chromedp.Focus(chromedp.ID("reset")),
		chromedp.KeyEvent("?"),
		waitJS(`document.getElementById("keys-help").open`, 5*time.Second),
	); err != nil {
		t.Fatalf("? did not open the help dialog: %v", err)
	}
	help := eval[map[string]any](t, ctx, `(() => { const d = document.getElementById("keys-help");
		return {role: d.getAttribute("role"), modal: d.getAttribute("aria-modal"), label: document.getElementById(d.getAttribute("aria-labelledby")).textContent, text: d.textContent}; })()`)
	if help["role"] != "dialog" || help["modal"] != "true" || help["label"] == "" {
		t.Errorf("help dialog: %v, want role=dialog, aria-modal, a label", help)
	}
	for _, k := range []string{"Space", "Shift", "+", "-", "r", "p", "?", "Esc"} {
		if !strings.Contains(help["text"].(string), k) {
			t.Errorf("the help does not list %q", k)
		}
	}
	shot(t, ctx, "keys-help")
	if err := chromedp.Do(ctx,
		chromedp.KeyEvent(kb.Escape),
		waitJS(`!document.getElementById("keys-help").open && document.activeElement.id === "reset"`, 5*time.Second),
	); err != nil {
		t.Fatalf("Escape did not close the help and give focus back: %v", err)
	}

	// p: presenter mode, the picture fills the screen, text large.
	if err := chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`),
		chromedp.KeyEvent("p"),
		waitJS(`document.documentElement.classList.contains("present") && location.hash.includes("present")`, 5*time.Second),
		chromedp.KeyEvent(" "),
		waitJS(paused+` === false`, 5*time.Second),
		chromedp.Sleep(2500*time.Millisecond),
	); err != nil {
		t.Fatalf("p did not turn on presenter mode: %v (%v)", err, eval[any](t, ctx, `[document.documentElement.className, location.hash, document.activeElement.id, window.playground.state().paused]`))
	}
	m := eval[map[string]any](t, ctx, `(() => { const r = document.getElementById("sim-frame").getBoundingClientRect();
		return {w: r.width, h: r.height, scale: window.playground.state().textScale, controls: getComputedStyle(document.getElementById("controls")).display}; })()`)
	if m["w"].(float64) < 1400 || m["h"].(float64) < 800 || m["scale"].(float64) < 1.7 || m["controls"] != "none" {
		t.Errorf("presenter mode at 1920x1080: %v; want a picture of at least 1400x800, text scale 1.8, no controls", m)
	}
	shot(t, ctx, "presenter-1920x1080")
	if err := chromedp.Do(ctx,
		chromedp.KeyEvent(kb.Escape),
		waitJS(`!document.documentElement.classList.contains("present") && window.playground.state().textScale < 1.7`, 5*time.Second),
	); err != nil {
		t.Errorf("Escape did not leave presenter mode: %v", err)
	}
	// #present in the URL starts in it.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(shared.base+"index.html?model=sync&workers=2#present"),
		ready(),
		waitJS(`document.documentElement.classList.contains("present") && window.playground.state().textScale > 1.7`, 10*time.Second),
	); err != nil {
		t.Errorf("#present did not start in presenter mode: %v", err)
	}
}

// noGzip serves dir as a plain static file server does: no compression.
func noGzip(t *testing.T, dir string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.FileServer(http.Dir(dir))}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String() + "/"
}

// unzip unpacks the site's zip into a temporary folder and returns the
// folder the site is in.
func unzip(t *testing.T, zipPath string) string {
	t.Helper()
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatalf("the build's zip: %v", err)
	}
	defer zr.Close()
	dir := t.TempDir()
	for _, f := range zr.File {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if !strings.HasPrefix(p, dir+string(filepath.Separator)) {
			t.Fatalf("zip entry %q leaves the folder", f.Name)
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "concurrency-playground")
}

// The zip the build writes, unpacked and served by a plain file server (no
// gzip, as python3 -m http.server), runs and sends little.
func TestPlainStaticServerSendsLittle(t *testing.T) {
	ctx := page(t, readyLimit+time.Minute)
	dist, err := filepath.Abs("../dist")
	if err != nil {
		t.Fatal(err)
	}
	base := noGzip(t, unzip(t, filepath.Join(dist, site.ZipName)))
	var mu sync.Mutex
	total := 0.0
	statuses := map[string]int64{}
	ids := map[network.RequestID]string{}
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *network.EventResponseReceived:
			ids[e.RequestID] = e.Response.URL
			statuses[e.Response.URL] = e.Response.Status
		case *network.EventLoadingFinished:
			total += e.EncodedDataLength
		}
	}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"index.html?model=gevent&io=200ms"),
		ready(),
		chromedp.Sleep(time.Second),
	); err != nil {
		t.Fatalf("the site from a plain file server never became ready: %v", err)
	}
	mu.Lock()
	sent := total
	bad := []string{}
	for u, s := range statuses {
		if s >= 400 {
			bad = append(bad, u)
		}
	}
	mu.Unlock()
	t.Logf("a plain static server sent %.2f MB for the playground", sent/1e6)
	if sent > 3.5e6 || sent < 1e6 {
		t.Errorf("the first visit transferred %.2f MB; want at most 3.5 MB (and more than 1 MB, or nothing was measured)", sent/1e6)
	}
	if len(bad) > 0 {
		t.Errorf("failed requests: %v", bad)
	}
	resp, err := http.Get(base + "favicon.ico")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("favicon.ico: %s", resp.Status)
	}
}
