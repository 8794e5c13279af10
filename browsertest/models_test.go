package browsertest

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The pictures of the uwsgi and eventlet models at 1280x800 say what the
// real servers have: uWSGI's worker processes with their threads, and the
// 42 connections that the 8 busy threads leave in the listen queue
// ("backlog"); eventlet's hub.
func TestUWSGIAndEventletPictures(t *testing.T) {
	for _, tt := range []struct {
		name, url string
		want      []string
	}{
		{"uwsgi", "index.html?model=uwsgi&workers=2&threads=4&clients=50", []string{"worker 1", "worker 2", "thread 4", "backlog", "42 waiting"}},
		{"eventlet", "index.html?model=eventlet&workers=2&clients=50", []string{"worker 1", "worker 2", "eventlet hub"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := page(t, readyLimit+time.Minute)
			if err := chromedp.Do(ctx,
				chromedp.EmulateViewport(1280, 800),
				chromedp.Navigate(shared.base+tt.url),
				waitJS(`(() => { try { return document.querySelector("iframe#sim-frame").contentWindow.cpSim.state().simSeconds > 1.5; } catch (e) { return false; } })()`, readyLimit),
			); err != nil {
				t.Fatal(err)
			}
			rep := eval[labelReport](t, ctx, labelsJS)
			checkDOMLabels(t, rep, 11)
			checkLabelWords(t, rep, tt.want...)
			shot(t, ctx, "model-"+tt.name+"-1280x800")
		})
	}
}
