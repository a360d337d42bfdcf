package postal

import (
	"image"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// randomBars returns blobs shaped as bars: rows of evenly spaced bars of
// one size and turn, with bars left out, shifted, of other sizes and turns
// and at the same places (equal distances), among specks.
func randomBars(rng *rand.Rand) []blob {
	var out []blob
	add := func(cx, cy, length, thickness, angle float64) {
		out = append(out, blob{cx: cx, cy: cy, length: length, thickness: thickness,
			ux: math.Cos(angle), uy: math.Abs(math.Sin(angle)), sums: sums{n: 10}})
	}
	for range 1 + rng.IntN(4) {
		x, y := rng.Float64()*300, rng.Float64()*300
		angle := rng.Float64() * math.Pi
		pitch, length, thick := 2+rng.Float64()*6, 4+rng.Float64()*30, 0.8+rng.Float64()*3
		// Upright, on whole pixels and without jitter, so that equal
		// distances occur: a bar broken in two pieces side by side along
		// its axis puts two at the same distance across it.
		jitter := 0.05
		if rng.IntN(2) == 0 {
			angle, pitch, jitter = 0, math.Round(pitch), 0
			x, y = math.Round(x), math.Round(y)
		}
		for k := range 10 + rng.IntN(60) {
			if rng.IntN(10) == 0 {
				continue
			}
			l := length * (0.4 + 0.6*float64(rng.IntN(3))/2)
			bx, by := x+float64(k)*pitch*math.Sin(angle), y-float64(k)*pitch*math.Cos(angle)
			a := angle + rng.NormFloat64()*jitter
			add(bx, by, l, thick, a)
			if jitter == 0 && rng.IntN(3) == 0 {
				add(bx+float64(1+rng.IntN(3)), by, l, thick, a)
			}
		}
	}
	for range rng.IntN(200) {
		add(rng.Float64()*300, rng.Float64()*300, 1+rng.Float64()*20, 0.5+rng.Float64()*3, rng.Float64()*math.Pi)
	}
	return out
}

// TestChainsMatchMap: the chains linked through the sorted grid of cells
// are those the grid as a map of cells linked, in the same order, bar for
// bar, on random rows of bars among specks.
func TestChainsMatchMap(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(11, 12))
	linked := 0
	for trial := range 40 {
		blobs := randomBars(rng)
		got, want := chains(blobs, minChainBars), chainsByMap(blobs, minChainBars)
		linked += len(got)
		if len(got) != len(want) {
			t.Fatalf("trial %d: %d chains, want %d", trial, len(got), len(want))
		}
		for i := range got {
			if !slices.Equal(got[i], want[i]) {
				t.Fatalf("trial %d: chain %d differs", trial, i)
			}
		}
	}
	if linked < 40 {
		t.Errorf("%d chains in all, want rows of bars linked", linked)
	}
}

// chainsByMap is chains as it kept its grid in a map of cells and tested
// the bars round each (besideAsBefore, every candidate, used or not), a
// seed's second side searched after the walk along its first
// (linkAsBefore): the reference the sorted grid and the seed's one search
// must agree with.
func chainsByMap(blobs []blob, minBars int) [][]*blob {
	bs, cell := barsOf(blobs)
	if len(bs) < minBars {
		return nil
	}
	key := func(x, y float64) [2]int { return [2]int{int(math.Floor(x / cell)), int(math.Floor(y / cell))} }
	grid := map[[2]int][]int{}
	for i, b := range bs {
		k := key(b.cx, b.cy)
		grid[k] = append(grid[k], i)
	}
	used := make([]bool, len(bs))
	next := func(i int, ux, uy, sign float64) int {
		k := key(bs[i].cx, bs[i].cy)
		found, dist := -1, math.Inf(1)
		for gx := k[0] - 1; gx <= k[0]+1; gx++ {
			for gy := k[1] - 1; gy <= k[1]+1; gy++ {
				for _, j := range grid[[2]int{gx, gy}] {
					if dv, ok := besideAsBefore(bs[i], bs[j], ux, uy, sign); ok && !used[j] && dv < dist {
						found, dist = j, dv
					}
				}
			}
		}
		return found
	}
	return linkAsBefore(bs, used, minBars, next)
}

