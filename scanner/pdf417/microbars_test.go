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
	m, err := gozxing.NewBitMatrix(400, 300)
	if err != nil {
		t.Fatal(err)
	}
	v := newView(m, rot0)
	const module = 2.0
	edge := func(rap func(k int) uint16) *microEdge {
		e := &microEdge{module: module, a: 100, b: 0.05}
		for k := range 30 {
			y := 60 + 3*k
			// Codewords that differ and rows read on each scan row: the
			// tests before any line is sampled pass.
			e.hits = append(e.hits, microHit{y: int32(y), x: e.a + e.b*float64(y), module: module,
				rap: rap(k), cw: int16(k), row: true})
		}
		return e
	}
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
