package pdf417

import (
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/zint"
)

// TestMicroUngroupedEdgeReadAtOneAngle: an edge whose lines along its
// normal read whole rows that do not group into rows of cycling clusters
// (here the bars of a Code 128 symbol turned two degrees, which read as
// one row) is not read at other angles: readSymbol samples the lines
// its first angle samples, and no more. The reader reads no symbol there.
func TestMicroUngroupedEdgeReadAtOneAngle(t *testing.T) {
	zint.Need(t)
	img, _ := zint.Image(t, "-b", "CODE128", "-d", "Hello World 123").Render(zint.Scene{Module: 2.5, Angle: 2, Noise: 4})
	m, err := bitmap(img).GetBlackMatrix()
	if err != nil {
		t.Fatal(err)
	}
	r := NewMicroReader()
	if res, err := r.Decode(bitmap(img), map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}); err == nil {
		t.Fatalf("read %q in a Code 128 symbol", res.GetText())
	}
	// The search's edges, each read as readSymbol reads it and at its
	// first angle alone, by a reader of the same views.
	r.rows.Of(m, nil)
	regions := r.turnedRegions(m)
	r.blocks, r.bstride = uniformBlocks(r.words, r.stride, m.GetWidth(), m.GetHeight(), r.blocks)
	ungrouped := 0
	for _, rg := range regions {
		v, back := r.regionViews(m, rg)
		edges, backEdges := r.edgeChains(v, 2, true, true)
		for k, chains := range [...][]*microEdge{edges, backEdges} {
			vk := v
			if k == 1 {
				vk = back
			}
			for _, e := range chains[:min(len(chains), microMaxEdges)] {
				if !e.codewordsDiffer(r.hitRuns) || !e.readsRow(r.hitRuns) || e.rapSpans(microRapSpan) {
					continue
				}
				r.linesSampled = 0
				r.readSymbolAt(vk, e, e.b, true)
				first, grouped := r.linesSampled, !r.ungrouped
				r.linesSampled = 0
				r.readSymbol(vk, e)
				if grouped {
					continue
				}
				ungrouped++
				if r.linesSampled != first {
					t.Errorf("edge of %d hits at x %.1f: %d lines sampled, %d at its first angle", len(e.hits), e.a, r.linesSampled, first)
				}
			}
		}
	}
	if ungrouped == 0 {
		t.Errorf("no edge's lines left ungrouped")
	}
}