// linkAsBefore is link as it was, each side of a seed searched when the
// walk reaches it: the seed's second side after the walk along the
// first.
func linkAsBefore(bs []*blob, used []bool, minBars int, next func(i int, ux, uy, sign float64) int) [][]*blob {
	var out [][]*blob
	for seed := range bs {
		if used[seed] || stubby(bs[seed]) {
			continue
		}
		used[seed] = true
		chain := []*blob{bs[seed]}
		for _, sign := range []float64{1, -1} {
			var side []*blob
			ux, uy := bs[seed].ux, bs[seed].uy
			for i := seed; len(side) < 2*maxBars; {
				j := next(i, ux, uy, sign)
				if j < 0 {
					break
				}
				used[j] = true
				side = append(side, bs[j])
				if !stubby(bs[j]) {
					if bs[j].ux*ux+bs[j].uy*uy >= 0 {
						ux, uy = bs[j].ux, bs[j].uy
					} else {
						ux, uy = -bs[j].ux, -bs[j].uy
					}
				}
				i = j
			}
			if sign > 0 {
				chain = append(chain, side...)
			} else {
				slices.Reverse(side)
				chain = append(side, chain...)
			}
		}
		if len(chain) >= minBars {
			out = append(out, chain)
		}
	}
	return out
}

// TestLinkSearchesSeedOnce: a seed's cells are searched once for both
// its sides, each other bar's once for the side the walk goes on: a row
// of five bars, seeded at its first, takes five searches.
func TestLinkSearchesSeedOnce(t *testing.T) {
	bs := make([]*blob, 5)
	for i := range bs {
		bs[i] = &blob{cx: float64(10 * i), length: 20, thickness: 3, uy: 1}
	}
	used := make([]bool, len(bs))
	searches := 0
	at := func(i int) int {
		if i < 0 || i >= len(bs) || used[i] {
			return -1
		}
		return i
	}
	next := func(i int, ux, uy, sign float64, both bool) (int, int) {
		searches++
		if sign < 0 {
			return at(i - 1), -1
		}
		if both {
			return at(i + 1), at(i - 1)
		}
		return at(i + 1), -1
	}
	got := link(bs, used, 3, next)
	if len(got) != 1 || !slices.Equal(got[0], bs) {
		t.Fatalf("chains %v, want the row", got)
	}
	if searches != len(bs) {
		t.Errorf("%d searches, want %d", searches, len(bs))
	}
}

// besideAsBefore is chains' test of a neighbour as it was, the bars
// alike first, then their places.
func besideAsBefore(b, c *blob, ux, uy, sign float64) (float64, bool) {
	if !alike(b, c) {
		return 0, false
	}
	vx, vy := -uy*sign, ux*sign
	dx, dy := c.cx-b.cx, c.cy-b.cy
	dv, du := dx*vx+dy*vy, dx*ux+dy*uy
	pitch := (b.thickness + c.thickness) / 2
	return dv, dv >= 1.2*pitch && dv <= 5*pitch && math.Abs(du) < (b.length+c.length)/2
}

// plainGrayAt is grayAt read through At alone: the level at (x, y)
// interpolated between the four pixel centres round it.
func plainGrayAt(g Gray, x, y float64) float64 {
	x, y = x-0.5, y-0.5
	x0, y0 := math.Floor(x), math.Floor(y)
	fx, fy := x-x0, y-y0
	ix, iy := int(x0), int(y0)
	at := func(px, py int) float64 { return float64(g.At(px, py)) }
	return (at(ix, iy)*(1-fx)+at(ix+1, iy)*fx)*(1-fy) + (at(ix, iy+1)*(1-fx)+at(ix+1, iy+1)*fx)*fy
}

// TestProfileAsGrayAt: the profile along a bar reads, at each of its
// places, the level grayAt gives there, and grayAt the level At's pixels
// give, to the bit: on planes lent and not, across their edges and
// beyond them; and where the plane is lent, no pixel is asked of At.
func TestProfileAsGrayAt(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 21))
	for k := range 40 {
		w, h := 1+rng.IntN(60), 1+rng.IntN(60)
		g := &testGray{w: w, h: h, pix: make([]byte, w*h)}
		for i := range g.pix {
			g.pix[i] = byte(rng.IntN(256))
		}
		angle := rng.Float64() * 2 * math.Pi
		rd := &reading{ux: math.Cos(angle), uy: math.Sin(angle), gray: g}
		if k%4 != 0 {
			rd.plane, rd.pw, rd.ph = g.pix, w, h
		}
		x, y := rng.Float64()*float64(w+10)-5, rng.Float64()*float64(h+10)-5
		step := []float64{0.5, 0.25, 1}[k%3]
		levels := rd.profile(make([]float64, 1+2*rng.IntN(40)), x, y, step)
		n := len(levels) / 2
		for i, got := range levels {
			tt := float64(i-n) * step
			px, py := x+tt*rd.ux, y+tt*rd.uy
			if want := rd.grayAt(px, py); math.Float64bits(got) != math.Float64bits(want) {
				t.Fatalf("case %d, sample %d of %d: %v, grayAt %v", k, i, len(levels), got, want)
			}
			if rd.plane != nil && g.calls > 0 {
				t.Fatalf("case %d, sample %d of %d: At asked %d times of a lent plane", k, i, len(levels), g.calls)
			}
			if want := plainGrayAt(g, px, py); math.Float64bits(got) != math.Float64bits(want) {
				t.Fatalf("case %d, sample %d of %d: %v, At's pixels %v", k, i, len(levels), got, want)
			}
			g.calls = 0
		}
	}
}

