//go:build !(amd64 && goexperiment.simd)

package scanner

import "github.com/makiuchi-d/gozxing"

// Without vector registers (the build has no GOEXPERIMENT=simd, or the
// processor is not amd64), blockRow reads every word itself.

func blockRowWide(lum []byte, stride, x0, y0, rows int, lo, hi []byte, sums []uint16) int {
	return 0
}

func blockRowReduceWide(lo, hi []byte, edge bool, mins, maxs []byte) int { return 0 }

// blockRowVectors tells whether blockRow uses vector registers.
var blockRowVectors = false

// thresholdVectors thresholds rows in vector registers; without them it
// does nothing and leaves every pixel to thresholdRow.
type thresholdVectors struct{}

func (*thresholdVectors) set(thr []int, w int)               {}
func (*thresholdVectors) row(pix []byte, words []uint32) int { return 0 }
func (*thresholdVectors) wipe()                              {}

func sharpEdgesWide(lum []byte, twice int, edgeAt []int32) (n, dark, next int) { return 0, 0, 1 }

func sharpDarkWide(lum []byte, black int, words []uint32) (from, to int) { return 1, 1 }

func darkWordsWide(pix []byte, black int, words []uint32) int { return 0 }

func doubleRowsWide(upper, lower, up, cur, down []byte) int { return 0 }

func localEdgesWide(lum []byte, thr []int16, edgeAt []int32) (n, dark, next int) { return 0, 0, 1 }

func addRowWide(sum []uint16, row []byte) int { return 0 }

func blockMinMaxWide(lum []byte, size int, lo, hi []uint8) int { return 0 }

func (b *barLook) sumsWide(src gozxing.LuminanceSource, w, h int) bool { return false }
