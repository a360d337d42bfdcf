package microqr

import (
	"fmt"
	"image"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/sweep"
)

func decodeImage(t testing.TB, r *Reader, img image.Image, hints map[gozxing.DecodeHintType]interface{}) (*gozxing.Result, error) {
	t.Helper()
	src := gozxing.NewLuminanceSourceFromImage(img)
	bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(src))
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Decode(bmp, hints)
	if err == nil {
		return res, nil
	}
	bmp, err = gozxing.NewBinaryBitmap(gozxing.NewGlobalHistgramBinarizer(src))
	if err != nil {
		t.Fatal(err)
	}
	return r.Decode(bmp, hints)
}

// contents per symbol number: what fits, exercising every mode the
// version has.
var roundTripContents = [8][]segment{
	{{modeNumeric, "12345"}},
	{{modeNumeric, "0123456789"}},
	{{modeAlphanumeric, "AB-12"}},
	{{modeByte, "hello"}, {modeNumeric, "42"}},
	{{modeKanji, "漢字"}, {modeAlphanumeric, "A1"}},
	{{modeByte, "Hi there!"}, {modeAlphanumeric, "OK"}},
	{{modeAlphanumeric, "MICRO QR M4"}},
	{{modeKanji, "点"}, {modeNumeric, "9876"}},
}

func joinSegments(segs []segment) string {
	s := ""
	for _, sg := range segs {
		s += sg.data
	}
	return s
}

// TestRoundTripSweep reads every symbol number with every mask in every
// scene (under -race a sample: see internal/sweep).
func TestRoundTripSweep(t *testing.T) {
	r := NewReader()
	scenes := []scene{
		{Module: 6, Angle: 0},
		{Module: 4, Angle: 90},
		{Module: 5, Angle: 180, Noise: 20},
		{Module: 7, Angle: 270, Blur: true},
		{Module: 6, Angle: 17, Shear: 0.08},
		{Module: 3.2, Angle: -33, Noise: 15},
		{Module: 9, Angle: 45, Shear: -0.1, Blur: true},
		{Module: 6, Angle: 25, Tilt: 0.003},
	}
	cases := sweep.New(t)
	for sym := 0; sym < 8; sym++ {
		segs := roundTripContents[sym]
		want := joinSegments(segs)
		for mask := 0; mask < 4; mask++ {
			m, err := encodeSymbol(segs, sym, mask)
			if err != nil {
				t.Fatalf("encode %d: %v", sym, err)
			}
			for i, sc := range scenes {
				if !cases.Next() {
					continue
				}
				s := symbols[sym]
				name := fmt.Sprintf("M%d%s/mask%d/scene%d", s.version, s.ecLevel, mask, i)
				t.Run(name, func(t *testing.T) {
					side := int(float64(s.size()+6)*sc.Module*1.5) + 8
					sc.Width, sc.Height, sc.Seed = side, side+6, int64(sym*100+mask*10+i)
					res, err := decodeImage(t, r, render(m, sc), nil)
					if err != nil {
						t.Fatalf("decode: %v", err)
					}
					if res.GetText() != want {
						t.Errorf("got %q, want %q", res.GetText(), want)
					}
					if got := res.GetResultMetadata()[gozxing.ResultMetadataType_OTHER].(Info).Version; got != s.version {
						t.Errorf("version %d, want %d", got, s.version)
					}
				})
			}
		}
	}
}

// TestDecodeMultiple finds two symbols side by side.
func TestDecodeMultiple(t *testing.T) {
	a, _ := encodeSymbol([]segment{{modeNumeric, "111"}}, 1, 0)
	b, _ := encodeSymbol([]segment{{modeAlphanumeric, "BBB"}}, 3, 2)
	left := render(a, scene{Module: 5, Width: 320, Height: 160, OffsetX: -80})
	right := render(b, scene{Module: 5, Angle: 30, Width: 320, Height: 160, OffsetX: 80})
	for y := 0; y < 160; y++ {
		for x := 160; x < 320; x++ {
			left.Pix[y*left.Stride+x] = right.Pix[y*right.Stride+x]
		}
	}
	bmp, _ := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(gozxing.NewLuminanceSourceFromImage(left)))
	res, err := NewReader().DecodeMultiple(bmp, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, r := range res {
		got[r.GetText()] = true
	}
	if len(res) != 2 || !got["111"] || !got["BBB"] {
		t.Errorf("got %d results %v, want 111 and BBB", len(res), got)
	}
}