// testGray is a gray image held as its pixels, white outside, that
// counts the pixels asked of At.
type testGray struct {
	w, h  int
	pix   []byte
	calls int
}

func (g *testGray) At(x, y int) uint8 {
	g.calls++
	if x < 0 || y < 0 || x >= g.w || y >= g.h {
		return 255
	}
	return g.pix[y*g.w+x]
}

// TestFirstKey: firstKey finds, in sorted keys, where slices.BinarySearch
// does: the first key at or past the one asked for, among equal keys and
// past either end.
func TestFirstKey(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 23))
	for k := range 200 {
		keys := make([]uint64, rng.IntN(40))
		for i := range keys {
			keys[i] = uint64(rng.IntN(60))
		}
		slices.Sort(keys)
		key := uint64(rng.IntN(64))
		want, _ := slices.BinarySearch(keys, key)
		if got := firstKey(keys, key); got != want {
			t.Fatalf("case %d: %d in %v at %d, want %d", k, key, keys, got, want)
		}
	}
}

// TestShortBarsAreNotMeasured: a row of bars alike, evenly spaced and
// short for their spacing, but none of them long for its thickness (the
// thick strokes of print side by side), is not measured as a postal
// code, and the search is not promising; the same row with every other
// bar a full bar, four widths long, is, though it reads as no code.
func TestShortBarsAreNotMeasured(t *testing.T) {
	for _, c := range []struct {
		tall      int // every other bar's height, in pixels
		promising bool
	}{{22, false}, {40, true}} {
		img := image.NewGray(image.Rect(0, 0, 320, 100))
		for i := range img.Pix {
			img.Pix[i] = 220
		}
		for k := range 12 {
			h := 20
			if k%2 == 1 {
				h = c.tall
			}
			for y := 50 - h/2; y < 50+h-h/2; y++ {
				for x := 20 + 22*k; x < 30+22*k; x++ {
					img.Pix[y*img.Stride+x] = 30
				}
			}
		}
		var r Reader
		all := NewKinds(POSTNET, PLANET, IMB, AusPost, RM4SCC, KIX)
		if got := r.Read(matrix(img), grayImage{img}, all); len(got) != 0 {
			t.Errorf("bars %d and %d pixels tall, 10 wide: read %v", 20, c.tall, got)
		}
		if r.Promising() != c.promising {
			t.Errorf("bars %d and %d pixels tall, 10 wide: promising %v, want %v", 20, c.tall, r.Promising(), c.promising)
		}
	}
}

// TestLinkAllocatesChainsOnly: the seeds whose walks make no chain (pairs
// of bars, here) allocate nothing each: the bars walked to are kept in
// buffers from seed to seed.
func TestLinkAllocatesChainsOnly(t *testing.T) {
	bs := make([]*blob, 60)
	for i := range bs {
		bs[i] = &blob{cx: float64(10 * i), length: 20, thickness: 3, uy: 1}
	}
	var used []bool
	next := func(i int, ux, uy, sign float64, both bool) (int, int) {
		if j := i + 1; sign > 0 && i%2 == 0 && !used[j] {
			return j, -1
		}
		return -1, -1
	}
	allocs := testing.AllocsPerRun(10, func() {
		used = make([]bool, len(bs))
		if got := link(bs, used, 3, next); len(got) != 0 {
			t.Fatalf("chains %v, want none", got)
		}
	})
	// The used marks, and the buffer of each side as it grows.
	if allocs > 3 {
		t.Errorf("%v allocations linking %d pairs of bars", allocs, len(bs)/2)
	}
}

