package aztec

import (
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common/reedsolomon"
)

// imageFromBytes makes a small binary image of fuzz input: the first two
// bytes give the width and height, the rest the pixels, a bit each,
// repeated as needed.
func imageFromBytes(b []byte) (pix []byte, w, h int) {
	if len(b) < 3 {
		return nil, 0, 0
	}
	w, h = 8+int(b[0])%160, 8+int(b[1])%160
	bits := b[2:]
	pix = make([]byte, w*h)
	for i := range pix {
		pix[i] = 255
		if bits[(i/8)%len(bits)]>>(i%8)&1 == 1 {
			pix[i] = 0
		}
	}
	return pix, w, h
}

// bullsEyeImage draws a compact bull's-eye with a blank mode message ring
// round it at 3 px per module: a detector's way in, without a symbol.
func bullsEyeImage() []byte {
	const scale, size = 3, 15
	w := size * scale
	b := make([]byte, 2+(w*w+7)/8)
	b[0], b[1] = byte(w-8), byte(w-8)
	for y := 0; y < w; y++ {
		for x := 0; x < w; x++ {
			dx, dy := x/scale-size/2, y/scale-size/2
			d := max(dx, -dx, dy, -dy)
			if d <= 4 && d%2 == 0 {
				i := y*w + x
				b[2+i/8] |= 1 << (i % 8)
			}
		}
	}
	return b
}

// FuzzDecode feeds arbitrary binary images to the detector and decoder:
// whatever the image, Decode returns a result or a gozxing exception and
// never panics.
func FuzzDecode(f *testing.F) {
	f.Add(bullsEyeImage())
	f.Add([]byte{10, 10, 0xff, 0x00, 0x0f, 0xf0})
	f.Add([]byte{0, 0, 0x55})
	f.Fuzz(func(t *testing.T, b []byte) {
		pix, w, h := imageFromBytes(b)
		if pix == nil {
			return
		}
		src, err := gozxing.NewPlanarYUVLuminanceSource(pix, w, h, 0, 0, w, h, false)
		if err != nil {
			t.Fatal(err)
		}
		bm, err := gozxing.NewBinaryBitmap(gozxing.NewGlobalHistgramBinarizer(src))
		if err != nil {
			t.Fatal(err)
		}
		r := NewReader()
		for _, hints := range []map[gozxing.DecodeHintType]interface{}{nil, {gozxing.DecodeHintType_TRY_HARDER: true}} {
			res, err := r.DecodeMultiple(bm, hints)
			if err == nil && len(res) == 0 {
				t.Fatal("no results and no error")
			}
			if err != nil {
				if _, ok := err.(gozxing.ReaderException); !ok {
					t.Fatalf("error %T is not a gozxing exception", err)
				}
				if strings.Contains(err.Error(), "internal error") {
					t.Fatal(err) // a recovered panic
				}
			}
		}
	})
}

// FuzzModeMessage feeds arbitrary mode message bits to their parser: a
// message it accepts must name a symbol whose layers hold its codewords.
func FuzzModeMessage(f *testing.F) {
	f.Add(uint64(0), false)
	f.Add(uint64(0x0123456789), true)
	f.Add(uint64(0xFFFFFFFFFF), false)
	d := &detector{rs: reedsolomon.NewReedSolomonDecoder(reedsolomon.GenericGF_AZTEC_PARAM)}
	f.Fuzz(func(t *testing.T, word uint64, compact bool) {
		n := 10
		if compact {
			n = 7
			word &= 1<<28 - 1
		} else {
			word &= 1<<40 - 1
		}
		m, err := d.decodeMode(word, n, compact)
		if err != nil {
			return
		}
		maxLayers := 32
		if compact {
			maxLayers = 4
		}
		if m.layers < 1 || m.layers > maxLayers || m.words < 1 || m.words > LayerBits(m.layers, compact)/WordSize(m.layers) {
			t.Fatalf("accepted %+v", m)
		}
		if m.readerInit && (compact && m.layers != 1 || !compact && m.layers > 22) {
			t.Fatalf("reader initialization in %+v", m)
		}
	})
}
