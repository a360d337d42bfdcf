package hanxin

import (
	"image"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner/internal/bitrow"
	"github.com/scannerd/scannerd/scanner/internal/hybridtest"
)

// TestFinderSquareMeasures: finderSquare, in whole numbers, finds the
// square where finderMeasure, in floats, does and matches the windows it
// matches: every window within the whole-number bounds of runs up to 13
// pixels, random ones of runs up to 2000, and windows with a run on the
// tolerance's bound itself, where finderSquare measures it in floats.
func TestFinderSquareMeasures(t *testing.T) {
	check := func(runs [5]int) bool {
		total := runs[0] + runs[1] + runs[2] + runs[3] + runs[4]
		_, wsq, wok := finderMeasure(runs[:], total)
		sq, ok := finderSquare(runs[0], runs[1], runs[2], runs[3], runs[4], total)
		if ok != wok || ok && sq != wsq {
			t.Fatalf("runs %v: square %d %v, finderMeasure %d %v", runs, sq, ok, wsq, wok)
		}
		return ok
	}
	passed := 0
	sampleFinderWindows(31, func(runs [5]int) {
		if check(runs) {
			passed++
		}
	})
	rng := rand.New(rand.NewPCG(31, 32))
	var runs [5]int
	// On the bound: 20·|7r − total| = 11·total for a unit's run (total
	// a multiple of 140: r = 9 or 31 per 140), 10·|7r − 3·total| =
	// 11·total for the square's (total a multiple of 70: r = 19 or 41
	// per 70). The other runs share the rest of the total.
	onBound := 0
	for range 20000 {
		k := 1 + rng.IntN(20)
		var total, r, at int
		if rng.IntN(2) == 0 {
			total, r, at = 140*k, []int{9, 31}[rng.IntN(2)]*k, 1+rng.IntN(3)
			if rng.IntN(3) == 0 {
				at = 4 * rng.IntN(2) // an end run, measured as a unit
			}
		} else {
			total, r, at = 70*k, []int{19, 41}[rng.IntN(2)]*k, 4*rng.IntN(2)
		}
		runs[at] = r
		rest := total - r
		for i := range runs {
			if i == at {
				continue
			}
			share := rest / 4
			runs[i] = max(1, share+rng.IntN(share/2+1)-share/4)
		}
		// Give the last free run what is left, when it can take it.
		last := 4
		if at == 4 {
			last = 3
		}
		sum := 0
		for i, v := range runs {
			if i != last {
				sum += v
			}
		}
		if total-sum < 1 {
			continue
		}
		runs[last] = total - sum
		onBound++
		check(runs)
	}
	if passed < 5000 || onBound < 10000 {
		t.Fatalf("%d windows matched, %d on the bound: the cases test too few", passed, onBound)
	}
}

// TestStepChordAsStepped: stepChord, which looks again at no pixel a step
// before it sampled, ends where half-pixel steps sampling every point end
// the chord, in every direction, at any point, near the edges and past
// them; stepChordWithin fails where that chord reaches its most in all.
func TestStepChordAsStepped(t *testing.T) {
	rng := rand.New(rand.NewPCG(33, 34))
	for _, sz := range [][3]int{{23, 17, 4}, {70, 45, 12}, {64, 96, 3}} {
		w, h, dark := sz[0], sz[1], sz[2]
		bm, _ := gozxing.NewBitMatrix(w, h)
		for y := range h {
			for x := range w {
				if rng.IntN(dark) != 0 {
					bm.Set(x, y)
				}
			}
		}
		for range 20000 {
			x, y := rng.Float64()*float64(w+4)-2, rng.Float64()*float64(h+4)-2
			a := rng.Float64() * 2 * math.Pi
			dx, dy := math.Cos(a), math.Sin(a)
			if rng.IntN(2) == 0 {
				d := math.Sqrt2 / 2
				dx, dy = d, []float64{d, -d}[rng.IntN(2)]
			}
			limit := rng.Float64() * float64(2*dark+8)
			got, gotOK := stepChord(bm, x, y, dx, dy, limit)
			want, wantOK := steppedChord(bm, x, y, dx, dy, limit)
			if gotOK != wantOK || gotOK && got != want {
				t.Fatalf("%dx%d: (%v, %v) along (%v, %v), limit %v: %+v %v, want %+v %v", w, h, x, y, dx, dy, limit, got, gotOK, want, wantOK)
			}
			// Within most pixels in all: the chord stepped, failing
			// where it reaches most.
			most := rng.Float64() * float64(4*dark+8)
			got, gotOK = stepChordWithin(bm, x, y, dx, dy, limit, most)
			wantOK = wantOK && want.length() < most
			if gotOK != wantOK || gotOK && got != want {
				t.Fatalf("%dx%d: (%v, %v) along (%v, %v), limit %v, within %v: %+v %v, want %+v %v", w, h, x, y, dx, dy, limit, most, got, gotOK, want, wantOK)
			}
		}
	}
}

