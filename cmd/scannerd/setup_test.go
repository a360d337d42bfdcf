//go:build !nocv

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scannerd/scannerd/api/apitype"
	"github.com/scannerd/scannerd/api/client"
	"github.com/scannerd/scannerd/api/openapitest"
	"github.com/scannerd/scannerd/internal/syncbuf"
	"github.com/scannerd/scannerd/scanner"
)

// expiryHook stands in for time.AfterFunc: the test fires the preview's
// expiry itself, after moving the daemon's clock past its end.
type expiryHook struct {
	mu    sync.Mutex
	fires []func()
}

func (h *expiryHook) afterFunc(_ time.Duration, f func()) func() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.fires = append(h.fires, f)
	return func() bool { return true }
}

func (h *expiryHook) fireLast(t *testing.T) {
	t.Helper()
	h.mu.Lock()
	n := len(h.fires)
	h.mu.Unlock()
	if n == 0 {
		t.Fatal("the preview set no expiry")
	}
	h.fires[n-1]()
}

// setupDaemon runs the daemon on a looping video of a QR code, licensed
// by a real LTS, with its setup file in a temporary directory and its
// clock and preview expiry in the test's hands.
type setupDaemon struct {
	m         *Main
	c         *client.Client
	setupFile string
	config    string
	skew      *atomic.Int64 // added to the wall clock
	expiry    *expiryHook
}

func startSetupDaemon(t *testing.T) *setupDaemon {
	t.Helper()
	dir := t.TempDir()
	video := filepath.Join(dir, "codes.avi")
	// Four empty seconds, then the code for one, looped: out of sight for
	// longer than the dedup forget time (3 s), it is read again each time.
	writeCodesVideo(t, video, [][]drawn{{}, {}, {}, {}, {{sym: scanner.QRCode, text: "AIM-HERE", cx: 480, cy: 270}}}, 25)
	_, license := startLTS(t)
	socket := filepath.Join(dir, "s.sock")
	setupFile := filepath.Join(dir, "state", "setup.toml")
	if err := os.Mkdir(filepath.Dir(setupFile), 0o700); err != nil {
		t.Fatal(err)
	}
	config := writeConfig(t, fmt.Sprintf(`
[api]
socket = %q
socket_group = "none"
[setup]
file = %q
[[source]]
name = "cam"
url = "file:%s"
realtime = true
loop = true
%s`, socket, setupFile, video, license))
	sd := &setupDaemon{setupFile: setupFile, config: config, skew: &atomic.Int64{}, expiry: &expiryHook{}}
	m := NewMain()
	m.Stdout, m.Stderr = &syncbuf.Buffer{}, &syncbuf.Buffer{}
	m.Clock = func() time.Time { return time.Now().Add(time.Duration(sd.skew.Load())) }
	m.afterFunc = sd.expiry.afterFunc
	if err := m.ParseFlags([]string{"-config", config}); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	sd.m = m
	sd.c = openapitest.NewClient(t, socket)
	t.Cleanup(func() { sd.c.Close() })
	return sd
}

// runningRegion is the region the running source decodes with.
func (sd *setupDaemon) runningRegion(name string) image.Rectangle {
	d := sd.m.d
	d.mu.Lock()
	defer d.mu.Unlock()
	if sr := d.sources[name]; sr != nil {
		return sr.opts.Region
	}
	return image.Rectangle{}
}

