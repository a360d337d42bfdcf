package pdf417

import (
	"image"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner/internal/scrub/scrubtest"
)

// letGoCleared runs small, which leaves image data in the array field
// gives, holds that array to its capacity, runs large, which must outgrow
// it, and checks that the array let go holds nothing: no wipe reaches an
// array once the readers have let it go.
func letGoCleared[T comparable](t *testing.T, field func() []T, small, large func()) {
	t.Helper()
	letGoClearedBy(t, field, small, large, scrubtest.Zero[T])
}

// letGoClearedBy is letGoCleared for arrays of a type == does not
// compare, zero telling whether an array is all zero to its capacity.
func letGoClearedBy[T any](t *testing.T, field func() []T, small, large func(), zero func([]T) bool) {
	t.Helper()
	small()
	old := field()
	old = old[:cap(old)]
	if zero(old) {
		t.Fatal("the small read left nothing in the array: the test sees nothing let go")
	}
	large()
	if cap(field()) == cap(old) {
		t.Fatalf("the large read did not outgrow the array of %d: the test no longer sees one let go", cap(old))
	}
	if !zero(old) {
		t.Error("the array outgrown was let go holding what the small read wrote")
	}
}

// stripes returns a matrix w pixels wide and 4 high of columns dark and
// light in turn, a run a pixel: a line along it has an edge a sample.
func stripes(w int) *gozxing.BitMatrix {
	m, _ := gozxing.NewBitMatrix(w, 4)
	for y := range 4 {
		for x := 1; x < w; x += 2 {
			m.Set(x, y)
		}
	}
	return m
}

// TestRunFillsLetGoCleared: each way of filling a run list, given a
// short line and then a longer one, lets the array the short line's runs
// were in go cleared.
func TestRunFillsLetGoCleared(t *testing.T) {
	const short, long = 8, 300
	m := stripes(long)
	plain := view{m: m, rot: rot0, w: long, h: 4, iw: long, ih: 4}
	lengths := func(n int) []int {
		l := make([]int, n)
		for i := range l {
			l[i] = 1
		}
		return l
	}
	for _, tc := range []struct {
		name string
		fill func(r *runList, n int)
		// extend, when set, fills the long line from the short one's
		// runs rather than anew.
		extend bool
	}{
		{"fromLengths", func(r *runList, n int) { r.fromLengths(lengths(n), n) }, false},
		{"fromBitArray", func(r *runList, n int) { r.fromBitArray(m.GetRow(1, nil), n) }, false},
		{"fromFunc", func(r *runList, n int) { r.fromFunc(n, func(i int) bool { return i%2 == 1 }) }, false},
		{"fromNearest", func(r *runList, n int) { r.fromNearest(&plain, n, 0.5, 1.5, 1, 0) }, false},
		{"sampleSlant", func(r *runList, n int) { plain.sampleSlant(r, n, 0, point{0, 1.5}, 0) }, false},
		{"sampleLine", func(r *runList, n int) { plain.sampleLine(r, n, 0, 1, 1, 0) }, false},
		{"extendLine", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r runList
			var end lineEnd
			small := func() {
				if tc.extend {
					end = plain.sampleLine(&r, short, 0, 1, 1, 0)
					return
				}
				tc.fill(&r, short)
			}
			large := func() {
				if tc.extend {
					plain.extendLine(&r, end, long, 0, 1, 1, 0)
					return
				}
				tc.fill(&r, long)
			}
			letGoCleared(t, func() []int { return r.edges }, small, large)
			if len(r.edges) != long+1 {
				t.Errorf("the long line has %d edges, want %d", len(r.edges), long+1)
			}
		})
	}
}

