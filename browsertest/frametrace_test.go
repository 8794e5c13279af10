package browsertest

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/tracing"
	"github.com/chromedp/chromedp"
)

// frameTrace is what Chromium's trace says of the page's animation frames:
// each requestAnimationFrame callback (Ebiten's Updates and Draw, and its
// WebGL calls) as wall time and as time the thread was on a CPU, in ms.
// Wall time minus CPU time is time the OS gave the core to someone else.
type frameTrace struct {
	wall, cpu []float64
}

// traceFrames records Chromium's timeline for d and returns the animation
// frames in it.
func traceFrames(t *testing.T, ctx context.Context, d time.Duration) frameTrace {
	t.Helper()
	var (
		mu   sync.Mutex
		out  frameTrace
		done = make(chan struct{})
	)
	type event struct {
		Name string  `json:"name"`
		Ph   string  `json:"ph"`
		Dur  float64 `json:"dur"`  // µs
		Tdur float64 `json:"tdur"` // µs of thread time
	}
	if err := chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *tracing.EventDataCollected:
			mu.Lock()
			defer mu.Unlock()
			for _, v := range e.Value {
				b, err := json.Marshal(v)
				var x event
				if err != nil || json.Unmarshal(b, &x) != nil || x.Name != "FireAnimationFrame" || x.Ph != "X" {
					continue
				}
				out.wall, out.cpu = append(out.wall, x.Dur/1e3), append(out.cpu, x.Tdur/1e3)
			}
		case *tracing.EventTracingComplete:
			close(done)
		}
	}); err != nil {
		t.Fatal(err)
	}
	call := func(f func(ctx context.Context, tg *chromedp.Target) error) chromedp.Action[chromedp.Void] {
		return chromedp.Func(f)
	}
	if err := chromedp.Do(ctx,
		call(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, tracing.Start, tracing.StartParams{TransferMode: tracing.StartTransferModeReportEvents,
				TraceConfig: &tracing.TraceConfig{IncludedCategories: []string{"devtools.timeline"}}})
			return err
		}),
		chromedp.Sleep(d),
		call(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, tracing.End, cdp.Empty{})
			return err
		}),
	); err != nil {
		t.Fatalf("tracing the page: %v", err)
	}
	select {
	case <-done:
	case <-ctx.Done():
		t.Fatal("the trace never completed")
	}
	mu.Lock()
	defer mu.Unlock()
	return out
}

// quantile is the p quantile of xs (0 when empty).
func quantile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	return s[min(len(s)-1, int(p*float64(len(s))))]
}

// offCPU is the share of the frames' wall time their thread spent off a CPU.
func (f frameTrace) offCPU() float64 {
	var w, c float64
	for i := range f.wall {
		w, c = w+f.wall[i], c+f.cpu[i]
	}
	if w == 0 {
		return 0
	}
	return 1 - c/w
}