// TestTrimsShareMeasuring: a chain's trims measured in turn, sharing
// what they measured, give each the reading it gives measured alone, to
// the bit; and the trims that let go only stubby bars (specks at the
// row's ends here, besides bars leaning each its own way) ask the image
// for fewer pixels than measured alone: their bars are measured once.
func TestTrimsShareMeasuring(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 360, 100))
	for i := range img.Pix {
		img.Pix[i] = 220
	}
	bar := func(x0, w, h int, lean float64) {
		for y := 50 - h/2; y < 50+h-h/2; y++ {
			dx := int(math.Round(lean * float64(y-50)))
			for x := x0 + dx; x < x0+dx+w; x++ {
				img.Pix[y*img.Stride+x] = 30
			}
		}
	}
	bar(20, 8, 12, 0) // specks, as wide as tall
	bar(42, 8, 11, 0)
	for k := range 12 {
		bar(64+22*k, 8, 20+20*(k%2), []float64{0, 0.04, -0.03}[k%3])
	}
	bar(328, 8, 12, 0)
	g := &testGray{w: 360, h: 100, pix: img.Pix}
	var r Reader
	cs := chains(r.blobs(matrix(img), 3), minChainBars)
	if len(cs) != 1 || len(cs[0]) != 15 {
		t.Fatalf("chains %d, want one of 15 bars", len(cs))
	}
	c := cs[0]
	var ms trimsMeasured
	for _, cut := range trims {
		part := c[cut[0] : len(c)-cut[1]]
		g.calls = 0
		got := measure(nil, g, part, &ms, cut[0], len(c))
		sharing := g.calls
		g.calls = 0
		want := measure(nil, g, part, nil, 0, len(part))
		alone := g.calls
		for _, f := range [][2][]float64{{got.v, want.v}, {got.top, want.top}, {got.bot, want.bot},
			{got.line[:], want.line[:]}, {got.thresholds, want.thresholds}, {got.contrasts, want.contrasts}} {
			if !slices.Equal(f[0], f[1]) {
				t.Fatalf("trim %v: measured %v, alone %v", cut, f[0], f[1])
			}
		}
		// The trims that let go specks alone share the whole's frame.
		if specks := cut[0] <= 1 && cut[1] <= 1 && cut != [2]int{}; specks && sharing >= alone || sharing > alone {
			t.Errorf("trim %v: %d pixels asked sharing, %d alone", cut, sharing, alone)
		}
	}
}

// TestFitIsLevelWhateverTheBars: the line through the middles of bars
// standing level, tall and short on a baseline (POSTNET) or round a
// tracker (4-state), is level whatever order the kinds of bar come in;
// a least squares line through all the middles leans where the tall
// bars crowd one end, and the probing beyond the ends along it leaves
// the symbol.
func TestFitIsLevelWhateverTheBars(t *testing.T) {
	for _, c := range []struct {
		name   string
		states string // per bar: F full, A ascender, D descender, T tracker
	}{
		{"two-state", "FFFFDDDD"}, // tall bars first, short last
		{"two-state mixed", "FDDFFDFDDD"},
		{"four-state", "AAAFTDDD"},
		{"four-state mixed", "ADTFADDATF"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rd := &reading{}
			for i, s := range c.states {
				top, bot := -3.0, 3.0 // the tracker
				if s == 'F' || s == 'A' {
					top = -12
				}
				if s == 'F' || s == 'D' {
					bot = 12
				}
				// Bars a pitch of 6 apart, their line 100 across.
				rd.v = append(rd.v, 6*float64(i))
				rd.top, rd.bot = append(rd.top, 100+top), append(rd.bot, 100+bot)
			}
			rd.fit()
			if math.Abs(rd.line[1]) > 1e-9 {
				t.Errorf("bars %s: line %v, want level", c.states, rd.line)
			}
		})
	}
}

// TestProbedTrackersAgainstBarsMeasured: the bars probed beyond a
// chain's ends are kept down to a fifth of the tallest bar measured, not
// of the chain's longest blob: noise joins specks to a bar's blob and
// makes it longer than the bar, and the trackers, a quarter of a full
// bar, fell under a fifth of it.
func TestProbedTrackersAgainstBarsMeasured(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 200, 100))
	for i := range img.Pix {
		img.Pix[i] = 220
	}
	// Full bars 20 pixels tall, trackers 5, ascenders and descenders
	// between, 3 wide and 6 apart.
	states := "FTADTTFADTFATDTTADFT"
	var c []*blob
	for k, s := range states {
		y0, y1 := 48, 53
		if s == 'F' || s == 'A' {
			y0 = 40
		}
		if s == 'F' || s == 'D' {
			y1 = 60
		}
		x0 := 40 + 6*k
		for y := y0; y < y1; y++ {
			for x := x0; x < x0+3; x++ {
				img.Pix[y*img.Stride+x] = 30
			}
		}
		// The chain is the middle eight bars, their blobs half as long
		// again as a full bar.
		if k >= 6 && k < 14 {
			c = append(c, &blob{cx: float64(x0) + 1.5, cy: float64(y0+y1) / 2, length: 30, thickness: 3, uy: 1})
		}
	}
	rd := measure(nil, grayImage{img}, c, nil, 0, len(c))
	if len(rd.v) != len(states) {
		t.Errorf("measured %d bars, want %d", len(rd.v), len(states))
	}
}
