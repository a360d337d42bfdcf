package capture_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/scannerd/scannerd/capture"
	"github.com/scannerd/scannerd/internal/conf"
	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/scanner"
)

func writePNG(t *testing.T, path string, c *symbols.Canvas) {
	t.Helper()
	img := &image.Gray{Pix: c.Pix, Stride: c.Width, Rect: image.Rect(0, 0, c.Width, c.Height)}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	// Written under a temporary name and renamed, as the source expects.
	tmp := path + ".part"
	if err := os.WriteFile(tmp, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func TestDirSourceReadsEachFileOnce(t *testing.T) {
	for _, after := range []string{"delete", "move:done"} {
		t.Run(after, func(t *testing.T) {
			dir := t.TempDir()
			spec := capture.Spec{Name: "inbox", URL: "dir:" + dir, AfterRead: after}
			if after != "delete" {
				spec.AfterRead = "move:" + filepath.Join(dir, "done")
			}
			src, err := capture.New(spec, capture.Env{})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := src.Open(ctx); err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			writePNG(t, filepath.Join(dir, "a.png"), videoCanvas(t, scanner.QRCode, "first"))
			// Corrupt, not cut short (an end before any image data),
			// so skipped at once rather than left to settle.
			os.WriteFile(filepath.Join(dir, "broken.png"), []byte(brokenPNG), 0o644)
			os.WriteFile(filepath.Join(dir, ".hidden.png"), []byte("ignored"), 0o644)
			pool := scanner.NewPlanePool(0)
			f, err := src.Read(ctx, pool)
			if err != nil {
				t.Fatal(err)
			}
			res, _ := scanner.NewDecoder().Decode(f, scanner.Options{})
			finish(f, nil)
			if len(res) != 1 || res[0].Text != "first" {
				t.Fatalf("decoded %+v", res)
			}
			// The bad file is skipped, not retried forever; a file that
			// arrives while the source waits is read.
			waits := 0
			capture.PaceDir(src, func(ctx context.Context, d time.Duration) error {
				if waits++; waits == 1 {
					writePNG(t, filepath.Join(dir, "b.png"), videoCanvas(t, scanner.QRCode, "second"))
				}
				return ctx.Err()
			})
			f, err = src.Read(ctx, pool)
			if err != nil {
				t.Fatal(err)
			}
			res, _ = scanner.NewDecoder().Decode(f, scanner.Options{})
			finish(f, nil)
			if len(res) != 1 || res[0].Text != "second" {
				t.Fatalf("decoded %+v", res)
			}
			left, _ := filepath.Glob(filepath.Join(dir, "[^.]*.png"))
			if len(left) != 0 {
				t.Errorf("files left in the inbox: %v", left)
			}
			if waits != 1 {
				t.Errorf("the source polled %d times for one new file, want 1", waits)
			}
			if after != "delete" {
				moved, _ := filepath.Glob(filepath.Join(dir, "done", "*.png"))
				if len(moved) != 3 {
					t.Errorf("moved files: %v, want a, b and broken", moved)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, ".hidden.png")); err != nil {
				t.Error("a hidden file was touched")
			}
		})
	}
}

func videoCanvas(t *testing.T, sym scanner.Symbology, text string) *symbols.Canvas {
	s, err := symbols.Encode(sym, text)
	if err != nil {
		t.Fatal(err)
	}
	c := symbols.NewCanvas(320, 240, 220)
	c.Draw(s, symbols.Placement{CX: 160, CY: 120, Module: 3, Dark: 20, Light: 235})
	return c
}

func TestSpecValidation(t *testing.T) {
	for _, tc := range []struct {
		spec capture.Spec
		ok   bool
	}{
		{capture.Spec{Name: "a", URL: "demo"}, true},
		{capture.Spec{Name: "a", URL: "camera:0", FourCC: "MJPG", Properties: map[string]float64{"focus": 30}}, true},
		{capture.Spec{Name: "a", URL: "/dev/video2"}, true},
		{capture.Spec{Name: "a", URL: "rtsp://user:pw@cam.local/stream"}, true},
		{capture.Spec{Name: "a", URL: "gst:videotestsrc ! appsink"}, true},
		{capture.Spec{Name: "", URL: "demo"}, false},
		{capture.Spec{Name: "a", URL: "camera:x"}, false},
		{capture.Spec{Name: "a", URL: "gst:videotestsrc ! fakesink"}, false},
		{capture.Spec{Name: "a", URL: "http://example.com"}, false},
		{capture.Spec{Name: "a", URL: "camera:0", FourCC: "MJPEG"}, false},
		{capture.Spec{Name: "a", URL: "camera:0", Properties: map[string]float64{"iso": 1}}, false},
		{capture.Spec{Name: "a", URL: "dir:/x", AfterRead: "shred"}, false},
		{capture.Spec{Name: "a", URL: "demo", Symbologies: conf.List{"qr_code", "klingon"}}, false},
		{capture.Spec{Name: "a", URL: "demo", Symbologies: conf.List{"QR_CODE", "EAN_13"}}, true},
		{capture.Spec{Name: "a", URL: "demo", Symbologies: conf.List{"default", "all"}, EANAddOn: "require"}, true},
		{capture.Spec{Name: "a", URL: "demo", EANAddOn: "sometimes"}, false},
		{capture.Spec{Name: "a", URL: "demo", MSICheck: "mod11_ncr_mod10", TelepenNumeric: true}, true},
		{capture.Spec{Name: "a", URL: "demo", MSICheck: "mod12"}, false},
		{capture.Spec{Name: "a", URL: "demo", Region: []int{0, 0, 10}}, false},
		{capture.Spec{Name: "a", URL: "demo", Region: []int{1200, 600, 80, 120}}, true},
		{capture.Spec{Name: "a", URL: "demo", Region: []int{1200, 600, 81, 120}}, false},      // past the demo's 1280×720
		{capture.Spec{Name: "a", URL: "camera:0", Region: []int{5000, 5000, 100, 100}}, true}, // size unknown until the first frame
		{capture.Spec{Name: "a", URL: "camera:0", Width: 640, Height: 480, Region: []int{600, 0, 100, 100}}, false},
		{capture.Spec{Name: "a", URL: "camera:0", Region: []int{0, 0, 1 << 40, 10}}, false},
		{capture.Spec{Name: "a", URL: "camera:0", Width: 100000, Height: 480}, false},
		{capture.Spec{Name: "a", URL: "camera:0", Width: 640, Height: -1}, false},
		{capture.Spec{Name: "a", URL: "camera:0", FPS: 1e9}, false},
		{capture.Spec{Name: "a", URL: "demo", FrameBudget: "15ms"}, true},
		{capture.Spec{Name: "a", URL: "demo", FrameBudget: "15"}, false},
		{capture.Spec{Name: "a", URL: "demo", FrameBudget: "-1ms"}, false},
		{capture.Spec{Name: "a", URL: "demo", Rescan: "2s"}, true},
		{capture.Spec{Name: "a", URL: "demo", Rescan: "2"}, false},
		{capture.Spec{Name: "a", URL: "demo", Rescan: "-1s"}, false},
		{capture.Spec{Name: "a", URL: "demo", FrameBudget: "10s", Rescan: "1h"}, true},
		{capture.Spec{Name: "a", URL: "demo", FrameBudget: "100h"}, false}, // "100ms" mistyped
		{capture.Spec{Name: "a", URL: "demo", FrameBudget: "11s"}, false},
		{capture.Spec{Name: "a", URL: "demo", Rescan: "48h"}, false},
		{capture.Spec{Name: "a", URL: "dir:/srv/in"}, true},
		{capture.Spec{Name: "a", URL: "dir:relative"}, false}, // relative to / under systemd
		{capture.Spec{Name: "a", URL: "dir:./in", AfterRead: "move:/srv/done"}, false},
	} {
		err := tc.spec.Validate()
		if (err == nil) != tc.ok || err != nil && !errors.Is(err, capture.ErrBadSpec) {
			t.Errorf("%+v: err = %v, want ok=%v", tc.spec, err, tc.ok)
		}
	}
	if o, err := (&capture.Spec{Name: "a", URL: "demo", DPM: true}).Options(); err != nil || !o.DPM {
		t.Errorf("dpm = true: options %+v, %v", o, err)
	}
	// Live frames are decoded adaptively within a budget unless the
	// source says otherwise.
	off := false
	for _, tc := range []struct {
		spec           capture.Spec
		adaptive       bool
		budget, rescan time.Duration
	}{
		{capture.Spec{Name: "a", URL: "demo"}, true, capture.DefaultFrameBudget, capture.DefaultRescan},
		{capture.Spec{Name: "a", URL: "demo", Adaptive: &off, FrameBudget: "0s", Rescan: "0s"}, false, 0, 0},
		{capture.Spec{Name: "a", URL: "demo", FrameBudget: "35ms", Rescan: "2s"}, true, 35 * time.Millisecond, 2 * time.Second},
	} {
		o, err := tc.spec.Options()
		if err != nil || o.Adaptive != tc.adaptive || o.Budget != tc.budget || o.Rescan != tc.rescan {
			t.Errorf("%+v: options %+v, %v; want adaptive %v, budget %v, rescan %v", tc.spec, o, err, tc.adaptive, tc.budget, tc.rescan)
		}
	}
	if got := capture.Redacted("rtsp://user:secret@cam.local/stream"); got != "rtsp://xxx@cam.local/stream" {
		t.Errorf("Redacted = %q", got)
	}
}
