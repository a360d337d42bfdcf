package scanner

import (
	"fmt"
	"image"
	"image/color"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"

	"github.com/scannerd/scannerd/internal/zint"
)

// The decoder reverses rows in place; the result is gozxing's.
func TestReverseRowMatchesGozxing(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	d := newDecoder()
	for _, size := range []int{1, 5, 31, 32, 33, 63, 64, 65, 100, 1920} {
		a, b := gozxing.NewBitArray(size), gozxing.NewBitArray(size)
		for i := 0; i < size; i++ {
			if rng.IntN(2) == 0 {
				a.Set(i)
				b.Set(i)
			}
		}
		a.Reverse()
		d.reverse(b)
		if !slices.Equal(a.GetBitArray(), b.GetBitArray()) {
			t.Fatalf("size %d: reversed %x, gozxing %x", size, b.GetBitArray(), a.GetBitArray())
		}
	}
}

// After a frame the decoder keeps no image data in the buffers it reuses:
// the scratch planes and the binarized rows of its row readers (those read
// again at the mid-range black point: midwipe_test.go).
func TestDecoderKeepsNoRowsAfterAFrame(t *testing.T) {
	const w, h = 1200, 500
	f := noiseFrame(w, h, 4)
	d := newDecoder()
	d.decode(f, Options{TryHarder: true, TryInverted: true, TryRotated: true})
	f.Purge()
	zero := func(name string, words []uint32) {
		for _, v := range words {
			if v != 0 {
				t.Errorf("%s holds image data after the frame", name)
				return
			}
		}
	}
	for name, r := range map[string]*gozxing.BitArray{"row": d.row, "work": d.work, "probe": d.probe} {
		if r != nil {
			zero(name, r.GetBitArray())
		}
	}
	zero("reversed row", d.revWords[:cap(d.revWords)])
	for name, b := range map[string][]byte{"matrix": d.scratch.mat, "half": d.scratch.half, "double": d.scratch.double, "view": d.scratch.view} {
		if slices.ContainsFunc(b[:cap(b)], func(v byte) bool { return v != 0 }) {
			t.Errorf("scratch %s holds image data after the frame", name)
		}
	}
	for _, rs := range []*rowScanner{&d.rowScan, &d.probeScan, &d.localScan, &d.smoothScan} {
		if slices.ContainsFunc(rs.lum[:cap(rs.lum)], func(v byte) bool { return v != 0 }) {
			t.Error("a gray row kept after the frame")
		}
		if slices.ContainsFunc(rs.fwd[:cap(rs.fwd)], func(v int) bool { return v != 0 }) {
			t.Error("the widths of a row kept after the frame")
		}
	}
}

// TestDecoderWipesScratchAcrossSizes: a frame smaller than one before
// it clears only what it used of the scratch buffers (scratch.bytes), so
// after each frame of a sequence of sizes, every byte of every buffer,
// to its capacity, is zero again: what the large frame wrote was cleared
// after it, and the small one wrote no further than it clears.
func TestDecoderWipesScratchAcrossSizes(t *testing.T) {
	d := newDecoder()
	for i, size := range [][2]int{{1200, 500}, {300, 200}, {640, 480}, {300, 200}} {
		f := noiseFrame(size[0], size[1], uint64(5+i))
		d.decode(f, Options{TryHarder: true, TryInverted: true, TryRotated: true})
		f.Purge()
		s := &d.scratch
		for name, b := range map[string][]byte{"matrix": s.mat, "half": s.half, "double": s.double, "box": s.box, "slant": s.slant, "view": s.view} {
			if slices.ContainsFunc(b[:cap(b)], func(v byte) bool { return v != 0 }) {
				t.Errorf("frame %d (%d×%d): scratch %s holds image data after it", i, size[0], size[1], name)
			}
		}
		for name, b := range map[string][]int{"black points": s.blackPts, "thresholds": s.thresholds} {
			if slices.ContainsFunc(b[:cap(b)], func(v int) bool { return v != 0 }) {
				t.Errorf("frame %d (%d×%d): scratch %s hold image data after it", i, size[0], size[1], name)
			}
		}
		if cap(s.view) < 1200*500 || cap(s.thresholds) < 1200*500/64 {
			t.Fatalf("frame %d: the view's buffer holds %d bytes, the thresholds' %d: the test no longer sees the large frame's buffers reused", i, cap(s.view), cap(s.thresholds))
		}
	}
}

