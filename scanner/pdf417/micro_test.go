package pdf417

import (
	"fmt"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/zint"
)

// TestMicroSizes: zint's MicroPDF417 symbols of every one of the 34 sizes
// read back, upright, upside down and turned a quarter, which also checks
// the table of error correction codewords: the Reed-Solomon repair only
// succeeds with the right count.
func TestMicroSizes(t *testing.T) {
	zint.Need(t)
	t.Parallel()
	seen := map[microVariant]bool{}
	for cols := 1; cols <= 4; cols++ {
		last := 0
		for _, v := range microVariants {
			if v.cols == cols {
				last = v.rows
			}
		}
		for n := 1; ; n += 1 + n/10 {
			data := strings.Repeat("Ab1-", 60)[:n]
			r := zint.Image(t, "-b", "MICROPDF417", fmt.Sprintf("--cols=%d", cols), "-d", data)
			img, _ := r.Render(zint.Scene{Module: 2.5, Angle: float64(90 * (n % 4)), Noise: 4})
			res, err := NewMicroReader().Decode(bitmap(img), nil)
			if err != nil {
				t.Fatalf("%d columns, %d characters at %d°: %v", cols, n, 90*(n%4), err)
			}
			md := res.GetResultMetadata()[gozxing.ResultMetadataType_PDF417_EXTRA_METADATA].(*Metadata)
			if res.GetText() != data || !md.Micro || md.Columns != cols {
				t.Fatalf("%d columns, %d characters: read %q, %+v", cols, n, res.GetText(), md)
			}
			v, _ := microVariantOf(md.Columns, md.Rows)
			seen[v] = true
			if md.Rows == last {
				break
			}
		}
	}
	if len(seen) != len(microVariants) {
		t.Errorf("read %d of the %d sizes", len(seen), len(microVariants))
	}
}
