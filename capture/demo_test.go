package capture_test

import (
	"context"
	"testing"
	"time"

	"github.com/scannerd/scannerd/capture"
	"github.com/scannerd/scannerd/scanner"
)

func TestDemoShowsDecodableCodes(t *testing.T) {
	d := capture.NewDemo(capture.DemoConfig{FPS: 1000, LabelFrames: 25}, nil)
	ctx := context.Background()
	if err := d.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	pool := scanner.NewPlanePool(0)
	dec := scanner.NewDecoder()
	read := map[string]scanner.Symbology{}
	shown := map[string]scanner.Symbology{}
	for i := 0; i < 150; i++ {
		for text, sym := range d.Showing() {
			shown[text] = sym
		}
		f, err := d.Read(ctx, pool)
		if err != nil {
			t.Fatal(err)
		}
		if f.Width != 1280 || f.Height != 720 || f.Seq != uint64(i) {
			t.Fatalf("frame %d: %d×%d seq %d", i, f.Width, f.Height, f.Seq)
		}
		if i%5 == 0 {
			res, _ := dec.Decode(f, scanner.Options{})
			for _, r := range res {
				read[r.Text] = r.Symbology
			}
		}
		f.Purge()
	}
	for text, sym := range read {
		if shown[text] != sym {
			t.Errorf("read %v %q, which the demo never showed", sym, text)
		}
	}
	kinds := map[scanner.Symbology]bool{}
	for _, sym := range read {
		kinds[sym] = true
	}
	if len(read) < 4 || len(kinds) < 3 {
		t.Errorf("over 150 frames the demo yielded %d codes of %d symbologies; want a varied stream", len(read), len(kinds))
	}
	if pool.Stats().Outgoing != 0 {
		t.Error("frames not purged")
	}
}

func TestDemoPacesFrames(t *testing.T) {
	d := capture.NewDemo(capture.DemoConfig{Width: 320, Height: 240, FPS: 50}, nil)
	ctx := context.Background()
	if err := d.Open(ctx); err != nil {
		t.Fatal(err)
	}
	pool := scanner.NewPlanePool(0)
	start := time.Now()
	for i := 0; i < 11; i++ {
		f, err := d.Read(ctx, pool)
		if err != nil {
			t.Fatal(err)
		}
		f.Purge()
	}
	// Ten intervals of 20 ms: at least 200 ms (only a lower bound is
	// asserted; a loaded machine may be slower).
	if el := time.Since(start); el < 190*time.Millisecond {
		t.Errorf("11 frames at 50 fps took %v", el)
	}
}
