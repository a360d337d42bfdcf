package scanner_test

import (
	"runtime"
	"testing"

	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/scanner"
)

// A worker's decoder keeps its buffers from frame to frame: once warm, a
// 1080p frame costs less fresh memory than half of one binarized image of
// it (1920×1080 bits, 259 KB), where binarizing each pass anew took three
// such images and more.
func TestDecoderReusesBuffersAcrossFrames(t *testing.T) {
	s, _ := symbols.Encode(scanner.QRCode, "https://example.com/ticket/4711?seat=12C")
	c := symbols.NewCanvas(1920, 1080, 230)
	c.Draw(s, symbols.Placement{CX: 900, CY: 500, Module: 4, Dark: 20, Light: 230})
	f := scanner.NewFrame(c.Pix, 1920, 1080, 1920)
	d := scanner.NewDecoder()
	opts := scanner.Options{TryRotated: true}
	d.Decode(f, opts)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const n = 4
	for range n {
		if res, _ := d.Decode(f, opts); len(res) != 1 {
			t.Fatalf("read %d symbols, want the QR code", len(res))
		}
	}
	runtime.ReadMemStats(&after)
	if per, limit := (after.TotalAlloc-before.TotalAlloc)/n, uint64(1920*1080/8/2); per > limit {
		t.Errorf("a warm decoder allocated %d bytes a frame, want under %d", per, limit)
	}
}