// wipeImage zeroes the pixels of every kind of image the decoders return.
func TestWipeImage(t *testing.T) {
	r := image.Rect(0, 0, 7, 5)
	imgs := []image.Image{
		image.NewGray(r), image.NewGray16(r), image.NewRGBA(r), image.NewRGBA64(r), image.NewNRGBA(r),
		image.NewNRGBA64(r), image.NewCMYK(r), image.NewAlpha(r), image.NewAlpha16(r),
		image.NewPaletted(r, color.Palette{color.Black, color.White}),
		image.NewYCbCr(r, image.YCbCrSubsampleRatio420), image.NewNYCbCrA(r, image.YCbCrSubsampleRatio444),
	}
	for _, img := range imgs {
		planes := imagePlanes(img)
		for _, p := range planes {
			for i := range p {
				p[i] = 0x5a
			}
		}
		wipeImage(img)
		for _, p := range planes {
			if slices.ContainsFunc(p, func(v byte) bool { return v != 0 }) {
				t.Errorf("%T not wiped", img)
			}
		}
	}
}

func imagePlanes(img image.Image) [][]byte {
	switch m := img.(type) {
	case *image.YCbCr:
		return [][]byte{m.Y, m.Cb, m.Cr}
	case *image.NYCbCrA:
		return [][]byte{m.Y, m.Cb, m.Cr, m.A}
	case *image.Paletted:
		return [][]byte{m.Pix}
	}
	return [][]byte{reflect.ValueOf(img).Elem().FieldByName("Pix").Bytes()}
}

// Each pass of a decode leaves the binarized image it computed, and the
// row of pixels its binarizer kept, all zeros: they are image data like
// the frame itself, and a pass's bitmap and binarizer are garbage nothing
// else would clear. With only QR Code asked for, no step of the turned
// pass binarizes its view, and the wipe of its bitmap is what does.
func TestDecoderWipesEachPassesBinarizedImage(t *testing.T) {
	for _, tc := range []struct {
		name string
		syms SymbologySet
		// rowsOnly: the passes that read only rows leave the whole view
		// unbinarized (it is not binarized just to be cleared).
		rowsOnly bool
	}{
		{"defaults", 0, false},
		{"QR_CODE", NewSymbologySet(QRCode), false},
		{"CODE_128", NewSymbologySet(Code128), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const w, h = 640, 360
			f := noiseFrame(w, h, 5)
			d := newDecoder()
			passes, unbuilt := 0, 0
			d.passDone = func(bm *gozxing.BinaryBitmap, bin gozxing.Binarizer, computed bool) {
				if !matrixBuilt(bin) {
					unbuilt++
				}
				var lum []byte
				switch b := bin.(type) {
				case *globalBinarizer:
					lum = b.lum
				case *hybridBinarizer:
					lum = b.lum
				}
				if slices.ContainsFunc(lum, func(v byte) bool { return v != 0 }) {
					t.Errorf("pass %d: the binarizer keeps a row of the view after the pass", passes+1)
				}
				if !computed {
					return
				}
				m, err := bm.GetBlackMatrix()
				if err != nil {
					return
				}
				passes++
				for y := 0; y < m.GetHeight(); y++ {
					for x := 0; x < m.GetWidth(); x++ {
						if m.Get(x, y) {
							t.Fatalf("pass %d: the binarized image holds image data after the pass", passes)
						}
					}
				}
			}
			d.decode(f, Options{TryHarder: true, TryInverted: true, TryRotated: true, Symbologies: tc.syms})
			f.Purge()
			switch {
			case tc.rowsOnly && unbuilt == 0:
				t.Errorf("all %d passes binarized the whole view: passes of rows alone need none", passes)
			case !tc.rowsOnly && passes == 0:
				t.Fatal("no pass binarized the frame")
			}
		})
	}
}

