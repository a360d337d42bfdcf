package aztec

import (
	"testing"

	"github.com/makiuchi-d/gozxing/common/reedsolomon"

	"github.com/scannerd/scannerd/internal/aztecspec"
	"github.com/scannerd/scannerd/internal/fuzzimage"
)

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
		bm, ok := fuzzimage.Bitmap(t, b)
		if !ok {
			return
		}
		r := NewReader()
		for _, hints := range fuzzimage.Hints {
			res, err := r.DecodeMultiple(bm, hints)
			fuzzimage.CheckOutcome(t, res, err)
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
		if m.layers < 1 || m.layers > maxLayers || m.words < 1 || m.words > aztecspec.LayerBits(m.layers, compact)/aztecspec.WordSize(m.layers) {
			t.Fatalf("accepted %+v", m)
		}
		if m.readerInit && (compact && m.layers != 1 || !compact && m.layers > 22) {
			t.Fatalf("reader initialization in %+v", m)
		}
	})
}
