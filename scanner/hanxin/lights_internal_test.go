package hanxin

import (
	"image"
	"math/rand/v2"
	"testing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner/internal/hybridtest"
)

// TestLightsAsMeasured: the light after each candidate's square away from
// another that a search's group tests keep (Reader.lights) is what
// lightAfterSquare measures, and a group tried with the candidates'
// indexes fails as one tried without them. The image holds Han Xin's
// finder pattern, turned a quarter at a time, at random places, so that
// its candidates make groups that share their pairs.
func TestLightsAsMeasured(t *testing.T) {
	zint.Need(t)
	const module = 3
	sym, _ := zint.Image(t, "-b", "HANXIN", "--vers=3", "-d", "finders").Render(zint.Scene{Module: module})
	finder := sym.SubImage(image.Rect(9*module, 9*module, 18*module, 18*module)).(*image.Gray)
	side := finder.Rect.Dx()
	rng := rand.New(rand.NewPCG(1, 2))
	img := image.NewGray(image.Rect(0, 0, 320, 320))
	for i := range img.Pix {
		img.Pix[i] = 210
	}
	for range 14 {
		x0, y0, turn := rng.IntN(320-side), rng.IntN(320-side), rng.IntN(4)
		for v := range side {
			for u := range side {
				su, sv := u, v
				for range turn {
					su, sv = sv, side-1-su
				}
				img.Pix[(y0+v)*img.Stride+x0+u] = finder.Pix[sv*finder.Stride+su]
			}
		}
	}
	bm, mat := hybridtest.Matrix(t, img)
	r := NewReader()
	r.DecodeMultiple(bm, nil)
	n, kept := r.lightsN, 0
	for i := range n {
		for j := range n {
			l := r.lights[i*n+j]
			if l < 0 {
				continue
			}
			kept++
			c, from := r.cands[i], r.cands[j]
			if want := lightAfterSquare(mat, c, 2*c.x-from.x, 2*c.y-from.y); l != want {
				t.Errorf("light of candidate %d away from %d kept %v, measured %v", i, j, l, want)
			}
		}
	}
	if kept == 0 {
		t.Fatalf("no light kept among %d candidates", n)
	}
	groups := 0
	forGroups(r.cands[:n], r.dist, func(a, b, c, d int) (bool, bool) {
		groups++
		q := [4]candidate{r.cands[a], r.cands[b], r.cands[c], r.cands[d]}
		res1, err1 := r.tryGroup(mat, q, [4]int{a, b, c, d})
		res2, err2 := r.tryGroup(mat, q, noIDs)
		if (res1 == nil) != (res2 == nil) || err1 != err2 {
			t.Errorf("group %v: %v %v with the indexes, %v %v without", [4]int{a, b, c, d}, res1, err1, res2, err2)
		}
		return false, false
	})
	t.Logf("%d candidates, %d lights kept, %d groups", n, kept, groups)
}
