package pdf417

import (
	"image"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// makeSymbol encodes segments into a symbol image.
func makeSymbol(t testing.TB, segs []segment, spec symbolSpec, module float64) *image.Gray {
	t.Helper()
	data, err := encodeSegments(segs)
	if err != nil {
		t.Fatal(err)
	}
	matrix, err := layoutSymbol(data, spec)
	if err != nil {
		t.Fatal(err)
	}
	return drawSymbol(symbolModules(matrix, spec), module, 3, 2)
}

func decodeOne(t testing.TB, img image.Image, hints map[gozxing.DecodeHintType]interface{}) (*gozxing.Result, error) {
	t.Helper()
	return NewReader().Decode(bitmap(img), hints)
}

func textSeg(s string) segment    { return segment{mode: cwTextLatch, text: s} }
func bytesSeg(b []byte) segment   { return segment{mode: cwByteLatch, bytes: b} }
func numericSeg(d string) segment { return segment{mode: cwNumericLatch, text: d} }

// allBytes returns n bytes counting up from 0 and wrapping.
func allBytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i * 7)
	}
	return b
}

func latin1String(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

func TestRoundTripData(t *testing.T) {
	tests := []struct {
		name string
		segs []segment
		want string
	}{
		{"upper", []segment{textSeg("HELLO WORLD")}, "HELLO WORLD"},
		{"all sub-modes", []segment{textSeg("Mixed Case 123 & <punct>; a@b.c ~!{x}|\"'")}, "Mixed Case 123 & <punct>; a@b.c ~!{x}|\"'"},
		{"shifts", []segment{textSeg("aBc dEf;g")}, "aBc dEf;g"},
		{"control chars", []segment{textSeg("line1\r\nline2\tend")}, "line1\r\nline2\tend"},
		{"bytes 901", []segment{bytesSeg(allBytes(23))}, latin1String(allBytes(23))},
		{"bytes 924", []segment{{mode: cwByteLatch6, bytes: allBytes(24)}}, latin1String(allBytes(24))},
		{"bytes 901 five left", []segment{bytesSeg(allBytes(11))}, latin1String(allBytes(11))},
		{"byte shift", []segment{textSeg("AB"), {mode: cwByteShift, bytes: []byte{0xE9}}, textSeg("CD")}, "AB\u00e9CD"},
		{"numeric", []segment{numericSeg("12345678901234567890123456789012345678901234567890")}, "12345678901234567890123456789012345678901234567890"},
		{"numeric leading zeros", []segment{numericSeg("000123")}, "000123"},
		{"mixed modes", []segment{textSeg("ID:"), numericSeg("9876543210123"), bytesSeg([]byte{0, 1, 2}), textSeg("end")}, "ID:9876543210123\x00\x01\x02end"},
		{"eci utf-8", []segment{{mode: cwECICharset, eci: 26}, bytesSeg([]byte("grüße €"))}, "grüße €"},
		{"eci iso-8859-5", []segment{{mode: cwECICharset, eci: 7}, bytesSeg([]byte{0xB0, 0xB1, 0xB2})}, "АБВ"},
		{"eci mid text", []segment{textSeg("A"), {mode: cwECICharset, eci: 26}, {mode: cwByteShift, bytes: []byte{0xC3}}, {mode: cwByteShift, bytes: []byte{0xA9}}}, "Aé"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			img := makeSymbol(t, tc.segs, symbolSpec{cols: 6, ecLevel: 2}, 3)
			res, err := decodeOne(t, img, nil)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if res.GetText() != tc.want {
				t.Errorf("text %q, want %q", res.GetText(), tc.want)
			}
			wantID := "]L2"
			if tc.segs[0].mode == cwECICharset || strings.Contains(tc.name, "eci") {
				wantID = "]L1"
			}
			if id := res.GetResultMetadata()[gozxing.ResultMetadataType_SYMBOLOGY_IDENTIFIER]; id != wantID {
				t.Errorf("symbology identifier %v, want %s", id, wantID)
			}
		})
	}
}

func TestRoundTripLayouts(t *testing.T) {
	text := "PDF417 round trip: The quick brown fox jumps over the lazy dog 0123456789."
	tests := []struct {
		name string
		spec symbolSpec
	}{
		{"ec0 1 column", symbolSpec{cols: 1, ecLevel: 0}},
		{"ec1 3 columns", symbolSpec{cols: 3, ecLevel: 1}},
		{"ec3 5 columns", symbolSpec{cols: 5, ecLevel: 3}},
		{"ec4 8 columns", symbolSpec{cols: 8, ecLevel: 4}},
		{"ec5 12 columns", symbolSpec{cols: 12, ecLevel: 5}},
		{"ec6 20 columns", symbolSpec{cols: 20, ecLevel: 6}},
		{"ec8 30 columns", symbolSpec{cols: 30, ecLevel: 8}},
		{"tall 90 rows", symbolSpec{cols: 2, ecLevel: 2, rows: 90}},
		{"compact", symbolSpec{cols: 4, ecLevel: 2, compact: true}},
		{"compact ec5", symbolSpec{cols: 10, ecLevel: 5, compact: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			img := makeSymbol(t, []segment{textSeg(text)}, tc.spec, 2)
			res, err := decodeOne(t, img, nil)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if res.GetText() != text {
				t.Fatalf("text %q, want %q", res.GetText(), text)
			}
			md, ok := res.GetResultMetadata()[gozxing.ResultMetadataType_PDF417_EXTRA_METADATA].(*Metadata)
			if !ok {
				t.Fatal("no PDF417 metadata")
			}
			if md.ECLevel != tc.spec.ecLevel || md.Columns != tc.spec.cols || md.Compact != tc.spec.compact {
				t.Errorf("metadata %+v, want EC level %d, %d columns, compact %v", md, tc.spec.ecLevel, tc.spec.cols, tc.spec.compact)
			}
			if tc.spec.rows != 0 && md.Rows != tc.spec.rows {
				t.Errorf("%d rows, want %d", md.Rows, tc.spec.rows)
			}
		})
	}
}