// TestEngineWipesSceneMemory: the blocks' means and spans a live source's
// scene memory keeps (Options.Rescan) are a small picture of the scene:
// those of an older frame size are zeroed when a frame of another size
// replaces them, and the rest when the engine closes.
func TestEngineWipesSceneMemory(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	pool := NewPlanePool(0)
	done := make(chan struct{}, 2)
	e := NewEngine(EngineConfig{Workers: 1, QueueSize: 2, OnFrame: func(*FrameReport) { done <- struct{}{} }})
	e.Start()
	defer e.Close()
	held := func() [][]uint8 {
		m := e.scene("cam")
		m.mu.Lock()
		defer m.mu.Unlock()
		return [][]uint8{m.means, m.spans}
	}
	zeroed := func(bufs [][]uint8) bool {
		for _, b := range bufs {
			if len(b) == 0 || slices.ContainsFunc(b, func(v uint8) bool { return v != 0 }) {
				return false
			}
		}
		return true
	}
	for i, size := range []image.Point{{128, 96}, {96, 64}} {
		before := held()
		f := pool.Get(size.X, size.Y)
		for j := range f.Pix {
			f.Pix[j] = byte(40 + rng.IntN(180)) // contrasted all over
		}
		f.Source, f.Seq, f.CapturedAt = "cam", uint64(i), time.Unix(1_700_000_000+int64(i), 0)
		e.Submit(f, Options{Adaptive: true, Rescan: time.Hour})
		<-done
		if i > 0 && !zeroed(before) {
			t.Error("the first frame size's blocks kept after a frame of another size")
		}
	}
	last := held()
	if zeroed(last) {
		t.Fatal("the scene memory learnt nothing from the frame")
	}
	e.Close()
	if !zeroed(last) {
		t.Error("the scene memory's blocks kept after the engine closed")
	}
}

// TestEngineWipesCarriedLook: a first look the budget cut short keeps the
// blocks of the frame it began in for the frame that completes it
// (carriedLook), a small picture of the scene too: zeroed when the engine
// closes.
func TestEngineWipesCarriedLook(t *testing.T) {
	done := make(chan struct{}, 1)
	e := NewEngine(EngineConfig{Workers: 1, OnFrame: func(*FrameReport) { done <- struct{}{} }})
	e.Start()
	defer e.Close()
	f := noiseFrame(256, 256, 9)
	f.Source, f.CapturedAt = "cam", time.Unix(1_700_000_000, 0)
	e.Submit(f, Options{Adaptive: true, Rescan: time.Hour, Budget: time.Nanosecond})
	<-done
	m := e.scene("cam")
	m.mu.Lock()
	c := m.carried
	m.mu.Unlock()
	if c == nil || !slices.ContainsFunc(c.began.stats.means, func(v uint8) bool { return v != 0 }) {
		t.Fatalf("no look carried past a spent budget: %+v", c)
	}
	e.Close()
	if slices.ContainsFunc(c.began.stats.means, func(v uint8) bool { return v != 0 }) ||
		slices.ContainsFunc(c.began.stats.spans, func(v uint8) bool { return v != 0 }) {
		t.Error("the carried look's blocks kept after the engine closed")
	}
}

// noiseFrame returns a pooled w×h frame of black and white pixels drawn
// at random from seed: every reader finds candidates in it, and nothing
// decodes.
func noiseFrame(w, h int, seed uint64) *Frame {
	rng := rand.New(rand.NewPCG(seed, seed))
	f := NewPlanePool(0).Get(w, h)
	for i := range f.Pix {
		f.Pix[i] = byte(rng.IntN(2) * 255)
	}
	return f
}

