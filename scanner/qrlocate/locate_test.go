package qrlocate_test

import (
	"image"
	"testing"

	"github.com/makiuchi-d/gozxing"
	zqr "github.com/makiuchi-d/gozxing/qrcode"

	"github.com/scannerd/scannerd/internal/fuzzimage"
	"github.com/scannerd/scannerd/internal/robust"
	"github.com/scannerd/scannerd/scanner"
	"github.com/scannerd/scannerd/scanner/internal/hybridtest"
	"github.com/scannerd/scannerd/scanner/qrlocate"
)

var tryHarder = map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}

// QR Codes seen from 45 to 60 degrees off square, whose squashed
// finders gozxing's detector turns down, are read, with their own text,
// and their points on the finders.
func TestReadsSteeplyTiltedSymbols(t *testing.T) {
	tilt, _ := robust.AxisNamed("tilt")
	r := qrlocate.NewReader()
	read, n, gozxingRead := 0, 0, 0
	for _, c := range robust.Cases(scanner.QRCode, tilt, 4, 1) {
		if c.Level < 45 {
			continue
		}
		s, img, err := c.Image()
		if err != nil {
			t.Fatal(err)
		}
		n++
		if res, err := zqr.NewQRCodeReader().Decode(hybridtest.Bitmap(t, img), tryHarder); err == nil && s.Matches(res.GetText()) {
			gozxingRead++
		}
		res, err := r.DecodeMultiple(hybridtest.Bitmap(t, img), tryHarder)
		if err != nil {
			t.Logf("%v degrees, sample %d: %v", c.Level, c.Index, err)
			continue
		}
		if len(res) != 1 || !s.Matches(res[0].GetText()) {
			t.Errorf("%v degrees, sample %d: read %d symbols, the first %q", c.Level, c.Index, len(res), res[0].GetText())
			continue
		}
		// The symbol is drawn in the image's middle: its finders lie
		// round it, the top ones wider apart than the bottom-left one is
		// from the top-left one (the far side is squashed).
		p := res[0].GetResultPoints()
		bl, tl, tr := p[0], p[1], p[2]
		mid := float64(img.Rect.Dx()) / 2
		if tl.GetX() > mid || tr.GetX() < mid || tl.GetY() > mid || bl.GetY() < mid ||
			tr.GetX()-tl.GetX() <= bl.GetY()-tl.GetY() {
			t.Errorf("%v degrees, sample %d: finders at %v, %v, %v in a %d-pixel image", c.Level, c.Index, bl, tl, tr, img.Rect.Dx())
		}
		read++
	}
	t.Logf("read %d of %d (gozxing's reader %d)", read, n, gozxingRead)
	if read < n*3/4 {
		t.Errorf("read %d of %d symbols tilted 45 to 60 degrees", read, n)
	}
}

// An image without a QR Code gives an error, not a result: finders of
// Micro QR symbols and a QR Code's lone finder do not make a symbol.
func TestNoSymbolNoResult(t *testing.T) {
	rotation, _ := robust.AxisNamed("rotation")
	for _, c := range robust.Cases(scanner.MicroQR, rotation, 1, 6) {
		_, img, err := c.Image()
		if err != nil {
			t.Skip(err)
		}
		if res, err := qrlocate.NewReader().DecodeMultiple(hybridtest.Bitmap(t, img), tryHarder); err == nil {
			t.Errorf("%v degrees: read %q from a Micro QR symbol", c.Level, res[0].GetText())
		}
	}
}

// FuzzDecode runs the reader (DecodeMultiple and DecodeDetected) on arbitrary small binary images (the
// shared fuzz image format, seeds in testdata/fuzz): results or a gozxing
// exception, never a panic.
func FuzzDecode(f *testing.F) {
	tilt, _ := robust.AxisNamed("tilt")
	curve, _ := robust.AxisNamed("curve")
	// A tilted symbol, and one of 21 modules wrapped round a cylinder by
	// 1.2 radians (read by the bent grid), their middles cut to the
	// format's 167 pixels.
	for _, c := range []robust.Case{robust.Cases(scanner.QRCode, tilt, 1, 3)[1], robust.Cases(scanner.QRCode, curve, 3, 1)[14]} {
		_, img, err := c.Image()
		if err != nil {
			f.Fatal(err)
		}
		w, h := min(img.Rect.Dx(), 167), min(img.Rect.Dy(), 167)
		x0, y0 := (img.Rect.Dx()-w)/2, (img.Rect.Dy()-h)/2
		pix := make([]byte, w*h)
		for y := range h {
			copy(pix[y*w:(y+1)*w], img.Pix[(y0+y)*img.Stride+x0:])
		}
		f.Add(fuzzimage.Bytes(pix, w, h))
	}
	f.Add([]byte{0, 0, 0x55})
	r := qrlocate.NewReader()
	f.Fuzz(func(t *testing.T, b []byte) {
		bm, ok := fuzzimage.Bitmap(t, b)
		if !ok {
			return
		}
		for _, h := range fuzzimage.Hints {
			res, err := r.DecodeMultiple(bm, h)
			fuzzimage.CheckOutcome(t, res, err)
			if one := r.DecodeDetected(bm, h); one != nil {
				fuzzimage.CheckOutcome(t, []*gozxing.Result{one}, nil)
			}
		}
	})
}

