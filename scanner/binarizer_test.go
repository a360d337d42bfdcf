package scanner

import (
	"encoding/binary"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/blackbox"
	"github.com/scannerd/scannerd/internal/sweep"
)

// sameAsGozxing fails unless the engine's binarizers binarize src exactly
// as gozxing's do: the hybrid and the global histogram matrices, and every
// row.
func sameAsGozxing(t *testing.T, name string, src gozxing.LuminanceSource) {
	t.Helper()
	sameMatrix(t, name+" hybrid", newHybridBinarizer(src), gozxing.NewHybridBinarizer(src))
	sameMatrix(t, name+" global", newGlobalBinarizer(src), gozxing.NewGlobalHistgramBinarizer(src))
	ours, theirs := newHybridBinarizer(src), gozxing.NewHybridBinarizer(src)
	var row, wantRow *gozxing.BitArray
	for y := 0; y < src.GetHeight(); y++ {
		got, err := ours.GetBlackRow(y, row)
		want, wantErr := theirs.GetBlackRow(y, wantRow)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("%s: row %d: error %v, gozxing's %v", name, y, err, wantErr)
		}
		if err != nil {
			continue
		}
		row, wantRow = got, want
		for x := 0; x < src.GetWidth(); x++ {
			if got.Get(x) != want.Get(x) {
				t.Fatalf("%s: row %d pixel %d dark %v, gozxing says %v", name, y, x, got.Get(x), want.Get(x))
			}
		}
	}
}

func sameMatrix(t *testing.T, name string, ours, theirs gozxing.Binarizer) {
	t.Helper()
	want, wantErr := theirs.GetBlackMatrix()
	got, err := ours.GetBlackMatrix()
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("%s: error %v, gozxing's %v", name, err, wantErr)
	}
	if err != nil {
		return // both find no contrast at all
	}
	for y := 0; y < want.GetHeight(); y++ {
		for x := 0; x < want.GetWidth(); x++ {
			if got.Get(x, y) != want.Get(x, y) {
				t.Fatalf("%s: pixel (%d,%d) dark %v, gozxing says %v", name, x, y, got.Get(x, y), want.Get(x, y))
			}
		}
	}
}

// TestBinarizersMatchGozxingSweep compares them bit for bit: sizes
// that are and are not multiples of the block size, and too small for
// blocks; noise, flat areas (where black points come from the
// neighbours), gradients and sharp edges; with vector registers, where
// the build and the processor have them, and without.
func TestBinarizersMatchGozxingSweep(t *testing.T) {
	withAndWithoutVectors(t, binarizersMatchGozxing)
}

func binarizersMatchGozxing(t *testing.T) {
	cases := sweep.New(t)
	rng := rand.New(rand.NewPCG(3, 8))
	pool := NewPlanePool(0)
	sizes := [][2]int{{1, 9}, {2, 40}, {3, 45}, {40, 40}, {41, 47}, {64, 64}, {63, 65}, {100, 37}, {39, 200}, {333, 129}, {640, 480}, {97, 1000}}
	fills := map[string]func(x, y int) uint8{
		"noise":    func(x, y int) uint8 { return uint8(rng.IntN(256)) },
		"flat":     func(x, y int) uint8 { return uint8(180 + rng.IntN(8)) },
		"gradient": func(x, y int) uint8 { return uint8((3*x + 2*y) % 256) },
		"patches": func(x, y int) uint8 {
			if (x/13+y/11)%3 == 0 {
				return uint8(20 + rng.IntN(20))
			}
			return uint8(200 + rng.IntN(10))
		},
		"dark": func(x, y int) uint8 { return uint8(rng.IntN(12)) },
		// Blocks whose range is about minDynamicRange, flat or not by
		// a level, in the first two rows or below them.
		"nearly flat": func(x, y int) uint8 { return uint8(150 + rng.IntN(minDynamicRange+2)) },
		"step below": func(x, y int) uint8 {
			if y%blockSize >= 2 && x%5 == 0 {
				return uint8(150 + minDynamicRange + rng.IntN(3))
			}
			return uint8(150 + rng.IntN(2))
		},
	}
	names := slices.Sorted(maps.Keys(fills))
	for _, s := range sizes {
		for _, name := range names {
			if !cases.Next() {
				continue
			}
			fill := fills[name]
			f := pool.Get(s[0], s[1])
			for y := 0; y < f.Height; y++ {
				for x := 0; x < f.Width; x++ {
					f.Pix[y*f.Stride+x] = fill(x, y)
				}
			}
			var sc scratch
			src := newPlaneSource(f, &sc)
			label := fmt.Sprintf("%s %d×%d", name, s[0], s[1])
			sameAsGozxing(t, label, src)
			sameAsGozxing(t, label+" inverted", src.Invert())
			sc.wipe()
			f.Purge()
		}
	}
}

