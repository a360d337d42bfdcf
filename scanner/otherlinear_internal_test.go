package scanner

import (
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/linear"
)

// TestShortRowFormats: with every symbology on, a row of fewer changes
// than the defaults' fewest is read for the formats that read it with
// the defaults and their own symbology alone on, and for no other: the
// default formats never, Pharmacode from 5 changes, Code 11 from 16.
// With the defaults alone no format reads such a row.
func TestShortRowFormats(t *testing.T) {
	t.Parallel()
	all := AllSymbologies()
	short := shortRowFormats(linearFormats(all))
	for e := range minRowTransitions {
		var want linear.Formats
		for _, o := range otherLinear {
			if e >= fewestEdges(DefaultSymbologies()|NewSymbologySet(o.sym)) {
				want |= linear.NewFormats(o.format)
			}
		}
		if short[e] != want {
			t.Errorf("a row of %d changes is read for %b, want %b", e, short[e], want)
		}
	}
	if want := linear.NewFormats(linear.Pharmacode); short[5] != want || short[4] != 0 {
		t.Errorf("rows of 4 and 5 changes read for %b and %b, want none and Pharmacode", short[4], short[5])
	}
	if !short[16].Has(linear.Code11) || short[15].Has(linear.Code11) {
		t.Error("Code 11 not read from 16 changes on")
	}
	if defaults := shortRowFormats(linearFormats(DefaultSymbologies())); defaults != [minRowTransitions]linear.Formats{} {
		t.Errorf("with the defaults, short rows are read for %b", defaults)
	}
	// Each view of a row counts its changes alike.
	s := rowScanner{fwd: []int{0, 5, 2, 3, 1, 7}, rev: []int{0, 7, 1, 3, 2, 5}}
	for _, v := range s.views() {
		if v.edges() != 4 {
			t.Errorf("view %+v: %d changes, want 4", v, v.edges())
		}
	}
}

// TestUnverifiableHitsNotProbed: a Pharmacode read too narrow for its
// shape check to accept in any image (pharmacode.MayVerify: bars a pixel
// wide, two apart, as texture gives them) is neither probed nor kept; one
// wide enough is, its bars read on the rows about it.
func TestUnverifiableHitsNotProbed(t *testing.T) {
	t.Parallel()
	const w, h = 100, 60
	for _, tc := range []struct {
		bar, space int
		x0, x1     float64
		kept       bool
	}{{1, 2, 40, 47, false}, {2, 4, 40, 54, true}} {
		// Three bars from x = 40, tall as the image.
		pix := make([]byte, w*h)
		for i := range pix {
			pix[i] = 200
			if x := i%w - 40; x >= 0 && x < 3*(tc.bar+tc.space) && x%(tc.bar+tc.space) < tc.bar {
				pix[i] = 30
			}
		}
		d, src, bm := decoderOn(t, pix, w, h)
		hit := lineHit{sym: Pharmacode, text: "7", format: linear.Pharmacode, raw: "7", x0: tc.x0, x1: tc.x1,
			y0: h / 2, y1: h / 2, rows: 1}
		hits := d.addLineHit(src, bm, nil, hit, nil)
		switch {
		case !tc.kept && len(hits) != 0:
			t.Errorf("bars from %v to %v: kept as %+v, want none", tc.x0, tc.x1, hits)
		case tc.kept && (len(hits) != 1 || hits[0].rows < 2):
			t.Errorf("bars from %v to %v: kept as %+v, want one hit read on several rows", tc.x0, tc.x1, hits)
		}
	}
}

// TestShapeFailedHitsNeitherConfirmNorCover: a Pharmacode read on several
// rows whose bars do not stand as a symbol's (one of three half as tall
// as the others, as stripes of texture stand) neither counts as a
// confirmed hit, which would end the row search before the rows still
// to be read, nor covers the rows it spans, which would be skipped; three
// bars as tall as each other do both.
func TestShapeFailedHitsNeitherConfirmNorCover(t *testing.T) {
	t.Parallel()
	const w, h = 100, 60
	for _, tc := range []struct {
		name    string
		heights [3][2]int // each bar's first and last row
		symbol  bool
	}{
		{"even bars", [3][2]int{{10, 49}, {10, 49}, {10, 49}}, true},
		{"a short bar", [3][2]int{{10, 49}, {20, 39}, {10, 49}}, false},
	} {
		pix := make([]byte, w*h)
		for i := range pix {
			pix[i] = 200
			x, y := i%w-40, i/w
			if k := x / 6; x >= 0 && k < 3 && x%6 < 2 && y >= tc.heights[k][0] && y <= tc.heights[k][1] {
				pix[i] = 30
			}
		}
		d, src, bm := decoderOn(t, pix, w, h)
		hit := lineHit{sym: Pharmacode, text: "7", format: linear.Pharmacode, raw: "7", x0: 40, x1: 54,
			y0: h / 2, y1: h / 2, rows: 1}
		hits := d.addLineHit(src, bm, nil, hit, nil)
		if len(hits) != 1 || hits[0].rows < 2 {
			t.Fatalf("%s: kept as %+v, want one hit read on several rows", tc.name, hits)
		}
		if got := confirmed(hits); got != map[bool]int{true: 1, false: 0}[tc.symbol] {
			t.Errorf("%s: %d confirmed hits, want %d", tc.name, got, map[bool]int{true: 1, false: 0}[tc.symbol])
		}
		if got := rowCovered(hits, h/2); got != tc.symbol {
			t.Errorf("%s: row %d covered %v, want %v", tc.name, h/2, got, tc.symbol)
		}
		// A row read again adds to the hit and checks it again.
		again := hit
		again.y0, again.y1 = hits[0].y1+1, hits[0].y1+1
		hits = d.addLineHit(src, bm, hits, again, nil)
		if hits[0].shapeFailed == tc.symbol {
			t.Errorf("%s: after a row more, shape failed %v, want %v", tc.name, hits[0].shapeFailed, !tc.symbol)
		}
	}
}

// decoderOn returns a decoder, a view of the w×h gray image pix and the
// view's bitmap, as a pass reads them.
func decoderOn(t *testing.T, pix []byte, w, h int) (*decoder, *planeSource, *gozxing.BinaryBitmap) {
	t.Helper()
	d := newDecoder()
	src := newPlaneSource(NewFrame(pix, w, h, w), &d.scratch)
	bm, err := gozxing.NewBinaryBitmap(newPassBinarizer(src, &d.scratch))
	if err != nil {
		t.Fatal(err)
	}
	return d, src, bm
}
