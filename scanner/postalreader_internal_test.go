package scanner

import (
	"image"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
	"github.com/scannerd/scannerd/scanner/internal/hint"
)

// The postal reader's image gives each row as BitMatrix.GetRow does,
// word for word, whether its rows are shared or not, into a row that is
// missing, narrower than the image or wider (holding another image's
// pixels).
func TestRowsImageGetRowAsMatrix(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for _, w := range []int{31, 64, 77} {
		const h = 6
		m, _ := gozxing.NewBitMatrix(w, h)
		for y := range h {
			for x := range w {
				if rng.IntN(2) == 1 {
					m.Set(x, y)
				}
			}
		}
		var shared bitrow.SharedRows
		shared.Bind(m)
		hints := map[gozxing.DecodeHintType]interface{}{hint.Rows: &shared}
		for _, share := range []bool{false, true} {
			var img rowsImage
			if share {
				img.of(m, hints)
			} else {
				img.of(m, nil)
			}
			if img.rows.Shared() != share {
				t.Fatalf("width %d: rows shared %v, want %v", w, img.rows.Shared(), share)
			}
			for y := range h {
				for _, size := range []int{0, w - 1, w, w + 40} {
					mk := func() *gozxing.BitArray {
						if size == 0 {
							return nil
						}
						a := gozxing.NewBitArray(size)
						for i := range a.GetBitArray() {
							a.GetBitArray()[i] = rng.Uint32()
						}
						return a
					}
					seed := rng.Uint64()
					rng = rand.New(rand.NewPCG(seed, 1))
					want := m.GetRow(y, mk())
					rng = rand.New(rand.NewPCG(seed, 1))
					got := img.GetRow(y, mk())
					if got.GetSize() != want.GetSize() || !slices.Equal(got.GetBitArray(), want.GetBitArray()) {
						t.Fatalf("width %d, shared %v, row %d into %d bits: %x, GetRow gives %x", w, share, y, size, got.GetBitArray(), want.GetBitArray())
					}
				}
			}
			img.done()
		}
	}
}

// TestGrayReadersAllocateNothing: the postal and DX film edge readers'
// search of a view where they find nothing allocates nothing once their
// buffers have grown: each gave its pass's gray view to its search as a
// new lazyGray, an interface that escaped to the heap, every pass.
func TestGrayReadersAllocateNothing(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 96, 64))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	src := gozxing.NewLuminanceSourceFromImage(img)
	bm, _ := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(src))
	for _, a := range []areaReader{postalReader(), dxFilmEdgeReader()} {
		a.readGray(src, bm, nil, 0)
		if n := testing.AllocsPerRun(5, func() { a.readGray(src, bm, nil, 0) }); n != 0 {
			t.Errorf("%s: a search allocates %v times, want 0", a.name(), n)
		}
	}
}
