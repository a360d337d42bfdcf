package pdf417

import (
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// TestMicroBarsEdgeNotRead: an edge one RAP pattern shows on over more
// than microRapSpan modules, as the bars of a 1D symbol do, is not
// sampled at all; an edge alike but for its RAPs, which change from row
// to row, each the next in their cycle, as a symbol's do, is sampled along
// its normal, the view's rows (its slope being off them) and, its RAPs
// advancing through their cycle (rapsAdvance), the other angles of a short
// edge's sweep. Both lie on paper, where no line reads a row, so that each
// angle tried costs its probe's lines and no more.
func TestMicroBarsEdgeNotRead(t *testing.T) {
	v := paperView(t)
	edge := func(rap func(k int) uint16) *microEdge { return paperEdge(30, 3, 1, false, rap) }
	bars := edge(func(int) uint16 { return 0x5a5 })
	rows := edge(sideRAP)
	if !bars.rapSpans(microRapSpan) || rows.rapSpans(microRapSpan) {
		t.Fatalf("RAP spans: bars %v, rows %v", bars.rapSpans(microRapSpan), rows.rapSpans(microRapSpan))
	}
	lines := func(e *microEdge) int {
		r := NewMicroReader()
		if _, err := r.readSymbol(v, e); err == nil {
			t.Fatal("read a symbol on paper")
		}
		return r.linesSampled
	}
	// A probe's lines: through every so many of the hits (see probe).
	step := max(1, len(rows.hits)/8)
	barLines, rowLines, probe := lines(bars), lines(rows), (len(rows.hits)+step-1)/step
	if barLines != 0 || rowLines != advancingAngles*probe {
		t.Errorf("lines sampled: %d across the bars' edge, %d across the rows' (want none, and %d angles' probes of %d)", barLines, rowLines, advancingAngles, probe)
	}
}

// advancingAngles is how many angles readSymbol probes an edge of slope
// 0.05 at whose RAPs advance through their cycle and whose lines read no
// row: its normal, the view's rows, the normal a retry turn either side,
// and the turns of one to three retry turns either side of the view's
// rows but those within half a turn of an angle tried (2 and 3 turns,
// beside the normal's turns).
const advancingAngles = 8

// edgeModule is the module of paperEdge's hits, pixels.
const edgeModule = 2.0

// paperView returns a view of a blank image, 400×300: no line across it
// reads a row, so that each angle an edge is tried at costs its probe's
// lines and no more.
func paperView(t *testing.T) view {
	t.Helper()
	m, err := gozxing.NewBitMatrix(400, 300)
	if err != nil {
		t.Fatal(err)
	}
	return newView(m, rot0)
}

// paperEdge returns an edge of n hits step scan rows apart from row 60,
// leaning a twentieth, of modules of edgeModule pixels: hit k shows the
// RAP rap(k/perRAP), is followed by a codeword of its own and reads a
// row (of two columns where wide), so that the tests made before any line
// is sampled pass.
func paperEdge(n, step, perRAP int, wide bool, rap func(k int) uint16) *microEdge {
	e := &microEdge{module: edgeModule, a: 100, b: 0.05}
	for k := range n {
		y := 60 + step*k
		e.hits = append(e.hits, microHit{y: int32(y), x: e.a + e.b*float64(y), module: edgeModule,
			rap: rap(k / perRAP), cw: int16(k), row: true, wide: wide})
	}
	return e
}