func TestRoundTripGeometry(t *testing.T) {
	text := "Boarding pass M1DOE/JOHN EABC123 FRAJFKLH 0400 123Y012A0001 100"
	rng := rand.New(rand.NewPCG(3, 4))
	base := func(module float64) *image.Gray {
		return makeSymbol(t, []segment{textSeg(text)}, symbolSpec{cols: 5, ecLevel: 3}, module)
	}
	tests := []struct {
		name    string
		img     *image.Gray
		orient  int
		corners bool
	}{
		{"upright", base(2), 0, true},
		{"rotated 90", rotateRight(base(2), 1), 90, true},
		{"rotated 180", rotateRight(base(2), 2), 180, true},
		{"rotated 270", rotateRight(base(2), 3), 270, true},
		{"tilted 4", tilt(base(3), 4), 0, false},
		{"tilted -7", tilt(base(3), -7), 0, false},
		{"tilted 95", tilt(base(3), 95), 90, false},
		{"perspective", perspective(base(3), 0.8), 0, false},
		{"scaled 1.5", base(1.5), 0, false},
		{"scaled 2.7", base(2.7), 0, false},
		{"scaled 6", base(6), 0, false},
		{"noisy", func() *image.Gray { im := base(3); addNoise(im, 0.03, rng); return im }(), 0, false},
		{"on a large canvas", onCanvas(base(2), 1280, 720, 400, 300), 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := decodeOne(t, tc.img, nil)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if res.GetText() != text {
				t.Fatalf("text %q, want %q", res.GetText(), text)
			}
			if o := res.GetResultMetadata()[gozxing.ResultMetadataType_ORIENTATION]; o != tc.orient {
				t.Errorf("orientation %v, want %d", o, tc.orient)
			}
			pts := res.GetResultPoints()
			if len(pts) != 4 {
				t.Fatalf("%d result points, want 4", len(pts))
			}
			b := tc.img.Bounds()
			for _, p := range pts {
				if p.GetX() < -2 || p.GetY() < -2 || p.GetX() > float64(b.Dx())+2 || p.GetY() > float64(b.Dy())+2 {
					t.Errorf("point %v outside the image", p)
				}
			}
			if tc.corners {
				// The symbol's top-left corner, as read, lies at the
				// quiet zone's inner corner of the unrotated drawing.
				checkCorner(t, pts[0].GetX(), pts[0].GetY(), tc.img, tc.orient, 4)
			}
		})
	}
}

// checkCorner verifies the first result point against where the drawing put
// the symbol's top-left corner (quiet zone 2 modules of 2 px).
func checkCorner(t *testing.T, x, y float64, img *image.Gray, orient int, quiet float64) {
	t.Helper()
	w, h := float64(img.Bounds().Dx()), float64(img.Bounds().Dy())
	var wx, wy float64
	switch orient {
	case 0:
		wx, wy = quiet, quiet
	case 90:
		wx, wy = w-quiet, quiet
	case 180:
		wx, wy = w-quiet, h-quiet
	case 270:
		wx, wy = quiet, h-quiet
	}
	if d := (x-wx)*(x-wx) + (y-wy)*(y-wy); d > 9 {
		t.Errorf("top-left point (%.1f, %.1f), want near (%.1f, %.1f)", x, y, wx, wy)
	}
}

func TestRoundTripInverted(t *testing.T) {
	// PDF417 is printed dark on light; the engine inverts images itself. An
	// inverted symbol must decode once inverted back, and not as garbage.
	img := makeSymbol(t, []segment{textSeg("INVERTED")}, symbolSpec{cols: 3, ecLevel: 2}, 2)
	if res, err := decodeOne(t, invert(img), nil); err == nil {
		t.Fatalf("inverted symbol decoded as %q", res.GetText())
	}
	src := gozxing.NewInvertedLuminanceSource(gozxing.NewLuminanceSourceFromImage(invert(img)))
	bmp, _ := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(src))
	res, err := NewReader().Decode(bmp, nil)
	if err != nil || res.GetText() != "INVERTED" {
		t.Fatalf("re-inverted: %v %v", res, err)
	}
}
