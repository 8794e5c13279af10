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

// traceEvent is one complete ("X") event of Chromium's trace.
type traceEvent struct {
	Name string  `json:"name"`
	Ph   string  `json:"ph"`
	Ts   float64 `json:"ts"`   // µs
	Dur  float64 `json:"dur"`  // µs
	Tdur float64 `json:"tdur"` // µs of thread time
	Tid  int     `json:"tid"`
	Args struct {
		Name string `json:"name"` // a thread's name, on "thread_name" metadata events
	} `json:"args"`
}

// traceDuring records Chromium's timeline while during runs and returns
// the complete events of the renderer's main thread.
func traceDuring(t *testing.T, ctx context.Context, during chromedp.Action[chromedp.Void]) []traceEvent {
	t.Helper()
	var (
		mu   sync.Mutex
		all  []traceEvent
		main = map[int]bool{} // thread ids named CrRendererMain
		done = make(chan struct{})
	)
	if err := chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *tracing.EventDataCollected:
			mu.Lock()
			defer mu.Unlock()
			for _, v := range e.Value {
				b, err := json.Marshal(v)
				var x traceEvent
				if err != nil || json.Unmarshal(b, &x) != nil {
					continue
				}
				switch {
				case x.Ph == "M" && x.Name == "thread_name" && x.Args.Name == "CrRendererMain":
					main[x.Tid] = true
				case x.Ph == "X":
					all = append(all, x)
				}
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
				TraceConfig: &tracing.TraceConfig{IncludedCategories: []string{"devtools.timeline", "toplevel"}}})
			return err
		}),
		during,
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
	var out []traceEvent
	for _, x := range all {
		if main[x.Tid] {
			out = append(out, x)
		}
	}
	return out
}

// traceFrames records Chromium's timeline for d and returns the animation
// frames in it.
func traceFrames(t *testing.T, ctx context.Context, d time.Duration) frameTrace {
	t.Helper()
	var out frameTrace
	for _, x := range traceDuring(t, ctx, chromedp.Sleep(d)) {
		if x.Name == "FireAnimationFrame" {
			out.wall, out.cpu = append(out.wall, x.Dur/1e3), append(out.cpu, x.Tdur/1e3)
		}
	}
	return out
}

// mainTasks sums up the main thread's tasks in a trace: how many ran over
// 200 ms of wall time, and the most thread (CPU) time any task took, with
// its wall time. A task whose wall time is far above its CPU time waited
// for a core, not on the page's code.
func mainTasks(evs []traceEvent) (over200 int, maxCPU, maxCPUWall float64) {
	for _, x := range evs {
		if x.Name != "ThreadControllerImpl::RunTask" {
			continue
		}
		if x.Dur > 200e3 {
			over200++
		}
		if x.Tdur/1e3 > maxCPU {
			maxCPU, maxCPUWall = x.Tdur/1e3, x.Dur/1e3
		}
	}
	return over200, maxCPU, maxCPUWall
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
