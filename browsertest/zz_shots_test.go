package browsertest

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func TestZZShots(t *testing.T) {
	list := os.Getenv("SHOTS")
	if list == "" {
		t.Skip()
	}
	for i, q := range strings.Split(list, ";") {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			ctx := page(t, readyLimit+time.Minute)
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800),
				chromedp.Navigate(base()+"index.html?"+q), ready(),
				waitJS(cpSim+`.state().simSeconds > 3`, time.Minute)); err != nil {
				t.Fatal(err)
			}
			buf, _ := chromedp.Run(ctx, chromedp.CaptureScreenshot())
			os.WriteFile(fmt.Sprintf("/tmp/shot-%d.png", i), buf, 0o644)
			t.Log(i, q, eval[string](t, ctx, cpSim+`.state().narration`))
		})
	}
}

func base() string {
	if b := os.Getenv("BASE"); b != "" {
		return b
	}
	return shared.base
}
