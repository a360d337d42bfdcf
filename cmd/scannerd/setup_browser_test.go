//go:build !nocv

package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/scannerd/scannerd/internal/setupui"
)

// startChromium starts a headless Chromium for one test, or skips the
// test when there is none (scripts/deps.sh installs it) or with -short.
func startChromium(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil || testing.Short() {
		t.Skip("the setup page test needs chromium (scripts/deps.sh installs it) and no -short")
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900))
	ctx, cancelTab := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		chromedp.Cancel(ctx)
		cancelTab()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

func browserEval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

func browserWait(t *testing.T, ctx context.Context, what, js string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(60*time.Second))); err != nil {
		t.Fatalf("waiting for %s (%s): %v", what, js, err)
	}
}

func browserScreenshot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100: PNG
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name+".png")
	if err := os.WriteFile(p, buf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Log("screenshot:", p)
}

// TestSetupPageInABrowser is the installer's visit: scanctl setup's page
// (its proxy in front of the daemon's socket) opened in headless Chromium
// from the one-time URL; the preview switched on shows the real video;
// a region dragged on it and a symbology switched are saved, and the
// daemon's configuration, setup file and running source change; results
// of the camera appear. The page is looked at 1280 and 375 pixels wide.
func TestSetupPageInABrowser(t *testing.T) {
	ctx := startChromium(t)
	sd := startSetupDaemon(t)
	page, err := setupui.Listen("127.0.0.1:0", sd.m.d.cfg.Load().API.Socket, nil)
	if err != nil {
		t.Fatal(err)
	}
	pageCtx, stopPage := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- page.Serve(pageCtx) }()
	t.Cleanup(func() {
		stopPage()
		if err := <-served; err != nil {
			t.Error(err)
		}
	})
	shots := os.Getenv("SETUP_SCREENSHOTS") // to keep them; default the test's temp dir
	if shots == "" {
		shots = t.TempDir()
	}

	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(page.URL())); err != nil {
		t.Fatal(err)
	}
	if path := browserEval[string](t, ctx, `location.pathname + location.search`); path != "/" {
		t.Errorf("after the token the page is at %q, want / (no token in the address bar)", path)
	}
	browserWait(t, ctx, "the source's card", `document.querySelector('section.source[data-source="cam"]') !== null`)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("preview-on"))); err != nil {
		t.Fatal(err)
	}
	browserWait(t, ctx, "a preview frame", `(() => { const i = document.querySelector('.preview'); return i.getAttribute('src') !== null && i.complete && i.naturalWidth === 960; })()`)
	browserWait(t, ctx, "the preview shown on", `document.getElementById('preview-state').textContent.startsWith('Preview on')`)
	browserWait(t, ctx, "the source's state", `document.querySelector('.state').textContent.startsWith('running')`)
	browserScreenshot(t, ctx, shots, "setup-1280")

	// Drag from a quarter of the frame to three quarters.
	box := browserEval[[]float64](t, ctx, `(() => { const r = document.querySelector('.preview').getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()`)
	x0, y0 := box[0]+box[2]*0.25, box[1]+box[3]*0.2
	x1, y1 := box[0]+box[2]*0.75, box[1]+box[3]*0.8
	if err := chromedp.Do(ctx,
		chromedp.MouseEvent(chromedp.MouseMoved, x0, y0),
		chromedp.MouseEvent(chromedp.MousePressed, x0, y0, chromedp.ButtonLeft, chromedp.ClickCount(1)),
		chromedp.MouseEvent(chromedp.MouseMoved, (x0+x1)/2, (y0+y1)/2, chromedp.ButtonLeft),
		chromedp.MouseEvent(chromedp.MouseMoved, x1, y1, chromedp.ButtonLeft),
		chromedp.MouseEvent(chromedp.MouseReleased, x1, y1, chromedp.ButtonLeft, chromedp.ClickCount(1)),
	); err != nil {
		t.Fatal(err)
	}
	browserWait(t, ctx, "the region drawn", `!document.querySelector('.roi').hidden`)
	// Switch symbologies: CODE_128 off, CODE_11 (not read by default) on.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`.symbology-list input[value="CODE_128"]`)),
		chromedp.Click(chromedp.CSS(`.symbology-list input[value="CODE_11"]`)),
		chromedp.Click(chromedp.CSS(`button.save`)),
	); err != nil {
		t.Fatal(err)
	}
	browserWait(t, ctx, "the save", `document.querySelector('.saved').textContent.startsWith('Saved and applied')`)

	// The daemon's configuration and its running source changed.
	cfg := sd.m.d.cfg.Load()
	region := cfg.Sources[0].Region
	want := []int{240, 108, 480, 324}
	if len(region) != 4 {
		t.Fatalf("region after saving: %v", region)
	}
	for i := range want {
		if d := region[i] - want[i]; d < -3 || d > 3 {
			t.Errorf("region after saving %v, want about %v", region, want)
			break
		}
	}
	syms := cfg.Sources[0].Symbologies
	if !slices.Contains(syms, "CODE_11") || slices.Contains(syms, "CODE_128") || !slices.Contains(syms, "QR_CODE") {
		t.Errorf("symbologies after saving: %v", syms)
	}
	if got := sd.runningRegion("cam"); got.Min.X != region[0] || got.Dx() != region[2] || got.Min.Y != region[1] || got.Dy() != region[3] {
		t.Errorf("the running source decodes %v, saved %v", got, region)
	}
	if st, err := sd.c.Status(ctx); err != nil || !slices.Equal(st.SetupSources, []string{"cam"}) || !st.Preview.Enabled {
		t.Errorf("status after saving: %v %+v %v", st.SetupSources, st.Preview, err)
	}
	if _, err := os.Stat(sd.setupFile); err != nil {
		t.Errorf("setup file: %v", err)
	}
	// The camera's code, inside the region, arrives on the page.
	browserWait(t, ctx, "a result on the page", `[...document.querySelectorAll('.results li')].some(li => li.textContent.includes('QR_CODE AIM-HERE'))`)
	browserWait(t, ctx, "the new preview", `document.querySelector('.preview').naturalWidth === 960`)
	browserScreenshot(t, ctx, shots, "setup-saved-1280")

	// A phone's width: one column, nothing wider than the screen.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(375, 800)); err != nil {
		t.Fatal(err)
	}
	browserWait(t, ctx, "the narrow layout", `document.querySelector('.preview').getBoundingClientRect().width <= 375`)
	if w := browserEval[float64](t, ctx, `document.documentElement.scrollWidth`); w > 375 {
		wide := browserEval[[]string](t, ctx, `[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 376).map(e => e.tagName + '.' + e.className).slice(0, 8)`)
		t.Errorf("at 375 px the page is %v px wide: %v", w, wide)
	}
	browserScreenshot(t, ctx, shots, "setup-375")
}