// TestDarkBits compares the eight-at-once comparison with one pixel at a
// time, for every threshold (and some outside the pixels' range) and
// pixels that straddle each.
func TestDarkBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 13))
	for thr := -2; thr <= 257; thr++ {
		for range 200 {
			var pix [8]byte
			for i := range pix {
				pix[i] = uint8(max(0, min(255, thr-2+rng.IntN(5))))
				if rng.IntN(4) == 0 {
					pix[i] = uint8(rng.IntN(256))
				}
			}
			var want uint32
			for i, v := range pix {
				if int(v) <= thr {
					want |= 1 << i
				}
			}
			if got := darkBits(binary.LittleEndian.Uint64(pix[:]), thr); got != want {
				t.Fatalf("darkBits(%v, %d) = %08b, want %08b", pix, thr, got, want)
			}
		}
	}
}

// TestBinarizersMatchGozxingBlackbox compares them on the photos of the
// blackbox set.
func TestBinarizersMatchGozxingBlackbox(t *testing.T) {
	pool := NewPlanePool(0)
	for _, img := range blackbox.Load(t) {
		data, err := os.ReadFile(img.Path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := DecodeImage(data, DefaultLimits, pool)
		if err != nil {
			t.Fatal(err)
		}
		var sc scratch
		sameAsGozxing(t, img.Rel, newPlaneSource(f, &sc))
		sc.wipe()
		f.Purge()
	}
}

// TestSharpEdgesMatchDivision compares the edges sharpEdges finds with
// those of the sharpened values halved and compared with the black point
// one pixel at a time, as the row measurement defines them: rows of noise,
// of two levels and flat ones, narrow and short ones, black points from
// below 0 to above 255; with vector registers, where the build and the
// processor have them, and without.
func TestSharpEdgesMatchDivision(t *testing.T) {
	withAndWithoutVectors(t, sharpEdgesMatchDivision)
}

func sharpEdgesMatchDivision(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 5))
	want := func(lum []byte, black int) []int32 {
		var edges []int32
		dark := false
		for x := 1; x < len(lum)-1; x++ {
			f := (4*int(lum[x]) - int(lum[x-1]) - int(lum[x+1])) / 2
			if d := f < black; d != dark {
				edges = append(edges, int32(x))
				dark = d
			}
		}
		return edges
	}
	for i := range 3000 {
		lum := make([]byte, rng.IntN([2]int{40, 120}[i%2]))
		lo, hi := rng.IntN(256), rng.IntN(256)
		for x := range lum {
			switch i % 3 {
			case 0:
				lum[x] = byte(rng.IntN(256))
			case 1:
				lum[x] = byte([2]int{lo, hi}[rng.IntN(2)])
			default:
				lum[x] = byte(lo)
			}
		}
		black := rng.IntN(300) - 20
		edgeAt := make([]int32, len(lum)+1)
		n, dark := sharpEdges(lum, black, edgeAt)
		w := want(lum, black)
		if !slices.Equal(edgeAt[:n], w) || (dark == 1) != (len(w)%2 == 1) {
			t.Fatalf("row %v, black %d: edges %v (ending dark %d), want %v", lum, black, edgeAt[:n], dark, w)
		}
	}
}

// rowHistogram counts eight pixels a pass into four histograms; the sum
// must be the plain count of every pixel, for rows of every length about
// a pass's, the last pixels counted one at a time.
func TestRowHistogramAsPlain(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	for n := range 40 {
		lum := make([]byte, n)
		for i := range lum {
			lum[i] = byte(rng.IntN(256))
		}
		var want [histogramBuckets]int
		for _, v := range lum {
			want[v>>histogramShift]++
		}
		got := [histogramBuckets]int{7} // stale counts, overwritten
		rowHistogram(lum, &got)
		if got != want {
			t.Fatalf("%d pixels: %v, want %v", n, got, want)
		}
	}
}

// blockThresholds keeps running sums along rows and then down a row of
// columns at a time; every threshold must be the plain mean of the 5×5
// black points round the nearest window centre held inside, for grids
// from the least, 5×5, up.
func TestBlockThresholdsAsPlain(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 5))
	for _, size := range [][2]int{{5, 5}, {6, 5}, {5, 9}, {13, 8}, {31, 17}} {
		subW, subH := size[0], size[1]
		bp := make([]int, subW*subH)
		for i := range bp {
			bp[i] = rng.IntN(256)
		}
		want := make([]int, len(bp))
		for by := range subH {
			cy := max(2, min(by, subH-3))
			for bx := range subW {
				cx := max(2, min(bx, subW-3))
				sum := 0
				for y := cy - 2; y <= cy+2; y++ {
					for x := cx - 2; x <= cx+2; x++ {
						sum += bp[y*subW+x]
					}
				}
				want[by*subW+bx] = sum / 25
			}
		}
		thr := make([]int, len(bp))
		for i := range thr {
			thr[i] = -1 // stale
		}
		if got := blockThresholds(thr, slices.Clone(bp), subW, subH); !slices.Equal(got, want) {
			t.Errorf("%d×%d blocks: %v, want %v", subW, subH, got, want)
		}
	}
}

