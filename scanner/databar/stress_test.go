package databar

import (
	"fmt"
	"image"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/sweep"
)

// TestNoMisreadUnderDistortionSweep decodes random symbols (random data, row
// layout, module size 1.3–3.3 pixels, noise up to σ 30 on lowered
// contrast, blur, skew and orientation) and checks that nothing is ever
// read wrong, and that the read rate stays where it is (121 of 150; most
// misses have modules under 1.6 pixels or the heaviest noise). Under
// -race the first quarter of the symbols, whose rate is the same.
func TestNoMisreadUnderDistortionSweep(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	n := sweep.Count(t, 150)
	read, misread := stress(t, 11, n, nil)
	t.Logf("%d of %d read", read, n)
	if misread > 0 {
		t.Errorf("%d misreads", misread)
	}
	floor := (121*n + 149) / 150
	if read < floor {
		t.Errorf("%d of %d read, want at least %d", read, n, floor)
	}
}

// stress decodes n random distorted symbols and counts reads and
// misreads, logging each failure.
func stress(t *testing.T, seed uint64, n int, hints map[gozxing.DecodeHintType]interface{}) (read, misread int) {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	for tried := 0; tried < n; {
		hri := randomHRI(rng)
		perRow := []int{0, 0, 1, 2, 3, 4}[rng.IntN(6)]
		rowChars := 0
		if perRow > 0 {
			rowChars = 2 * perRow
		}
		if _, err := expandedChars(hri, rowChars); err != nil {
			continue
		}
		tried++
		module := 1.3 + rng.Float64()*2
		img := symbolImage(t, hri, perRow, module)
		desc := fmt.Sprintf("%s per-row=%d module=%.2f", hri, perRow, module)
		if module >= 2 && rng.IntN(3) == 0 {
			img = blur(img, 1)
			desc += " blur"
		}
		if rng.IntN(2) == 0 {
			deg := rng.Float64()*8 - 4
			img = rotateSmall(img, deg)
			desc += fmt.Sprintf(" skew=%.1f", deg)
		}
		sigma := rng.Float64() * 30
		img = addNoise(img, sigma, uint8(rng.IntN(60)), uint8(180+rng.IntN(75)), rng.Uint64())
		turns := rng.IntN(4)
		img = rotateQuarter(img, turns)
		desc += fmt.Sprintf(" noise=%.0f turns=%d", sigma, turns)
		res, err := decodeGray(t, image.Image(img), hints)
		switch {
		case err != nil:
			t.Logf("no read: %s", desc)
		case res.GetText() != hri:
			t.Errorf("misread %q as %q: %s", hri, res.GetText(), desc)
			misread++
		default:
			read++
		}
	}
	return read, misread
}
