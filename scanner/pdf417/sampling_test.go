package pdf417

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/zint"
)

// TestFromNearest: the runs of a turned line read a sample at a time are
// those of the pixel reads they stand for, lines leaving and entering the
// matrix included; between weighs the four pixels round a point as
// bilinear interpolation does; both the same whether they read the matrix
// or a copy of its words (70 pixels wide: pairs across word boundaries);
// and a line sampled in two goes (extendLine) has the runs of one sampled
// whole. The matrix holds bars, a dark block and noise, so that the
// lines that step over uniform blocks (uniformBlocks) step over light and
// dark ones, into and out of the matrix.
func TestFromNearest(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	m, _ := gozxing.NewBitMatrix(70, 50)
	bars := make([]bool, 70)
	for x := 0; x < 70; {
		w := 1 + rng.IntN(12)
		for k := x; k < min(70, x+w); k++ {
			bars[k] = rng.IntN(2) == 0
		}
		x += w
	}
	for y := range 50 {
		for x := range 70 {
			switch {
			case x < 36 && y >= 10 && bars[x],
				x >= 40 && x < 66 && y >= 20 && y < 45,
				x >= 36 && y < 16 && rng.IntN(3) == 0:
				m.Set(x, y)
			}
		}
	}
	words, stride, _ := copyWords(m, nil, nil)
	plain := view{m: m, iw: 70, ih: 50}
	copied := view{m: m, iw: 70, ih: 50, words: words, stride: stride}
	blocks, bstride := uniformBlocks(words, stride, 70, 50, nil)
	uniform := 0
	for by := range (50 + blockSide - 1) / blockSide {
		for bx := range bstride {
			want := [2]bool{true, true} // all light, all dark
			for y := by * blockSide; y < min(50, (by+1)*blockSide); y++ {
				for x := bx * blockSide; x < (bx+1)*blockSide; x++ {
					dark := x < 70 && m.Get(x, y)
					want[0], want[1] = want[0] && !dark, want[1] && dark
				}
			}
			if got := blocks[by*bstride+bx]; got != blockLight && want[0] || got != blockDark && want[1] || got != blockMixed && !want[0] && !want[1] {
				t.Fatalf("block (%d, %d): %d, want light %v, dark %v", bx, by, got, want[0], want[1])
			}
			if !want[0] && !want[1] {
				continue
			}
			uniform++
		}
	}
	if uniform < 10 || slices.Index(blocks, blockDark) < 0 {
		t.Fatalf("%d uniform blocks, dark ones %v: the lines step over too few", uniform, slices.Contains(blocks, blockDark))
	}
	stepping := copied
	stepping.blocks, stepping.bstride = blocks, bstride
	var got, want, whole runList
	for range 500 {
		a := rng.Float64() * 2 * math.Pi
		x0, y0 := rng.Float64()*90-10, rng.Float64()*70-10
		ux, uy := math.Cos(a), math.Sin(a)
		n := rng.IntN(120)
		vw := [...]*view{&plain, &copied, &stepping}[rng.IntN(3)]
		got.fromNearest(vw, n, x0, y0, ux, uy)
		want.fromFunc(n, func(i int) bool {
			x, y := x0+float64(i)*ux, y0+float64(i)*uy
			return x >= 0 && y >= 0 && x < 70 && y < 50 && m.Get(int(x), int(y))
		})
		if !slices.Equal(got.edges, want.edges) || n > 0 && got.firstDark != want.firstDark {
			t.Fatalf("line from (%.2f, %.2f) at %.3f rad, %d samples: runs %v %v, want %v %v", x0, y0, a, n, got.firstDark, got.edges, want.firstDark, want.edges)
		}
		px, py := rng.Float64()*72-1, rng.Float64()*52-1
		fx, fy := px-0.5-math.Floor(px-0.5), py-0.5-math.Floor(py-0.5)
		ix, iy := int(math.Floor(px-0.5)), int(math.Floor(py-0.5))
		at := func(x, y int) float64 {
			if m.Get(x, y) {
				return 1
			}
			return 0
		}
		w := (at(ix, iy)*(1-fx)+at(ix+1, iy)*fx)*(1-fy) + (at(ix, iy+1)*(1-fx)+at(ix+1, iy+1)*fx)*fy
		for _, v := range [...]*view{&plain, &copied} {
			if v.between(px, py) != (w >= 0.5) {
				t.Fatalf("between(%.3f, %.3f), words %v: %v, weighs %.3f", px, py, v.words != nil, !(w >= 0.5), w)
			}
		}
		tv := newTurnedView(m, rng.Float64()*70, rng.Float64()*50, rng.Float64()*2*math.Pi, 1, 40+rng.IntN(40), 40+rng.IntN(40))
		tv.words, tv.stride = words, stride
		vx, vy := rng.Float64()*100-20, rng.Float64()*100-20
		head := 1 + rng.IntN(30)
		tv.sampleLine(&whole, n+head, vx, vy, ux, uy)
		end := tv.sampleLine(&got, head, vx, vy, ux, uy)
		tv.extendLine(&got, end, n+head, vx, vy, ux, uy)
		if !slices.Equal(got.edges, whole.edges) || got.firstDark != whole.firstDark {
			t.Fatalf("line from (%.2f, %.2f) at %.3f rad, %d samples then %d: runs %v %v, whole %v %v", vx, vy, a, head, n+head, got.firstDark, got.edges, whole.firstDark, whole.edges)
		}
	}
}

