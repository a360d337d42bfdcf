package pdf417

import (
	"math"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/zint"
)

// TestCompositeOneColumnEdgeReadAtFirstAngles: the composite reader
// tries no other angles for an edge whose first angles' lines read rows
// of one column alone, which no CC-A or CC-B has (componentRows): here
// the rows of a MicroPDF417 symbol of one column, turned a degree, its
// edges' scan rows taken as rows of more columns. It samples the lines
// of those angles and no more, and reads nothing.
func TestCompositeOneColumnEdgeReadAtFirstAngles(t *testing.T) {
	zint.Need(t)
	img, _ := zint.Image(t, "-b", "MICROPDF417", "--cols=1", "-d", "ONE COLUMN 12345").Render(zint.Scene{Module: 2.5, Angle: 1, Noise: 4})
	m, err := bitmap(img).GetBlackMatrix()
	if err != nil {
		t.Fatal(err)
	}
	r := NewCompositeMicroReader()
	if res, err := r.Decode(bitmap(img), nil); err == nil {
		t.Fatalf("read %q in a MicroPDF417 symbol of one column", res.GetText())
	}
	// The search's edges, each read as readSymbol reads it and at its
	// first angles alone, by a reader of the same views.
	oneColumn := 0
	forCompositeEdges(r, m, func(vk view, e *microEdge) {
		if !e.rowsDiffer(r.hitRuns) || !e.readsRow(r.hitRuns) || e.rapStays() {
			return
		}
		// The hits' scan rows taken as showing rows of two
		// columns or more (readsComponentRow), as those of text
		// or a linear symbol's bars may where lines across read
		// one-column rows.
		for k := range e.hits {
			e.hits[k].wide = true
		}
		if !e.cca3 {
			inCycle(t, e.hits)
		}
		r.linesSampled = 0
		r.readSymbolAt(vk, e, e.b, true)
		read := len(r.lines)
		if math.Abs(e.b) >= microRetryTurn/2 {
			r.readSymbolAt(vk, e, 0, true)
			read += len(r.lines)
		}
		first := r.linesSampled
		r.linesSampled = 0
		if _, err := r.readSymbol(vk, e); err == nil {
			t.Fatalf("edge of %d hits at x %.1f read a component", len(e.hits), e.a)
		}
		if read == 0 {
			return
		}
		oneColumn++
		if r.linesSampled != first {
			t.Errorf("edge of %d hits at x %.1f: %d lines sampled, %d at its first angles", len(e.hits), e.a, r.linesSampled, first)
		}
	})
	if oneColumn == 0 {
		t.Errorf("no edge's first lines read a row")
	}
}

// TestCompositeOneColumnEdgeSampledNot: the composite reader samples no
// line across an edge none of whose hits' scan rows read on as a row of
// two columns or more (readsComponentRow), though they read as rows of
// one column (readsRow): the edges of a MicroPDF417 symbol of one column.
func TestCompositeOneColumnEdgeSampledNot(t *testing.T) {
	zint.Need(t)
	img, _ := zint.Image(t, "-b", "MICROPDF417", "--cols=1", "-d", "ONE COLUMN 12345").Render(zint.Scene{Module: 2.5, Angle: 1, Noise: 4})
	m, err := bitmap(img).GetBlackMatrix()
	if err != nil {
		t.Fatal(err)
	}
	r := NewCompositeMicroReader()
	oneColumn := 0
	forCompositeEdges(r, m, func(vk view, e *microEdge) {
		if !e.rowsDiffer(r.hitRuns) || !e.readsRow(r.hitRuns) {
			return
		}
		oneColumn++
		if e.readsComponentRow(r.hitRuns) {
			t.Errorf("edge of %d hits at x %.1f: a scan row reads a row of two columns or more", len(e.hits), e.a)
		}
		r.linesSampled = 0
		r.readSymbol(vk, e)
		if r.linesSampled != 0 {
			t.Errorf("edge of %d hits at x %.1f: %d lines sampled", len(e.hits), e.a, r.linesSampled)
		}
	})
	if oneColumn == 0 {
		t.Errorf("no edge's scan rows read a row")
	}
}

// TestCompositeTallRowsNotTurned: the composite reader tries no small
// turns about an edge whose lines along its normal group into rows more
// than componentMaxPitch modules apart, which no CC-A or CC-B has (its
// rows are two modules high): here a MicroPDF417 symbol of two columns
// whose rows are ten modules high. readSymbolAlong with turns samples
// the lines it samples without them, and no more.
func TestCompositeTallRowsNotTurned(t *testing.T) {
	zint.Need(t)
	img, _ := zint.Image(t, "-b", "MICROPDF417", "--cols=2", "--height=10", "--heightperrow", "-d", "TALL ROWS 12345").Render(zint.Scene{Module: 2.5, Angle: 1, Noise: 4})
	m, err := bitmap(img).GetBlackMatrix()
	if err != nil {
		t.Fatal(err)
	}
	r := NewCompositeMicroReader()
	tall := 0
	forCompositeEdges(r, m, func(vk view, e *microEdge) {
		r.linesSampled = 0
		if _, err := r.readSymbolAlong(vk, e, e.b, false); err == nil {
			t.Fatalf("edge of %d hits at x %.1f read a component", len(e.hits), e.a)
		}
		plain := r.linesSampled
		rows, _, pitch, grouped := groupMicroRows(r.lines)
		if !grouped || len(rows) < 2 || pitch <= componentMaxPitch*e.module {
			return
		}
		tall++
		r.linesSampled = 0
		r.readSymbolAlong(vk, e, e.b, true)
		if r.linesSampled != plain {
			t.Errorf("edge of %d hits at x %.1f, rows %.1f modules apart: %d lines sampled with turns, %d without", len(e.hits), e.a, pitch/e.module, r.linesSampled, plain)
		}
	})
	if tall == 0 {
		t.Errorf("no edge's lines grouped into rows more than %d modules apart", componentMaxPitch)
	}
}

// forCompositeEdges calls visit with every edge r's search of m finds,
// in every region, both ways, each with the view it was found in (as the
// search reads them).
func forCompositeEdges(r *MicroReader, m *gozxing.BitMatrix, visit func(v view, e *microEdge)) {
	r.rows.Of(m, nil)
	regions := r.turnedRegions(m)
	r.blocks, r.bstride = uniformBlocks(r.words, r.stride, m.GetWidth(), m.GetHeight(), r.blocks)
	for _, rg := range regions {
		v, back := r.regionViews(m, rg)
		edges, backEdges := r.edgeChains(v, 1, true, true)
		for _, e := range edges {
			visit(v, e)
		}
		for _, e := range backEdges {
			visit(back, e)
		}
	}
}