// TestDetectorLetsGoCleared: a small symbol's guard hits, column runs,
// lines and the codewords a line read, in the PDF417 detector's arrays,
// are cleared as a larger symbol's outgrow them, before any wipe. Each
// symbol lies beside itself upside down, for the hits of the rows read
// backwards.
func TestDetectorLetsGoCleared(t *testing.T) {
	both := func(img *image.Gray) *image.Gray {
		b := img.Bounds()
		out := onCanvas(img, 2*b.Dx(), b.Dy(), 0, 0)
		for y := range b.Dy() {
			for x := range b.Dx() {
				out.Pix[(b.Dy()-1-y)*out.Stride+2*b.Dx()-1-x] = img.Pix[y*img.Stride+x]
			}
		}
		return out
	}
	small := both(makeSymbol(t, []segment{textSeg("AB")}, symbolSpec{cols: 1}, 2))
	large := both(makeSymbol(t, []segment{textSeg(strings.Repeat("THE LARGER SYMBOL ", 20))}, symbolSpec{cols: 12, ecLevel: 2}, 2))
	var d detector
	var sub *testing.T // the case's
	find := func(img *image.Gray) func() {
		return func() {
			t := sub
			m, err := bitmap(img).GetBlackMatrix()
			if err != nil {
				t.Fatal(err)
			}
			if got, err := d.find(m, nil, 2, false); len(got) != 1 {
				t.Fatalf("found %d symbols (%v), want 1", len(got), err)
			}
		}
	}
	// The column that changes most often across the small symbol, and
	// the line that read most of its codewords.
	col := func() int {
		k := 0
		for i := range d.cols[:d.colsHeld] {
			if len(d.cols[i].edges) > len(d.cols[k].edges) {
				k = i
			}
		}
		return k
	}
	line := func() int {
		k := 0
		for i := range d.lines {
			if len(d.lines[i].reads) > len(d.lines[k].reads) {
				k = i
			}
		}
		return k
	}
	k := -1
	for _, tc := range []struct {
		name  string
		check func(t *testing.T, small, large func())
	}{
		{"start hits", func(t *testing.T, s, l func()) {
			letGoCleared(t, func() []guardHit { return d.sets[rot0].starts }, s, l)
		}},
		{"stop hits", func(t *testing.T, s, l func()) {
			letGoCleared(t, func() []guardHit { return d.sets[rot0].stops }, s, l)
		}},
		{"start hits read backwards", func(t *testing.T, s, l func()) {
			letGoCleared(t, func() []guardHit { return d.sets[rot180].starts }, s, l)
		}},
		{"stop hits read backwards", func(t *testing.T, s, l func()) {
			letGoCleared(t, func() []guardHit { return d.sets[rot180].stops }, s, l)
		}},
		{"column runs", func(t *testing.T, s, l func()) {
			letGoCleared(t, func() []int { return d.cols[k].edges }, func() { s(); k = col() }, l)
		}},
		{"lines", func(t *testing.T, s, l func()) {
			letGoClearedBy(t, func() []lineRead { return d.lines }, s, l, linesZero)
		}},
		{"row lines", func(t *testing.T, s, l func()) {
			letGoClearedBy(t, func() []lineRead { return d.rowLines }, s, l, linesZero)
		}},
		{"a line's codewords", func(t *testing.T, s, l func()) {
			letGoCleared(t, func() []slotRead { return d.lines[k].reads }, func() { s(); k = line() }, l)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, sub = detector{}, t
			tc.check(t, find(small), find(large))
		})
	}
}

// linesZero reports whether every line of lines, to its capacity, is
// zero: where it lay, and its reads' array let go with it.
func linesZero(lines []lineRead) bool {
	return !slices.ContainsFunc(lines[:cap(lines)], func(ln lineRead) bool { return !reflect.ValueOf(ln).IsZero() })
}

// rapRow returns a row of n left RAPs, each followed by a codeword's
// runs, at three pixels a module.
func rapRow(n int) *runList {
	widths := []int{12}
	for range n {
		widths = append(widths, 11, 1, 8, 1, 5, 4, 6, 6, 6, 6, 6, 6, 6, 9)
	}
	return runsOf(false, append(widths, 30)...)
}

// TestMicroHitsLetGoCleared: the RAPs one scan row found, in the
// reader's array, are cleared as the next row's outgrow it, whether
// their codewords are read at once or their runs kept (keep); and so
// are the starts of CC-A rows.
func TestMicroHitsLetGoCleared(t *testing.T) {
	var hits []microHit
	for _, withKeep := range []bool{false, true} {
		hits = nil
		var keep *[]int
		if withKeep {
			keep = new([]int)
		}
		letGoCleared(t, func() []microHit { return hits },
			func() { hits = leftRAPs(rapRow(1), 0, anyModule, hits, keep) },
			func() { hits = leftRAPs(rapRow(8), 3, anyModule, hits, keep) })
		if len(hits) != 9 {
			t.Fatalf("keep %v: %d hits, want 9", withKeep, len(hits))
		}
	}
	const px = 3
	var widths []int
	for _, w := range patterns.widths[1*fieldSize+245] {
		widths = append(widths, px*int(w))
	}
	row := runsOf(false, append(append([]int{30}, widths...), 3*px, 1*px, 2*px, 1*px, 1*px, 2*px, 30)...)
	hits = nil
	letGoCleared(t, func() []microHit { return hits },
		func() { hits = cca3Starts(row, 0, anyModule, hits) },
		func() { hits = cca3Starts(row, 3, anyModule, hits) })
}

