package databar

import (
	"fmt"
	"image"
	"math"
	"sort"
	"sync"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/blackbox"
)

var tryHarder = map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}

// TestBlackboxNoFalsePositives runs the reader over the blackbox images without
// any DataBar Expanded symbol: the "none" family, and the RSS-14 images,
// which the RSS-14 reader owns.
func TestBlackboxNoFalsePositives(t *testing.T) {
	imgs := blackbox.Load(t)
	checked := 0
	for _, im := range imgs {
		if im.Family != "none" && im.Family != "rss14" {
			continue
		}
		checked++
		img := loadImage(t, im.Path)
		if res, err := decodeLikeEngine(t, NewReader(), img, tryHarder); err == nil {
			t.Errorf("%s: read %q from an image without DataBar Expanded", im.Rel, res.GetText())
		}
		bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(gozxing.NewLuminanceSourceFromImage(img)))
		if err != nil {
			t.Fatal(err)
		}
		if results, err := NewReader().DecodeMultiple(bmp, tryHarder); err == nil {
			t.Errorf("%s: DecodeMultiple read %d symbols", im.Rel, len(results))
		}
	}
	if checked == 0 {
		t.Fatal("no none or rss14 images in the manifest")
	}
}

func grayBitmap(t testing.TB, img *image.Gray) *gozxing.BinaryBitmap {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(gozxing.NewLuminanceSourceFromImage(img)))
	if err != nil {
		t.Fatal(err)
	}
	return bmp
}

func TestDecodeMultiple(t *testing.T) {
	texts := []string{
		"(01)90012345678908(3103)001750",
		"(10)ABC123(21)XYZ",
		"(01)98898765432106(3202)012345(15)991231",
	}
	canvas := placeOn(image.NewGray(image.Rect(0, 0, 1, 1)), 1280, 720, 0, 0, 255)
	at := [][2]int{{40, 40}, {700, 60}, {200, 400}}
	for i, text := range texts {
		sym := symbolImage(t, text, []int{0, 0, 2}[i], 2)
		b := sym.Bounds()
		for y := 0; y < b.Dy(); y++ {
			for x := 0; x < b.Dx(); x++ {
				canvas.SetGray(at[i][0]+x, at[i][1]+y, sym.GrayAt(x, y))
			}
		}
	}
	results, err := NewReader().DecodeMultiple(grayBitmap(t, canvas), nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range results {
		got = append(got, r.GetText())
	}
	sort.Strings(got)
	want := append([]string(nil), texts...)
	sort.Strings(want)
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

func TestResultPoints(t *testing.T) {
	const text = "(01)90012345678908(3103)001750"
	sym := symbolImage(t, text, 0, 2) // 6-module quiet zone
	sb := sym.Bounds()
	const x0, y0 = 100, 50
	frame := placeOn(sym, 800, 300, x0, y0, 255)
	// The symbol proper, without quiet zone.
	left, right := float64(x0+12), float64(x0+sb.Dx()-12)
	top, bottom := float64(y0+12), float64(y0+sb.Dy()-12)
	for _, turns := range []int{0, 2} {
		img := rotateQuarter(frame, turns)
		res, err := NewReader().Decode(grayBitmap(t, img), nil)
		if err != nil {
			t.Fatalf("turns %d: %v", turns, err)
		}
		pts := res.GetResultPoints()
		if len(pts) != 4 {
			t.Fatalf("turns %d: %d points", turns, len(pts))
		}
		// Corners as the symbol reads: top-left, bottom-left,
		// bottom-right, top-right, mapped into the turned image.
		want := [4][2]float64{{left, top}, {left, bottom}, {right, bottom}, {right, top}}
		for i, w := range want {
			wx, wy := w[0], w[1]
			if turns == 2 {
				wx, wy = float64(frame.Bounds().Dx()-1)-wx, float64(frame.Bounds().Dy()-1)-wy
			}
			// x within 3 modules; y somewhere in the bars' height.
			if math.Abs(pts[i].GetX()-wx) > 6 || math.Abs(pts[i].GetY()-wy) > float64(sb.Dy()) {
				t.Errorf("turns %d: point %d at (%.0f,%.0f), want near (%.0f,%.0f)", turns, i, pts[i].GetX(), pts[i].GetY(), wx, wy)
			}
		}
		tl, bl := pts[0], pts[1]
		if (turns == 0) != (bl.GetY() >= tl.GetY()) {
			t.Errorf("turns %d: bottom-left %v is not below top-left %v as the symbol reads", turns, bl, tl)
		}
	}
}

func TestReaderReuse(t *testing.T) {
	r := NewReader()
	steps := []struct {
		text        string
		pairsPerRow int
		reset       bool
	}{
		// A wide single-row symbol reads from one line, then a narrower
		// stacked one needs lines explored: the scratch rows of the
		// exploration must fit the narrower image.
		{"(01)98898765432106(15)991231(3103)001750(10)12A(422)123", 0, false},
		{"(21)ABC(10)XYZ", 1, false},
		{"(10)12A", 0, false},
		{"(01)90012345678908(3922)795", 2, true},
		{"(10)12A", 0, false},
	}
	for _, st := range steps {
		if st.reset {
			r.Reset()
		}
		res, err := r.Decode(grayBitmap(t, symbolImage(t, st.text, st.pairsPerRow, 2)), nil)
		if err != nil {
			t.Fatalf("%s: %v", st.text, err)
		}
		if res.GetText() != st.text {
			t.Errorf("got %q, want %q", res.GetText(), st.text)
		}
	}
	blank := placeOn(image.NewGray(image.Rect(0, 0, 1, 1)), 300, 200, 0, 0, 255)
	if _, err := r.Decode(grayBitmap(t, blank), nil); err == nil {
		t.Error("a blank image read after a symbol")
	} else if _, ok := err.(gozxing.NotFoundException); !ok {
		t.Errorf("blank image: %T %v, want NotFoundException", err, err)
	}
}

func TestDecodeNilImage(t *testing.T) {
	if _, err := NewReader().DecodeWithoutHints(nil); err == nil {
		t.Error("nil image decoded")
	}
}

// TestParallelReaders runs one Reader per goroutine, as the engine's
// workers do; with -race it shows the package shares no mutable state.
func TestParallelReaders(t *testing.T) {
	texts := []string{"(10)12A", "(01)90012345678908(3103)001750", "(21)ABC(10)XYZ", "(01)90012345678908(3922)795"}
	imgs := make([]*image.Gray, len(texts))
	for i, text := range texts {
		imgs[i] = symbolImage(t, text, i%3, 2)
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(texts))
	for w := range texts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := NewReader()
			for i := range 3 * len(imgs) {
				k := (w + i) % len(imgs)
				bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(gozxing.NewLuminanceSourceFromImage(imgs[k])))
				if err != nil {
					errs <- err
					return
				}
				res, err := r.Decode(bmp, tryHarder)
				if err != nil || res.GetText() != texts[k] {
					errs <- fmt.Errorf("worker %d, %q: got %v, %v", w, texts[k], res, err)
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