// steppedChord walks a chord by its definition: half-pixel steps both
// ways, every point sampled.
func steppedChord(bm *gozxing.BitMatrix, x, y, dx, dy, limit float64) (chord, bool) {
	c := chord{dx: dx, dy: dy}
	for side, s := range [2]float64{1, -1} {
		t := 0.0
		for ; t < limit && dark(bm, x+s*dx*t, y+s*dy*t); t += 0.5 {
		}
		if t >= limit {
			return c, false
		}
		if side == 0 {
			c.pos = t
		} else {
			c.neg = t
		}
	}
	return c, true
}

// TestFloorIntAsFloor: floorInt is int(math.Floor(v)), either side of 0,
// on whole numbers and halves and just off them.
func TestFloorIntAsFloor(t *testing.T) {
	rng := rand.New(rand.NewPCG(35, 36))
	for k := range 100000 {
		v := (rng.Float64() - 0.5) * 2000
		switch k % 4 {
		case 0:
			v = float64(rng.IntN(200)-100) / 2
		case 1:
			v = math.Nextafter(float64(rng.IntN(200)-100)/2, math.Inf(2*rng.IntN(2)-1))
		case 2:
			v = math.Copysign(0, -1)
		}
		if got, want := floorInt(v), int(math.Floor(v)); got != want {
			t.Fatalf("floorInt(%v) = %d, want %d", v, got, want)
		}
	}
}

// TestSearchAsBefore: the search finds the candidates, to the last bit,
// that the search it replaced found (referenceCandidates: every window
// measured in floats, every chord stepped, walked as far as its limit),
// on textures of blobs of several sizes, where most windows and chords
// fail, and on a symbol.
func TestSearchAsBefore(t *testing.T) {
	r := NewReader()
	same := func(t *testing.T, img image.Image) (found, angles int) {
		t.Helper()
		_, bm := hybridtest.Matrix(t, img)
		want := referenceCandidates(bm, 3)
		got := r.findCandidates(bm, 3, nil)
		if len(got) != len(want) {
			t.Fatalf("%d candidates, want %d", len(got), len(want))
		}
		for k := range want {
			if got[k] != want[k] {
				t.Fatalf("candidate %d %+v, want %+v", k, got[k], want[k])
			}
			if want[k].angles {
				angles++
			}
		}
		return len(want), angles
	}
	found, angles := 0, 0
	for i, scale := range []float64{2, 3, 4, 6, 9} {
		f, a := same(t, blobTexture(400, 300, scale, uint64(i)))
		found, angles = found+f, angles+a
	}
	if found < 50 || angles < 10 {
		t.Fatalf("%d candidates, %d with angles: the textures test too few", found, angles)
	}
	t.Run("symbol", func(t *testing.T) {
		zint.Need(t)
		sym, _ := zint.Image(t, "-b", "HANXIN", "--vers=5", "-d", "as before").Render(zint.Scene{Module: 3, Angle: 30})
		if f, _ := same(t, sym); f < 4 {
			t.Fatalf("%d candidates on a symbol", f)
		}
	})
}

