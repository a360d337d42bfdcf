package dotcode

import (
	"image"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// TestDarkBitsComparesEachPixel: the eight pixels compared at once are
// dark exactly where each is below its block's threshold, thresholds
// below 0 (nothing dark) and at the ends of the gray levels included.
func TestDarkBitsComparesEachPixel(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	levels := []int16{-13, -1, 0, 1, 127, 128, 254, 255}
	for range 100000 {
		var px [8]byte
		var v uint64
		for i := range px {
			px[i] = byte(rng.IntN(256))
			if rng.IntN(8) == 0 {
				px[i] = []byte{0, 255}[rng.IntN(2)]
			}
			v |= uint64(px[i]) << (8 * i)
		}
		ta, tb := int16(rng.IntN(269)-13), int16(rng.IntN(269)-13)
		if rng.IntN(4) == 0 {
			ta, tb = levels[rng.IntN(len(levels))], levels[rng.IntN(len(levels))]
		}
		var want uint32
		for i, p := range px {
			th := ta
			if i >= 4 {
				th = tb
			}
			if int16(p) < th {
				want |= 1 << i
			}
		}
		tt := uint64(clampLevel(ta))*lanesLow | uint64(clampLevel(tb))*lanesHigh
		if got := darkBits(v, tt); got != want {
			t.Fatalf("pixels %v, thresholds %d and %d: %08b, want %08b", px, ta, tb, got, want)
		}
	}
}

// TestBinarizeByDefinition: the dot binarizations, their windows measured
// and compared two blocks and eight pixels at a time, mark exactly the
// pixels darker than binarize's thresholds over windows summed pixel by
// pixel (the even rows of each), in images of any width and height; as
// words too, in which the blob finder finds the same blobs.
func TestBinarizeByDefinition(t *testing.T) {
	withAndWithoutVectors(t, binarizeByDefinition)
}

func binarizeByDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var g grayView
	var m *gozxing.BitMatrix
	var words wordImage
	var blobsOf blobFinder
	for k := range 40 {
		w, h := 5+rng.IntN(90), 5+rng.IntN(60)
		img := image.NewGray(image.Rect(0, 0, w, h))
		// Paper, and specks of any level on it: many, or few enough that
		// the windows' darkest pixels differ.
		specks := []int{2, 60}[k%2]
		for i := range img.Pix {
			img.Pix[i] = byte(200 + rng.IntN(20))
			if rng.IntN(specks) == 0 {
				img.Pix[i] = byte(rng.IntN(256))
			}
		}
		src := gozxing.NewLuminanceSourceFromImage(img)
		if !g.load(src) {
			t.Fatal("load failed")
		}
		bw, bh := (w+3)/4, (h+3)/4
		for _, cores := range []bool{false, true} {
			m = g.binarize(src, m, cores)
			// Into words, the same image, nothing past its width, and
			// the same blobs found in it.
			g.binarizeWords(src, &words, cores)
			for y := range h {
				for x := range words.rowSize * 32 {
					if got, want := words.row(y)[x/32]>>(x%32)&1 == 1, x < w && m.Get(x, y); got != want {
						t.Fatalf("%dx%d, cores %v: words' pixel (%d, %d) dark %v, want %v", w, h, cores, x, y, got, want)
					}
				}
			}
			a, b := blobsOf.find(m), slices.Clone(blobsOf.findWords(&words))
			if !slices.Equal(a, b) {
				t.Fatalf("%dx%d, cores %v: blobs in words %v, want %v", w, h, cores, b, a)
			}
			for y := range h {
				by := y / 4
				for x := range w {
					bx := x / 4
					sum, n, low := 0, 0, 255
					for yy := max(0, by-2) * 4; yy < min(h, (by+3)*4) && yy < min(bh, by+3)*4; yy += 2 {
						for xx := max(0, bx-2) * 4; xx < min(w, min(bw, bx+3)*4); xx++ {
							p := int(img.Pix[yy*w+xx])
							sum, n, low = sum+p, n+1, min(low, p)
						}
					}
					mean := sum / n
					th := mean - int(g.offset)
					if cores {
						th = min(th, (mean+low)/2)
					}
					if want := int(img.Pix[y*w+x]) < th; m.Get(x, y) != want {
						t.Fatalf("%dx%d, cores %v: pixel (%d, %d) dark %v, want %v", w, h, cores, x, y, !want, want)
					}
				}
			}
		}
	}
}