// TestReadLineHead: a line whose first samples hold no bar where a row's
// first bar would start is sampled no further, and every line reads what
// sampling it whole reads, over a symbol and the paper round it.
func TestReadLineHead(t *testing.T) {
	zint.Need(t)
	img, _ := zint.Image(t, "-b", "MICROPDF417", "--cols=2", "-d", "head of the line").Render(zint.Scene{Module: 3, Angle: 7, Blur: 0.6})
	m, err := bitmap(img).GetBlackMatrix()
	if err != nil {
		t.Fatal(err)
	}
	v := newTurnedView(m, 0, 0, 0.12, 1, m.GetWidth(), m.GetHeight())
	// The same view keeping its samples (see samples), for every line:
	// the later lines cross pixels the earlier ones weighed.
	kept := v
	kept.seen = &samples{}
	rng := rand.New(rand.NewPCG(7, 8))
	var r MicroReader
	headOnly, rows := 0, 0
	for range 400 {
		e := &microEdge{a: rng.Float64() * float64(m.GetWidth()) / 2, b: rng.Float64()*0.1 - 0.05, module: 2 + rng.Float64()*2}
		slope, y := rng.Float64()*0.04-0.02, rng.Float64()*float64(m.GetHeight())
		r.lines = r.lines[:0]
		keptFull := r.readLine(kept, e, slope, y)
		keptLines := slices.Clone(r.lines)
		r.lines = r.lines[:0]
		full := r.readLine(v, e, slope, y)
		got := slices.Clone(r.lines)
		if keptFull != full || !slices.Equal(keptLines, got) {
			t.Fatalf("edge %+v, slope %.3f at %.1f: read %v (%d) with the samples kept, %v (%d) without", *e, slope, y, keptLines, keptFull, got, full)
		}
		if length := int(math.Ceil((microMaxModules + 12) * 1.2 * e.module)); r.runs.edges[len(r.runs.edges)-1] < length {
			headOnly++
		}
		// The line sampled whole, as readLine did before.
		n := math.Hypot(slope, 1)
		rx, ry := 1/n, -slope/n
		margin := 3 * e.module
		v.sampleLine(&r.runs, int(math.Ceil((microMaxModules+12)*1.2*e.module)), e.a+e.b*y-margin*rx, y+0.5-margin*ry, rx, ry)
		var want []microLine
		wantFull := 0
		if i := r.firstDarkRun(margin, e.module); i >= 0 {
			if ln, ok := readMicroRow(&r.runs, i, microRowLayouts[:]); ok {
				ln.t = y
				want = append(want, ln)
				if ln.complete() {
					wantFull = 1
				}
			}
		}
		if full != wantFull || !slices.Equal(got, want) {
			t.Fatalf("edge %+v, slope %.3f at %.1f: read %v (%d), sampled whole %v (%d)", *e, slope, y, got, full, want, wantFull)
		}
		rows += len(got)
	}
	if headOnly == 0 || rows == 0 {
		t.Errorf("of 400 lines, %d sampled no further than their head, %d read a row", headOnly, rows)
	}
}

