package debugexport_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"testing"
	"time"

	"github.com/scannerd/scannerd/debugexport"
	"github.com/scannerd/scannerd/scanner"
)

// grayFrame is a frame of one gray level with a row stride wider than its
// width, as capture hands them over.
func grayFrame(source string, w, h int) *scanner.Frame {
	stride := w + 16
	pix := make([]byte, stride*h)
	for i := range pix {
		pix[i] = 128
	}
	f := scanner.NewFrame(pix, w, h, stride)
	f.Source = source
	return f
}

// TestSnapshotIsTheNextFrameAnnotated: a taker gets the next frame of its
// source, not another source's, as a PNG with the outline and the region
// of interest drawn.
func TestSnapshotIsTheNextFrameAnnotated(t *testing.T) {
	s := debugexport.NewSnapshots()
	got := make(chan []byte, 1)
	errs := make(chan error, 1)
	go func() {
		b, err := s.Take(context.Background(), "door")
		got <- b
		errs <- err
	}()
	rep := &scanner.FrameReport{Source: "door", Width: 200, Height: 120,
		Options: scanner.Options{Region: image.Rect(10, 10, 190, 110)},
		Results: []scanner.Result{{Symbology: scanner.QRCode, Text: "hello",
			Points: [4]scanner.Point{{X: 50, Y: 40}, {X: 150, Y: 40}, {X: 150, Y: 100}, {X: 50, Y: 100}}}}}
	// Until the taker is waiting, frames pass untouched; then only its
	// source's frame answers it.
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		s.Inspect(grayFrame("hall", 200, 120), &scanner.FrameReport{Source: "hall", Width: 200, Height: 120})
		s.Inspect(grayFrame("door", 200, 120), rep)
		select {
		case b := <-got:
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if img.Bounds() != image.Rect(0, 0, 200, 120) {
				t.Fatalf("bounds %v", img.Bounds())
			}
			isRed := func(c color.Color) bool { r, g, b, _ := c.RGBA(); return r > 200<<8 && g < 60<<8 && b < 60<<8 }
			isYellow := func(c color.Color) bool { r, g, b, _ := c.RGBA(); return r > 200<<8 && g > 200<<8 && b < 60<<8 }
			if !isRed(img.At(100, 40)) || !isYellow(img.At(100, 10)) {
				t.Errorf("outline %v, region %v", img.At(100, 40), img.At(100, 10))
			}
			if r, _, _, _ := img.At(100, 70).RGBA(); r>>8 != 128 {
				t.Errorf("frame content %v", img.At(100, 70))
			}
			return
		case <-time.After(time.Millisecond):
		}
	}
	t.Fatal("no snapshot")
}

func TestSnapshotGivesUpWithItsContext(t *testing.T) {
	s := debugexport.NewSnapshots()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Take(ctx, "door"); !errors.Is(err, context.Canceled) {
		t.Errorf("Take after cancel: %v", err)
	}
	// Nobody waits any more: a frame is left alone.
	s.Inspect(grayFrame("door", 8, 8), &scanner.FrameReport{Source: "door", Width: 8, Height: 8})
}