// TestDecoderKeepsNothingOfWhatItRead: after a frame whose Code 128 symbol
// it read, with every symbology on, the decoder keeps neither the
// symbol's text and characters (its row readers' linear readers) nor its
// rows' histograms, nor where things lay in the view: the regions, busy
// cells, boxes, bands of bars, and the hints that named them.
func TestDecoderKeepsNothingOfWhatItRead(t *testing.T) {
	const w, h, text = 640, 360, "KEEP-NOTHING-128"
	bars, err := oned.NewCode128Writer().Encode(text, gozxing.BarcodeFormat_CODE_128, 0, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := noiseFrame(w, h, 9)
	for y := range h {
		for x := range w {
			if x < 520 {
				f.Pix[y*w+x] = 230 // light, but for the symbol; noise on the right
			}
		}
	}
	for y := 60; y < 200; y++ {
		for x := range bars.GetWidth() {
			if bars.Get(x, 0) {
				f.Pix[y*w+30+2*x], f.Pix[y*w+31+2*x] = 20, 20
			}
		}
	}
	d := newDecoder()
	res, _ := d.decode(f, Options{Symbologies: AllSymbologies(), TryHarder: true, TryInverted: true, TryRotated: true})
	f.Purge()
	if !slices.ContainsFunc(res, func(r Result) bool { return r.Text == text }) {
		t.Fatalf("read %+v, not the symbol", res)
	}
	keepsNothing(t, d)
	// And after a frame of noise, which the dense rows search where bars
	// lie across them.
	f = noiseFrame(w, h, 10)
	d.decode(f, Options{Symbologies: AllSymbologies(), TryHarder: true, TryInverted: true, TryRotated: true})
	f.Purge()
	if !d.barsLooked {
		t.Fatal("no look at the noise's bars: the test no longer sees the bands kept")
	}
	keepsNothing(t, d)
}

// keepsNothing checks what TestDecoderKeepsNothingOfWhatItRead asserts of
// d after a frame.
func keepsNothing(t *testing.T, d *decoder) {
	t.Helper()
	for i, rs := range []*rowScanner{&d.rowScan, &d.probeScan, &d.localScan, &d.smoothScan, &d.midScan} {
		if path := heldIn(reflect.ValueOf(rs).Elem(), "rowScanner"); path != "" {
			t.Errorf("row scanner %d: %s holds data after the frame", i, path)
		}
	}
	for name, v := range map[string]any{"regions": d.regions, "searchIn": d.searchIn, "active": d.active,
		"darkRegions": d.darkRegions, "doubled": d.doubled, "barLook": d.barLook} {
		if path := heldIn(reflect.ValueOf(v), name); path != "" {
			t.Errorf("%s holds data after the frame", path)
		}
	}
	if len(d.stepHints)+len(d.regionHints)+len(d.cropHints) != 0 {
		t.Error("the hints of the last reads kept")
	}
}

// heldIn returns the path, from name, of the first entry of v that is not
// zero: of its slices, to their capacity, and arrays, with the structs,
// slices and arrays within them, through the fields of structs (not what
// pointers, maps or interfaces hold, nor a struct's own numbers and
// flags, its settings); "" when every one is zero.
func heldIn(v reflect.Value, name string) string { return held(v, name, false) }

func held(v reflect.Value, name string, data bool) string {
	switch v.Kind() {
	case reflect.Slice:
		v = v.Slice(0, v.Cap())
		fallthrough
	case reflect.Array:
		for i := range v.Len() {
			if p := held(v.Index(i), fmt.Sprintf("%s[%d]", name, i), true); p != "" {
				return p
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if p := held(v.Field(i), name+"."+v.Type().Field(i).Name, data); p != "" {
				return p
			}
		}
	case reflect.Pointer, reflect.Map, reflect.Interface, reflect.Func, reflect.Chan, reflect.UnsafePointer:
	default:
		if data && !v.IsZero() {
			return name
		}
	}
	return ""
}

// TestRowReadersRenewedAfterReading: gozxing's DataBar row readers, which
// keep the pairs they read (each half's value) and the widths they
// measured where nothing can clear them, are replaced by new ones after
// a frame they read rows of, for the runtime to erase.
func TestRowReadersRenewedAfterReading(t *testing.T) {
	zint.Need(t)
	if !ErasesDecoderMemory {
		t.Skip("this build erases nothing: the row readers are kept")
	}
	img, _ := zint.Image(t, "-b", "DBAR_OMN", "-d", "0952123454321").Render(zint.Scene{Module: 3})
	f := NewPlanePool(0).Get(img.Rect.Dx(), img.Rect.Dy())
	copy(f.Pix, img.Pix)
	d := newDecoder()
	before := d.rowReaders[0].dec
	res, _ := d.decode(f, Options{TryHarder: true})
	f.Purge()
	if !slices.ContainsFunc(res, func(r Result) bool { return r.Symbology == DataBar }) {
		t.Fatalf("read %+v, no DataBar symbol", res)
	}
	if d.rowReaders[0].dec == before {
		t.Fatal("the row readers that read the frame's rows were kept")
	}
	// A decode that reads no row with them keeps them.
	before = d.rowReaders[0].dec
	f = noiseFrame(64, 48, 3)
	d.decode(f, Options{Symbologies: NewSymbologySet(QRCode)})
	f.Purge()
	if d.rowReaders[0].dec != before {
		t.Error("row readers that read nothing were made again")
	}
}