// TestRowFit: rowFit, which readLine asks as it samples a line a
// RAP's width at a time, never turns away the samples so far of a line
// whose whole runs microRowLayout reads as a row, of any layout; and it
// does turn away most lines of runs that are no row.
func TestRowFit(t *testing.T) {
	rng := rand.New(rand.NewPCG(24728, 1))
	var rows, cut, other int
	for k := range 1000 {
		layouts := microRowLayouts[:]
		if k%4 == 3 {
			layouts = cca3RowLayouts[:]
		}
		// The widths of the runs from the quiet zone on: a row of a
		// random layout with its widths jittered, or random runs.
		module := 0.8 + rng.Float64()*5
		widths := []float64{2 + rng.Float64()*8}
		if k%2 == 0 {
			layout := layouts[rng.IntN(len(layouts))]
			for _, c := range microLayouts[layout] {
				switch c {
				case 'R':
					widths = append(widths, randomRAP(rng)...)
				case 'C':
					for _, ch := range barSpaceWidths[rng.IntN(3)][rng.IntN(fieldSize)] {
						widths = append(widths, float64(ch-'0'))
					}
				case 'S':
					widths = append(widths, 1)
				}
			}
			widths = append(widths, 2+rng.Float64()*8)
		}
		for len(widths) < 80 {
			widths = append(widths, 1+rng.Float64()*3)
		}
		var whole runList
		whole.firstDark = false
		x := 0.0
		for _, w := range widths {
			e := int(math.Round(x))
			if n := len(whole.edges); n > 0 {
				e = max(e, whole.edges[n-1]+1)
			}
			whole.edges = append(whole.edges, e)
			x = float64(e) + w*module*(1+0.3*(rng.Float64()-0.5))
		}
		length := int(math.Round(x)) - rng.IntN(int(40*module)+1)
		// Runs the line's end cuts off are dropped, and the last one cut
		// short, as sampling the line to length leaves them.
		whole = prefixRuns(whole, length)
		if whole.count() < 2 {
			continue
		}
		fits := microRowLayout(&whole, 1, layouts, true) != 0
		if fits {
			rows++
		} else {
			other++
		}
		rejected := false
		fit := newRowFit(1, layouts)
		// As readLine asks, every few samples (here a module's), and
		// at the end.
		for n := 1; ; n = min(length, n+max(1, int(module))) {
			p := prefixRuns(whole, n)
			if p.count() < 2 {
				continue
			}
			if !fit.may(&p) {
				if fits {
					t.Fatalf("the first %d of %d samples, runs %v, fit no row, but all of them, %v, read as one", n, length, p.edges, whole.edges)
				}
				rejected = true
				break
			}
			if n == length {
				break
			}
		}
		if rejected {
			cut++
		}
	}
	t.Logf("%d lines read as rows; of the %d that did not, %d were turned away", rows, other, cut)
	if rows < 200 || 2*cut < other {
		t.Errorf("%d lines read as rows; of the %d that did not, %d were turned away", rows, other, cut)
	}
}

// randomRAP returns the module counts of a random RAP: six runs of one
// to four modules, ten in all.
func randomRAP(rng *rand.Rand) []float64 {
	for {
		var w []float64
		sum := 0
		for range rapElements {
			n := 1 + rng.IntN(4)
			w = append(w, float64(n))
			sum += n
		}
		if sum == rapModules {
			return w
		}
	}
}

// prefixRuns returns the runs of the first n samples of the line whose
// runs are r, as sampling it to n leaves them.
func prefixRuns(r runList, n int) runList {
	p := runList{firstDark: r.firstDark}
	for _, e := range r.edges {
		if e >= n {
			break
		}
		p.edges = append(p.edges, e)
	}
	p.edges = append(p.edges, n)
	return p
}