// TestChainerLetsGoCleared: an edge's hits, the bottoms the chainer
// keeps and its cells, all the pool's, and the hits of an edge another
// is joined to, are cleared where they outgrow their arrays.
func TestChainerLetsGoCleared(t *testing.T) {
	hit := func(x float64, y int) microHit { return microHit{y: int32(y), x: x, module: 2, cw: -1} }
	var pool edgePool
	c := chainer{pool: &pool}
	row := 0
	addRows := func(n int) func() {
		return func() {
			for range n {
				c.add([]microHit{hit(100, row)}, row, 1)
				row++
			}
		}
	}
	// Past the edge's first room of edgeHitsRoom, in an array of its own.
	letGoCleared(t, func() []microHit { return c.made[0].hits }, addRows(edgeHitsRoom+1), addRows(20))
	c, row = chainer{pool: &pool}, 0
	letGoCleared(t, func() []edgeBottom { return c.bottoms }, addRows(3), addRows(20))

	// Edges too far apart on a row to join one another, in one cell.
	c = chainer{pool: &pool}
	letGoCleared(t, func() []int32 { return c.cells[3] },
		func() { c.add([]microHit{hit(50, 0), hit(55, 0), hit(60, 0)}, 0, 1) },
		func() { c.add([]microHit{hit(45.5, 1), hit(64.5, 1)}, 1, 1) })

	// Two pieces of one edge, rows apart: the upper one takes the
	// lower one's hits.
	c, row = chainer{pool: &pool}, 0
	addRows(edgeHitsRoom + 2)()
	row += 20
	addRows(edgeHitsRoom + 2)()
	var upper *microEdge
	letGoCleared(t, func() []microHit { return upper.hits },
		func() { upper = c.made[0] },
		func() {
			if edges := c.edges(); len(edges) != 1 || edges[0] != upper {
				t.Fatalf("%d edges, want the upper piece joined with the lower one", len(edges))
			}
		})
}

// TestProbeHeightsLetGoCleared: the heights of a short edge's probes are
// cleared as a taller edge's outgrow their array.
func TestProbeHeightsLetGoCleared(t *testing.T) {
	edge := func(n int) *microEdge {
		e := &microEdge{}
		for y := range n {
			e.hits = append(e.hits, microHit{y: int32(3 * (y + 1)), x: 10, rap: uint16(y)})
		}
		return e
	}
	r := NewMicroReader()
	letGoCleared(t, func() []float64 { return r.probeAt },
		func() { r.probeHeights(edge(3)) }, func() { r.probeHeights(edge(40)) })
}

// TestClusterAnglesLetsGoCleared: the angles a cluster's cells show are
// written in room for both a cluster may show: an array with less, a
// cluster's one angle before, is cleared as it is let go.
func TestClusterAnglesLetsGoCleared(t *testing.T) {
	r := NewMicroReader()
	// Bars along the rows, and bars along a diagonal.
	r.cells = []cellChanges{{h: 40, a: 20}, {d: 56}}
	letGoCleared(t, func() []float64 { return r.angles },
		func() { r.angles = []float64{0.5} },
		func() {
			if a := r.clusterAngles([]int{0, 1}, 1); len(a) != 2 {
				t.Fatalf("%d angles, want the cells' two", len(a))
			}
		})
}

// TestClustersLetGoCleared: the regions of one count's clusters are
// cleared as another count's, with more clusters, outgrow their array.
func TestClustersLetGoCleared(t *testing.T) {
	r := NewMicroReader()
	r.cells = make([]cellChanges, 12)
	for i := range r.cells {
		r.cells[i] = cellChanges{h: 40}
	}
	barred := func(at ...int) []bool {
		b := make([]bool, len(r.cells))
		for _, i := range at {
			b[i] = true
		}
		return b
	}
	var out []turnedRegion
	letGoCleared(t, func() []turnedRegion { return out },
		func() { out = r.clusters(barred(0), 12, 1, 384, 32, out[:0]) },
		func() { out = r.clusters(barred(0, 3, 6, 9), 12, 1, 384, 32, out[:0]) })
	if len(out) != 4 {
		t.Errorf("%d regions, want 4", len(out))
	}
}