// blobTexture is a texture of dark and light blobs about scale pixels
// across: noise on a grid scale pixels apart, interpolated.
func blobTexture(w, h int, scale float64, seed uint64) *image.Gray {
	rng := rand.New(rand.NewPCG(seed, 37))
	gw, gh := int(float64(w)/scale)+2, int(float64(h)/scale)+2
	grid := make([]float64, gw*gh)
	for i := range grid {
		grid[i] = rng.Float64()
	}
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			gx, gy := float64(x)/scale, float64(y)/scale
			ix, iy := int(gx), int(gy)
			fx, fy := gx-float64(ix), gy-float64(iy)
			at := func(i, j int) float64 { return grid[j*gw+i] }
			v := (at(ix, iy)*(1-fx)+at(ix+1, iy)*fx)*(1-fy) + (at(ix, iy+1)*(1-fx)+at(ix+1, iy+1)*fx)*fy
			img.Pix[y*img.Stride+x] = uint8(30 + 190*v)
		}
	}
	return img
}

// referenceCandidates is the search as it was: every window of five runs
// along every step-th row, then column, measured in floats
// (matchesFinder), and each match confirmed with chords stepped by their
// definition to their limit.
func referenceCandidates(bm *gozxing.BitMatrix, step int) []candidate {
	w, h := bm.GetWidth(), bm.GetHeight()
	var cands []candidate
	near := func(x, y float64) int {
		for i, c := range cands {
			if math.Abs(c.x-x) < 1.5*c.module && math.Abs(c.y-y) < 1.5*c.module {
				return i
			}
		}
		return -1
	}
	confirm := func(x, y, unit float64, arms uint8) {
		if i := near(x, y); i >= 0 {
			cands[i].hit(bm, arms)
			return
		}
		if !dark(bm, x, y) {
			return
		}
		var ch [4]chord
		var ok bool
		for range 2 {
			if ch[0], ok = steppedChord(bm, x, y, 1, 0, 6*unit); !ok {
				return
			}
			x += ch[0].shift()
			if ch[1], ok = steppedChord(bm, x, y, 0, 1, 6*unit); !ok {
				return
			}
			y += ch[1].shift()
		}
		d := math.Sqrt2 / 2
		if ch[0], ok = steppedChord(bm, x, y, 1, 0, 6*unit); !ok {
			return
		}
		if ch[2], ok = steppedChord(bm, x, y, d, d, 6*unit); !ok {
			return
		}
		if ch[3], ok = steppedChord(bm, x, y, d, -d, 6*unit); !ok {
			return
		}
		side, long := math.Inf(1), 0.0
		for _, c := range ch {
			side, long = min(side, c.length()), max(long, c.length())
		}
		module := side / 3
		if long > 1.7*side || module < 0.6*unit/math.Sqrt2 || module > 1.5*unit {
			return
		}
		if !lightRing(bm, x, y, module, &ch) {
			return
		}
		if i := near(x, y); i >= 0 {
			cands[i].hit(bm, arms)
			return
		}
		cands = append(cands, candidate{x: x, y: y, module: module, hits: 1, unit: unit, arms: arms,
			angles: anglesBeside(bm, x, y, module, arms)})
	}
	scan := func(bits []uint32, n, line int, vertical bool) {
		bitrow.Windows(bits, n, 5, nil, func(win []int, mid float64) {
			unit, sq, ok := matchesFinder(win)
			if !ok {
				return
			}
			start2 := mid - float64(win[2])/2 // where the middle run starts
			c := start2 + float64(win[2]+win[3]) + float64(win[4])/2
			if sq == 0 {
				c = start2 - float64(win[1]) - float64(win[0])/2
			}
			x, y := c, float64(line)+0.5
			if vertical {
				x, y = y, c
			}
			confirm(x, y, unit, armsOf(sq, vertical))
		})
	}
	for line := step / 2; line < h; line += step {
		scan(bm.GetRow(line, nil).GetBitArray(), w, line, false)
	}
	for line := step / 2; line < w; line += step {
		col := gozxing.NewBitArray(h)
		for y := range h {
			if bm.Get(line, y) {
				col.Set(y)
			}
		}
		scan(col.GetBitArray(), h, line, true)
	}
	return cands
}