// Upright QR Codes of two pixels a module, whose module centres all fall
// on pixel edges, are read by DecodeDetected with their own text: those
// gozxing's reader reads, and those where it breaks the ties to pixels
// that are half the next module.
func TestDecodeDetectedReadsEvenModuleSizes(t *testing.T) {
	module, _ := robust.AxisNamed("module")
	r := qrlocate.NewReader()
	read, n, gozxingRead := 0, 0, 0
	for _, c := range robust.Cases(scanner.QRCode, module, 6, 1) {
		if c.Level != 2 {
			continue
		}
		s, img, err := c.Image()
		if err != nil {
			t.Fatal(err)
		}
		n++
		if res, err := zqr.NewQRCodeReader().Decode(hybridtest.Bitmap(t, img), tryHarder); err == nil && s.Matches(res.GetText()) {
			gozxingRead++
		}
		res := r.DecodeDetected(hybridtest.Bitmap(t, img), tryHarder)
		switch {
		case res == nil:
			t.Logf("sample %d: not read", c.Index)
		case !s.Matches(res.GetText()):
			t.Errorf("sample %d: read %q", c.Index, res.GetText())
		default:
			read++
		}
	}
	t.Logf("read %d of %d (gozxing's reader %d)", read, n, gozxingRead)
	if gozxingRead == n {
		t.Fatalf("gozxing's reader read all %d samples: the test no longer shows ties broken wrong", n)
	}
	if read != n {
		t.Errorf("read %d of %d symbols of two pixels a module (gozxing's reader %d)", read, n, gozxingRead)
	}
}

// QR Codes wrapped round a cylinder by 1.2 radians of half-width, whose
// outer modules show at a third of the middle ones' width, are read with
// their own text: upright, and transposed (read as a mirror image, the
// symbol then bent along its rows). One map of the whole symbol, fitted
// to the squeezed finders, puts the middle columns modules off.
func TestReadsCurvedSymbols(t *testing.T) {
	curve, _ := robust.AxisNamed("curve")
	r := qrlocate.NewReader()
	for _, c := range robust.Cases(scanner.QRCode, curve, 2, 1) {
		if c.Level != 1.2 {
			continue
		}
		s, img, err := c.Image()
		if err != nil {
			t.Fatal(err)
		}
		for _, transposed := range []bool{false, true} {
			in := img
			if transposed {
				in = image.NewGray(img.Rect)
				for y := range img.Rect.Dy() {
					for x := range img.Rect.Dx() {
						in.Pix[x*in.Stride+y] = img.Pix[y*img.Stride+x]
					}
				}
			}
			res, err := r.DecodeMultiple(hybridtest.Bitmap(t, in), tryHarder)
			switch {
			case err != nil:
				t.Errorf("sample %d, transposed %v: %v", c.Index, transposed, err)
			case len(res) != 1 || !s.Matches(res[0].GetText()):
				t.Errorf("sample %d, transposed %v: read %d symbols, the first %q", c.Index, transposed, len(res), res[0].GetText())
			}
		}
	}
}

// QR Codes smeared along their rows over a module and a half, of which
// the rows show one finder or two (the others' light rings closed beside
// their centres), are read from the finders their columns show. (The
// samples are ones that read only so.)
func TestReadsSymbolsSmearedAlongRows(t *testing.T) {
	motion, _ := robust.AxisNamed("motion")
	r := qrlocate.NewReader()
	for _, c := range robust.Cases(scanner.QRCode, motion, 23, 1) {
		if c.Level != 1.5 || c.Index != 6 && c.Index != 10 && c.Index != 22 {
			continue
		}
		s, img, err := c.Image()
		if err != nil {
			t.Fatal(err)
		}
		res, err := r.DecodeMultiple(hybridtest.Bitmap(t, img), tryHarder)
		switch {
		case err != nil:
			t.Errorf("sample %d: %v", c.Index, err)
		case len(res) != 1 || !s.Matches(res[0].GetText()):
			t.Errorf("sample %d: read %d symbols, the first %q", c.Index, len(res), res[0].GetText())
		}
	}
}
