//go:build !(amd64 && goexperiment.simd)

package dotcode

// Without vector registers (the build has no GOEXPERIMENT=simd, or the
// processor is not amd64), the word code does every pixel.

var vectors = false

func blocksWide(top, second []byte, both bool, limit int, sums []uint32, mins []byte) int {
	return 0
}

func (g *grayView) setWide(means, lows []int16, cores bool) int { return 0 }

func (g *grayView) darkWide(row []byte, words []uint32) int { return 0 }

func darkTail(row []byte, thr *[32]byte) uint32 { return 0 }

func minWide(low, next []byte) int { return 0 }

func windowMinWide(dst, src []byte, from int) int { return from }

func meansWide(means []int16, col []uint32) int { return 0 }

func addWide(dst, src []uint32) int { return 0 }

func subWide(dst, src []uint32) int { return 0 }

func slideWide(dst, in, out []uint32) int { return 0 }

func lowsWide(lows []int16, mins []byte) int { return 0 }
