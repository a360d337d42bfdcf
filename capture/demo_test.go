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
	// A clock that moves only when the demo waits, and a record of the
	// waits: frames 20 ms apart, however fast the machine renders them.
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var waits []time.Duration
	capture.PaceDemo(d, func() time.Time { return now }, func(_ context.Context, w time.Duration) error {
		waits = append(waits, w)
		now = now.Add(w)
		return nil
	})
	ctx := context.Background()
	if err := d.Open(ctx); err != nil {
		t.Fatal(err)
	}
	pool := scanner.NewPlanePool(0)
	start := now
	for i := 0; i < 11; i++ {
		f, err := d.Read(ctx, pool)
		if err != nil {
			t.Fatal(err)
		}
		f.Purge()
		if i == 5 {
			now = now.Add(7 * time.Millisecond) // rendering took a while
		}
	}
	if el := now.Sub(start); el != 200*time.Millisecond {
		t.Errorf("11 frames at 50 fps took %v, want 200ms", el)
	}
	if len(waits) != 10 || waits[0] != 20*time.Millisecond || waits[5] != 13*time.Millisecond {
		t.Errorf("waits %v: want ten, of 20 ms but 13 ms after a frame that took 7 ms", waits)
	}
	// A demo that falls far behind starts afresh rather than racing
	// through the frames it missed: two frames at once, then the pace.
	now = now.Add(5 * time.Second)
	waits = waits[:0]
	for i := 0; i < 3; i++ {
		f, err := d.Read(ctx, pool)
		if err != nil {
			t.Fatal(err)
		}
		f.Purge()
	}
	if len(waits) != 1 || waits[0] != 20*time.Millisecond {
		t.Errorf("after falling behind: waits %v, want one of 20 ms", waits)
	}
}
