package dotcode

import (
	"image"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/zint"
)

// The benchmarks time the paths that grow the arrays a Reader keeps:
// the blob search's runs, records and dots, the clusters' neighbourhood
// and groups, the lattice walk's order, steps and points, and a whole
// read of a frame that holds a symbol among noise.

// texture returns a w by h image of dark pixels at random, density of
// them, as a photo's texture binarizes: many runs a row and many specks.
func texture(rng *rand.Rand, w, h int, density float64) *wordImage {
	var m wordImage
	m.resize(w, h)
	for y := range h {
		row := m.row(y)
		for x := range w {
			if rng.Float64() < density {
				row[x/32] |= 1 << (x % 32)
			}
		}
	}
	return &m
}

func BenchmarkFindWords(b *testing.B) {
	m := texture(rand.New(rand.NewPCG(21, 1)), 640, 480, 0.3)
	var f blobFinder
	for b.Loop() {
		f.findWords(m)
	}
}

func BenchmarkClusters(b *testing.B) {
	rng := rand.New(rand.NewPCG(21, 2))
	var bs []blob
	for range 8 {
		bs = append(bs, randomDots(rng)...)
	}
	var sc latticeScratch
	for b.Loop() {
		sc.clusters(bs)
	}
}

// BenchmarkFitLattice fits a lattice of 40 by 40 dots, a little off
// their places, as a symbol's are.
func BenchmarkFitLattice(b *testing.B) {
	rng := rand.New(rand.NewPCG(21, 3))
	var bs []blob
	for i := range 40 {
		for j := range 40 {
			bs = append(bs, blob{x: 30 + 9*float64(i) + rng.Float64() - 0.5, y: 30 + 9*float64(j) + rng.Float64() - 0.5, size: 4})
		}
	}
	var sc latticeScratch
	groups := sc.clusters(bs)
	if len(groups) == 0 {
		b.Fatal("no cluster to fit")
	}
	group := slices.Clone(groups[0])
	if _, ok := sc.fitLattice(bs, group); !ok {
		b.Fatal("no lattice fitted")
	}
	for b.Loop() {
		sc.fitLattice(bs, group)
	}
}

// BenchmarkDecodeGray reads a symbol pasted into a frame of noise, the
// reader wiping after each read as the scanner has it.
func BenchmarkDecodeGray(b *testing.B) {
	zint.Need(b)
	sym, _ := zint.ImageAt(b, 3, "-b", "DOTCODE", "-d", "benchmark").Render(zint.Scene{Module: 5, Angle: 20})
	rng := rand.New(rand.NewPCG(21, 4))
	frame := image.NewGray(image.Rect(0, 0, 640, 480))
	for i := range frame.Pix {
		frame.Pix[i] = byte(rng.IntN(256))
	}
	for y := range sym.Rect.Dy() {
		copy(frame.Pix[(100+y)*frame.Stride+100:], sym.Pix[y*sym.Stride:y*sym.Stride+sym.Rect.Dx()])
	}
	src := gozxing.NewLuminanceSourceFromImage(frame)
	r := NewReader()
	if res, err := r.DecodeGray(src, nil, 1); err != nil || res[0].GetText() != "benchmark" {
		b.Fatalf("read %v, %v", res, err)
	}
	for b.Loop() {
		r.DecodeGray(src, nil, 1)
	}
}