// TestCoarseRegionsLetGoCleared: the coarse count's regions, added to
// the fine count's, clear the fine count's array where they outgrow it:
// a frame of two symbols of modules too large for the fine count.
func TestCoarseRegionsLetGoCleared(t *testing.T) {
	zint.Need(t)
	sym, _ := zint.Image(t, "-b", "MICROPDF417", "--cols=1", "-d", "coarse").Render(zint.Scene{Module: 12})
	img := onCanvas(sym, 1600, 1000, 40, 40)
	b := sym.Bounds()
	for y := range b.Dy() {
		copy(img.Pix[(40+y)*img.Stride+900:], sym.Pix[y*sym.Stride:y*sym.Stride+b.Dx()])
	}
	m, err := bitmap(img).GetBlackMatrix()
	if err != nil {
		t.Fatal(err)
	}
	r := NewMicroReader()
	var out []turnedRegion
	letGoCleared(t, func() []turnedRegion { return out },
		func() { out = []turnedRegion{{x0: 100, y0: 100, x1: 200, y1: 200, angle: 0.5, cells: 4, scale: 1}} }, // the fine count's
		func() { out = r.coarseRegions(m, nil, 0, 1, out) })
	if len(out) != 3 {
		t.Errorf("%d regions, want the fine count's and the two symbols'", len(out))
	}
}

// TestMicroFindLetsGoCleared: what a search for a small MicroPDF417
// symbol leaves in the reader's arrays (its counts of cells, the cells
// barred, the clusters met and the regions found, where each scan row's
// RAPs lie, the rows its lines read) is cleared where the search of a
// larger frame, with a larger symbol, outgrows them, before any wipe.
func TestMicroFindLetsGoCleared(t *testing.T) {
	zint.Need(t)
	smallImg, _ := zint.Image(t, "-b", "MICROPDF417", "--cols=1", "-d", "small").Render(zint.Scene{Module: 2, Angle: 30})
	largeSym, _ := zint.Image(t, "-b", "MICROPDF417", "--cols=4", "-d", strings.Repeat("THE LARGER SYMBOL ", 5)).
		Render(zint.Scene{Module: 2, Angle: 30})
	// On a canvas large enough for the coarse count to outgrow its cells.
	largeImg := onCanvas(largeSym, 1280, 960, 100, 100)
	var r *MicroReader
	var sub *testing.T // the case's
	find := func(img *image.Gray) func() {
		return func() {
			t := sub
			m, err := bitmap(img).GetBlackMatrix()
			if err != nil {
				t.Fatal(err)
			}
			r.rows.Of(m, nil)
			defer r.rows.Done()
			if got, err := r.find(m, 3, false); len(got) != 1 {
				t.Fatalf("found %d symbols (%v), want 1", len(got), err)
			}
		}
	}
	small, large := find(smallImg), find(largeImg)
	for _, tc := range []struct {
		name  string
		check func(t *testing.T)
	}{
		{"cells", func(t *testing.T) { letGoCleared(t, func() []cellChanges { return r.cells }, small, large) }},
		{"barred", func(t *testing.T) { letGoCleared(t, func() []bool { return r.barred }, small, large) }},
		{"coarse barred", func(t *testing.T) { letGoCleared(t, func() []bool { return r.coarseBarred }, small, large) }},
		{"cells seen", func(t *testing.T) { letGoCleared(t, func() []bool { return r.clusterSeen }, small, large) }},
		{"cluster stack", func(t *testing.T) { letGoCleared(t, func() []int { return r.clusterStack }, small, large) }},
		{"cluster members", func(t *testing.T) { letGoCleared(t, func() []int { return r.clusterMembers }, small, large) }},
		{"rows' hits", func(t *testing.T) { letGoCleared(t, func() []rowHits { return r.rowHits }, small, large) }},
		{"forward hits", func(t *testing.T) { letGoCleared(t, func() []microHit { return r.fwdHits }, small, large) }},
		{"rows read", func(t *testing.T) { letGoCleared(t, func() []microLine { return r.lines }, small, large) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, sub = NewMicroReader(), t
			tc.check(t)
		})
	}
}
