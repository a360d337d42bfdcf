package dotcode

import (
	"image"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// TestLoadMeasuresEachWindow: the windows' means and darkest pixels that
// load takes from blocks and pairs of rows are those of the pixels
// themselves (the even rows of each window), at every image size, edges
// and partial blocks included.
func TestLoadMeasuresEachWindow(t *testing.T) {
	withAndWithoutVectors(t, loadMeasuresEachWindow)
}

func loadMeasuresEachWindow(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 14))
	var g grayView
	for k := range 40 {
		w, h := 1+rng.IntN(70), 1+rng.IntN(70)
		if k < 6 {
			// Wide enough for blocks in whole groups of 32 too.
			w, h = []int{1, 8, 33, 64, 131, 160}[k], []int{1, 3, 2, 45, 30, 23}[k]
		}
		img := image.NewGray(image.Rect(0, 0, w, h))
		for i := range img.Pix {
			img.Pix[i] = byte(rng.IntN(256))
			if rng.IntN(3) == 0 {
				img.Pix[i] = 255 - byte(rng.IntN(8))
			}
		}
		src := gozxing.NewLuminanceSourceFromImage(img)
		if !g.load(src) {
			t.Fatalf("%dx%d: not loaded", w, h)
		}
		const half = contrastSpan / 2
		for by := range g.bh {
			for bx := range g.bw {
				sum, n, low := 0, 0, 255
				for y := max(0, by-half) * contrastBlock; y < min(h, (by+half+1)*contrastBlock); y += 2 {
					for x := max(0, bx-half) * contrastBlock; x < min(w, (bx+half+1)*contrastBlock); x++ {
						v := int(img.Pix[y*img.Stride+x])
						sum, n, low = sum+v, n+1, min(low, v)
					}
				}
				i := by*g.bw + bx
				if int(g.mean[i]) != sum/n || int(g.low[i]) != low {
					t.Fatalf("%dx%d block (%d, %d): mean %d low %d, want %d and %d", w, h, bx, by, g.mean[i], g.low[i], sum/n, low)
				}
			}
		}
	}
}

// withAndWithoutVectors runs check with the word-at-a-time code, then
// with the vector code where the build and the processor have it.
func withAndWithoutVectors(t *testing.T, check func(t *testing.T)) {
	have := vectors
	defer func() { vectors = have }()
	for _, v := range []bool{false, true} {
		if v && !have {
			t.Log("no vector registers in this build or on this processor: the word code alone is checked")
			continue
		}
		vectors = v
		check(t)
	}
}

// TestMeansWideDividesExactly: the windows' means, summed from their
// column sums and divided in single precision, are the integer
// quotients, for every sum a whole window can have (200 pixels of 0 to
// 255).
func TestMeansWideDividesExactly(t *testing.T) {
	if !vectors {
		t.Skip("no vector registers in this build or on this processor")
	}
	const inner = contrastSpan * contrastBlock * (contrastSpan * contrastBlock / 2)
	n := inner*255 + 1
	// Column sums whose windows of contrastSpan sum to 0, 1, 2, ... (a
	// few past the last): col[i] = i/contrastSpan.
	means := make([]int16, n+7)
	col := make([]uint32, len(means)+contrastSpan-1)
	for i := range col {
		col[i] = uint32(i / contrastSpan)
	}
	done := meansWide(means, col)
	if done < n {
		t.Fatalf("did %d of %d", done, n)
	}
	for s := range n {
		if int(means[s]) != s/inner {
			t.Fatalf("sum %d: mean %d, want %d", s, means[s], s/inner)
		}
	}
}

// TestWideDoesTails: the vector loops of load do a row of blocks to its
// end wherever one group fits, the last group again over some done
// (windowMin's to the last element whose window lies within the row), so
// that the scalar code is left no tail of up to 31 elements a row; what
// they write is checked against the definitions by TestWindowMin and
// TestLoadMeasuresEachWindow.
func TestWideDoesTails(t *testing.T) {
	if !vectors {
		t.Skip("no vector registers in this build or on this processor")
	}
	const half = contrastSpan / 2
	for n := 36; n <= 100; n++ {
		b, c := make([]byte, n), make([]byte, n)
		if got := windowMinWide(b, c, half); got != n-half {
			t.Errorf("windowMinWide of %d did to %d, want %d", n, got, n-half)
		}
		if got := minWide(b, c); got != n {
			t.Errorf("minWide of %d did %d", n, got)
		}
		if got := lowsWide(make([]int16, n), b); got != n {
			t.Errorf("lowsWide of %d did %d", n, got)
		}
		sums := make([]uint32, n+2*half)
		if got := meansWide(make([]int16, n), sums); got != n {
			t.Errorf("meansWide of %d did %d", n, got)
		}
	}
}
