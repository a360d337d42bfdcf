package pdf417

import (
	"fmt"
	"image"
	"image/draw"
	"sort"
	"sync"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

func TestDecodeMultiple(t *testing.T) {
	texts := []string{"FIRST SYMBOL", "second symbol 2", "THIRD 333"}
	canvas := image.NewGray(image.Rect(0, 0, 1280, 720))
	for i := range canvas.Pix {
		canvas.Pix[i] = 255
	}
	place := func(img *image.Gray, x, y int) {
		draw.Draw(canvas, img.Bounds().Add(image.Pt(x, y)), img, image.Point{}, draw.Src)
	}
	spec := symbolSpec{cols: 3, ecLevel: 2}
	place(makeSymbol(t, []segment{textSeg(texts[0])}, spec, 2), 40, 40)
	place(makeSymbol(t, []segment{textSeg(texts[1])}, spec, 2), 500, 300)
	place(rotateRight(makeSymbol(t, []segment{textSeg(texts[2])}, spec, 2), 1), 1000, 100)

	res, err := NewReader().DecodeMultiple(bitmap(canvas), nil)
	if err != nil {
		t.Fatalf("DecodeMultiple: %v", err)
	}
	var got []string
	for _, r := range res {
		got = append(got, r.GetText())
	}
	sort.Strings(got)
	want := append([]string(nil), texts...)
	sort.Strings(want)
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
}

// TestReadersInParallel decodes with one Reader per goroutine, as the
// engine's workers do; run with -race it shows the package shares no
// mutable state between Readers.
func TestReadersInParallel(t *testing.T) {
	texts := []string{"WORKER ONE", "worker two", "WORKER 3", "four"}
	imgs := make([]*gozxing.BinaryBitmap, len(texts))
	for i, s := range texts {
		imgs[i] = bitmap(makeSymbol(t, []segment{textSeg(s)}, symbolSpec{cols: 2 + i, ecLevel: i}, 2))
		if _, err := imgs[i].GetBlackMatrix(); err != nil { // BinaryBitmap caches lazily
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(texts))
	for w := range texts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := NewReader()
			for k := 0; k < 20; k++ {
				i := (w + k) % len(texts)
				res, err := r.Decode(imgs[i], nil)
				if err != nil || res.GetText() != texts[i] {
					errs <- fmt.Errorf("worker %d image %d: %v %v", w, i, res, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
