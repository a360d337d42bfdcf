package scanner

import (
	"image"
	"math"
	"math/rand/v2"
	"testing"
)

// barsPlane draws w×h pixels of bars across direction theta (radians from
// the rows), widths of 1 to 4 modules of module pixels at random, each
// pixel the share of it under a bar (ink 40, paper 215), plus noise of
// the given amplitude.
func barsPlane(w, h int, theta, module float64, noise int, rng *rand.Rand) []byte {
	edges := []float64{-float64(w + h)}
	for dark := true; edges[len(edges)-1] < float64(w+h); dark = !dark {
		edges = append(edges, edges[len(edges)-1]+module*float64(1+rng.IntN(4)))
	}
	cos, sin := math.Cos(theta), math.Sin(theta)
	pix := make([]byte, w*h)
	for y := range h {
		for x := range w {
			ink := 0.0
			for sy := 0.125; sy < 1; sy += 0.25 {
				for sx := 0.125; sx < 1; sx += 0.25 {
					u := (float64(x)+sx-float64(w)/2)*cos + (float64(y)+sy-float64(h)/2)*sin
					i := 0
					for edges[i+1] <= u {
						i++
					}
					if i%2 == 0 {
						ink += 1.0 / 16
					}
				}
			}
			v := 215 - 175*ink + float64(rng.IntN(2*noise+1)-noise)
			pix[y*w+x] = byte(min(255, max(0, v)))
		}
	}
	return pix
}

// barAngle finds the direction across bars at any angle, to within a
// degree, sure of it (coherence well above minCoherence) even in noise
// that speckles the ground; speckle alone, or blobs of every shape, have
// no direction.
func TestBarAngle(t *testing.T) {
	t.Parallel()
	const w, h = 200, 160
	rng := rand.New(rand.NewPCG(5, 5))
	d := newDecoder()
	r := image.Rect(0, 0, w, h)
	for _, deg := range []float64{-80, -45, -30, -10, 0, 20, 45, 60, 89} {
		for _, noise := range []int{0, 20} {
			pix := barsPlane(w, h, deg*math.Pi/180, 2, noise, rng)
			src := &planeSource{pix: pix, stride: w, width: w, height: h, scratch: &d.scratch}
			theta, coherence := d.barAngle(src, r)
			off := math.Remainder(theta-deg*math.Pi/180, math.Pi) * 180 / math.Pi
			if math.Abs(off) > 1 || coherence < 0.8 {
				t.Errorf("bars across %v°, noise %d: measured %.1f° (%.1f° off), coherence %.2f", deg, noise, theta*180/math.Pi, off, coherence)
			}
		}
	}
	speckle := make([]byte, w*h)
	blobs := make([]byte, w*h)
	for i := range speckle {
		speckle[i] = byte(128 + rng.IntN(41) - 20)
		blobs[i] = 215
	}
	for range 60 {
		cx, cy, rad := rng.IntN(w), rng.IntN(h), 3+rng.IntN(8)
		for y := max(0, cy-rad); y < min(h, cy+rad); y++ {
			for x := max(0, cx-rad); x < min(w, cx+rad); x++ {
				if (x-cx)*(x-cx)+(y-cy)*(y-cy) < rad*rad {
					blobs[y*w+x] = 40
				}
			}
		}
	}
	for name, pix := range map[string][]byte{"speckle": speckle, "blobs": blobs} {
		src := &planeSource{pix: pix, stride: w, width: w, height: h, scratch: &d.scratch}
		if _, coherence := d.barAngle(src, r); coherence >= minCoherence/2 {
			t.Errorf("%s: coherence %.2f, want under %v", name, coherence, minCoherence/2)
		}
	}
}