// TestSetupPreviewAndSave drives the setup page's API over the socket:
// the preview refuses until switched on, then serves drawn frames of the
// real video; a region and symbologies saved are checked, kept in the
// setup file and applied to the running source; bad ones change nothing;
// the preview goes off by itself, announced on the event stream.
func TestSetupPreviewAndSave(t *testing.T) {
	sd := startSetupDaemon(t)
	c := sd.c
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	if _, err := c.PreviewFrame(ctx, "cam"); !errors.Is(err, apitype.ErrPreviewOff) {
		t.Fatalf("a preview frame while the preview is off: %v", err)
	}
	events, err := c.Subscribe(ctx, client.EventsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer events.Close()
	nextPreviewEvent := func() apitype.PreviewState {
		t.Helper()
		for {
			ev, err := events.Next()
			if err != nil {
				t.Fatal(err)
			}
			if ev.Kind == client.EventPreview {
				return ev.Preview
			}
		}
	}

	if _, err := c.SetPreview(ctx, apitype.PreviewSettings{Enabled: true, Duration: apitype.Duration(2 * time.Hour)}); !errors.Is(err, apitype.ErrBadSetup) {
		t.Errorf("a preview of 2h: %v", err)
	}
	on, err := c.SetPreview(ctx, apitype.PreviewSettings{Enabled: true})
	if err != nil || !on.Enabled || on.Until.Sub(on.Since) != apitype.DefaultPreviewDuration {
		t.Fatalf("preview on: %+v %v", on, err)
	}
	if ev := nextPreviewEvent(); !ev.Enabled || !ev.Until.Equal(on.Until) {
		t.Errorf("the preview event on: %+v", ev)
	}
	if st, err := c.Status(ctx); err != nil || !st.Preview.Enabled || st.SetupFile != sd.setupFile || len(st.SetupSources) != 0 {
		t.Errorf("status with the preview on: %+v %v", st.Preview, err)
	}
	frame, err := c.PreviewFrame(ctx, "cam")
	if err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(bytes.NewReader(frame))
	if err != nil || img.Bounds() != image.Rect(0, 0, 960, 540) {
		t.Fatalf("preview frame: %v %v", img.Bounds(), err)
	}

	setup, err := c.Setup(ctx)
	if err != nil || len(setup.Sources) != 1 || setup.Sources[0].Width != 960 || setup.Sources[0].Height != 540 ||
		setup.File != sd.setupFile || !slices.Contains(setup.Symbologies, "QR_CODE") {
		t.Fatalf("setup: %+v %v", setup, err)
	}

	// Bad settings answer 400 and change nothing.
	for name, bad := range map[string]apitype.SourceSetup{
		"region outside the frame": {Source: "cam", Region: []int{900, 0, 100, 100}},
		"region of 3 numbers":      {Source: "cam", Region: []int{0, 0, 100}},
		"unknown symbology":        {Source: "cam", Symbologies: []string{"QR_CODE", "NOPE"}},
		"unknown symbology out":    {Source: "cam", Symbologies: []string{"all", "-NOPE"}},
		"no symbology left":        {Source: "cam", Symbologies: []string{"QR_CODE", "-QR_CODE"}},
		"unknown source":           {Source: "nope", Symbologies: []string{"QR_CODE"}},
	} {
		if _, err := c.SaveSetup(ctx, bad); !errors.Is(err, apitype.ErrBadSetup) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := os.Stat(sd.setupFile); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("refused settings wrote the setup file: %v", err)
	}

	saved, err := c.SaveSetup(ctx, apitype.SourceSetup{Source: "cam", Region: []int{240, 100, 480, 340}, Symbologies: []string{"QR_CODE", "EAN_13"}})
	if err != nil {
		t.Fatal(err)
	}
	src := saved.Sources[0]
	if !slices.Equal(src.Region, []int{240, 100, 480, 340}) || !slices.Equal(src.Symbologies, []string{"QR_CODE", "EAN_13"}) && !slices.Equal(src.Symbologies, []string{"EAN_13", "QR_CODE"}) || !src.Saved {
		t.Errorf("saved: %+v", src)
	}
	if got := sd.runningRegion("cam"); got != image.Rect(240, 100, 720, 440) {
		t.Errorf("the running source decodes %v", got)
	}
	if st, err := c.Status(ctx); err != nil || !slices.Equal(st.SetupSources, []string{"cam"}) {
		t.Errorf("status after saving: %v %v", st.SetupSources, err)
	}
	// The file is what the next start (and -check-config) reads.
	cfg, _, err := LoadConfig(sd.config)
	if err != nil || !slices.Equal(cfg.Sources[0].Region, []int{240, 100, 480, 340}) || !slices.Equal(cfg.setupSources, []string{"cam"}) {
		t.Errorf("config loaded again: %v %v", cfg, err)
	}
	if tmps, _ := filepath.Glob(filepath.Join(filepath.Dir(sd.setupFile), ".*tmp")); len(tmps) != 0 {
		t.Errorf("temporary files left: %v", tmps)
	}
	// What was read still arrives, from inside the region.
	for {
		ev, err := events.Next()
		if err != nil {
			t.Fatal(err)
		}
		if ev.Kind == client.EventResult && ev.Result.Text == "AIM-HERE" {
			break
		}
	}

	// The preview goes off by itself once its time is up.
	sd.skew.Store(int64(apitype.DefaultPreviewDuration + time.Second))
	if st, err := c.Preview(ctx); err != nil || st.Enabled {
		t.Errorf("preview past its end: %+v %v", st, err)
	}
	sd.expiry.fireLast(t)
	if ev := nextPreviewEvent(); ev.Enabled || ev.StopReason != apitype.PreviewExpired {
		t.Errorf("the preview event off: %+v", ev)
	}
	if _, err := c.PreviewFrame(ctx, "cam"); !errors.Is(err, apitype.ErrPreviewOff) {
		t.Errorf("a preview frame after expiry: %v", err)
	}
}