// GetBlackRow's row is made in vector registers half a word at a time
// (sharpDarkBits); its bits must be the plain halved filter's against
// the black point, for rows of lengths about the half words', at black
// points from 1 up.
func TestSharpDarkBitsAsPlain(t *testing.T) {
	withAndWithoutVectors(t, sharpDarkBitsAsPlain)
}

func sharpDarkBitsAsPlain(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 1))
	for n := 3; n < 100; n++ {
		lum := make([]byte, n)
		for i := range lum {
			lum[i] = byte(rng.IntN(256))
		}
		for _, black := range []int{0, 1, 8, 96, 255, 256} {
			want := make([]uint32, (n+31)/32)
			for x := 1; x < n-1; x++ {
				if (4*int(lum[x])-int(lum[x-1])-int(lum[x+1]))/2 < black {
					want[x>>5] |= 1 << (x & 31)
				}
			}
			got := make([]uint32, len(want)) // cleared, as GetBlackRow's
			sharpDarkBits(lum, black, got)
			if !slices.Equal(got, want) {
				t.Fatalf("%d pixels at %d: %08x, want %08x", n, black, got, want)
			}
		}
	}
}

// The global binarizer's matrix is made in vector registers a word at a
// time (darkWordsWide) where it can; every bit must be its pixel against
// the black point of the four sample rows, for widths on and off a
// word's, with vectors and without.
func TestGlobalMatrixAsPlain(t *testing.T) {
	withAndWithoutVectors(t, globalMatrixAsPlain)
}

func globalMatrixAsPlain(t *testing.T) {
	rng := rand.New(rand.NewPCG(32, 9))
	for _, w := range []int{5, 31, 32, 33, 64, 75, 100} {
		const h = 10
		f := &Frame{Pix: make([]byte, w*h), Width: w, Height: h, Stride: w}
		for i := range f.Pix {
			f.Pix[i] = byte(rng.IntN(64) + 160*rng.IntN(2))
		}
		var buckets [histogramBuckets]int
		for k := 1; k < 5; k++ {
			for _, v := range f.Pix[h*k/5*w:][w/5 : w*4/5] {
				buckets[v>>histogramShift]++
			}
		}
		black, ok := blackPointOf(&buckets)
		if !ok {
			t.Fatalf("width %d: no black point", w)
		}
		// The rows not sampled: pixels about the black point.
		for _, y := range []int{0, 1, 3, 5, 7, 9} {
			for x := range w {
				f.Pix[y*w+x] = byte(black - 2 + rng.IntN(4))
			}
		}
		m, err := newGlobalBinarizer(newPlaneSource(f, nil)).GetBlackMatrix()
		if err != nil {
			t.Fatal(err)
		}
		for y := range h {
			for x := range w {
				if got, want := m.Get(x, y), int(f.Pix[y*w+x]) < black; got != want {
					t.Fatalf("width %d: pixel (%d,%d) of %d at %d is %v, want %v", w, x, y, f.Pix[y*w+x], black, got, want)
				}
			}
		}
	}
}

// blackPointOf reads the buckets between the peaks as one slice; it must
// find the black point the plain loops do, on histograms with ties, gaps
// and peaks too close, of rows and of noise.
func TestBlackPointOfAsPlain(t *testing.T) {
	plain := func(buckets *[histogramBuckets]int) (int, bool) {
		first, firstSize, most := 0, 0, 0
		for x, n := range buckets {
			if n > firstSize {
				first, firstSize = x, n
			}
			most = max(most, n)
		}
		second, secondScore := 0, 0
		for x, n := range buckets {
			d := x - first
			if score := n * d * d; score > secondScore {
				second, secondScore = x, score
			}
		}
		if first > second {
			first, second = second, first
		}
		if second-first <= histogramBuckets/16 {
			return 0, false
		}
		valley, valleyScore := second-1, -1
		for x := second - 1; x > first; x-- {
			from := x - first
			if score := from * from * (second - x) * (most - buckets[x]); score > valleyScore {
				valley, valleyScore = x, score
			}
		}
		return valley << histogramShift, true
	}
	rng := rand.New(rand.NewPCG(16, 2))
	for i := range 3000 {
		var b [histogramBuckets]int
		top := 1 + rng.IntN([]int{3, 40, 2000}[i%3]) // few levels: ties
		for k := range b {
			if rng.IntN(3) > 0 {
				b[k] = rng.IntN(top)
			}
		}
		gotBlack, gotOK := blackPointOf(&b)
		wantBlack, wantOK := plain(&b)
		if gotBlack != wantBlack || gotOK != wantOK {
			t.Fatalf("%v: %d, %v; want %d, %v", b, gotBlack, gotOK, wantBlack, wantOK)
		}
	}
}
