package postal

import (
	"testing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner/internal/scrub/scrubtest"
)

// fill writes v over s to its capacity.
func fill[T any](s []T, v T) {
	s = s[:cap(s)]
	for i := range s {
		s[i] = v
	}
}

// Every array the reader keeps from image to image, outgrown, is cleared
// as it is let go: dropped, it would keep what the image before left in
// it where no wipe reaches. Read wipes them all at its end, so the
// arrays a short POSTNET symbol leaves are filled after it, as the
// larger read fills them before it outgrows them; the read of a long
// Intelligent Mail symbol, larger and turned, outgrows each.
func TestOutgrownArraysAreCleared(t *testing.T) {
	zint.Need(t)
	all := NewKinds(POSTNET, PLANET, IMB, AusPost, RM4SCC, KIX)
	small, _ := zint.Image(t, "-b", "POSTNET", "-d", "12345").Render(zint.Scene{Module: 2, Angle: 90, Blur: 1})
	large, _ := zint.Image(t, "-b", "USPS_IMAIL", "-d", "01234567094987654321-01234567891").Render(zint.Scene{Module: 5, Angle: 33})
	var r Reader
	if got := r.Read(matrix(small), grayImage{small}, all); len(got) != 1 || got[0].Text != "12345" {
		t.Fatalf("the small symbol reads %+v", got)
	}
	cs, rd, ms := &r.chaining, &r.reading, &r.measured
	var b blob
	fill(r.parts, part{n: 1})
	fill(r.prev, run{x0: 1})
	fill(r.cur, run{x0: 1})
	fill(r.found, blob{cx: 1})
	for _, s := range [...][]*blob{cs.bars, cs.sides[0], cs.sides[1], cs.links} {
		fill(s, &b)
	}
	fill(cs.out, cs.links)
	fill(cs.grid, 1)
	fill(cs.used, true)
	fill(cs.ends, 1)
	for _, s := range [...][]float64{cs.lengths, cs.like[0], cs.like[1], cs.like[2], cs.like[3], cs.pitches,
		rd.v, rd.top, rd.bot, rd.thresholds, rd.contrasts, rd.levels, rd.scratch, rd.values, rd.gaps, rd.adds,
		rd.splits, rd.spare[0], rd.spare[1], rd.spare[2]} {
		fill(s, 1)
	}
	fill(rd.class, 1)
	fill(rd.order, 1)
	fill(rd.idx, 1)
	fill(rd.classSums, [5]float64{1})
	fill(ms.frames[:1], measuredFrame{limit: 1, bars: ms.frames[:1][0].bars})
	fill(ms.frames[:1][0].bars, measuredBar{done: true})
	arrays := []scrubtest.Held{
		scrubtest.Hold("runs above", &r.prev),
		scrubtest.Hold("runs", &r.cur),
		scrubtest.Hold("blobs", &r.found),
		scrubtest.Hold("bars", &cs.bars),
		scrubtest.Hold("bars' lengths", &cs.lengths),
		scrubtest.Hold("grid", &cs.grid),
		scrubtest.Hold("bars taken", &cs.used),
		scrubtest.Hold("chains' bars", &cs.links),
		scrubtest.Hold("thicknesses", &cs.like[0]),
		scrubtest.Hold("lengths", &cs.like[1]),
		scrubtest.Hold("pitches", &cs.like[2]),
		scrubtest.Hold("widths", &cs.like[3]),
		scrubtest.Hold("pitches sorted", &cs.pitches),
		scrubtest.Hold("bars measured", &ms.frames[:1][0].bars),
		scrubtest.Hold("places", &rd.v),
		scrubtest.Hold("tops", &rd.top),
		scrubtest.Hold("bottoms", &rd.bot),
		scrubtest.Hold("thresholds", &rd.thresholds),
		scrubtest.Hold("contrasts", &rd.contrasts),
		scrubtest.Hold("profile", &rd.levels),
		scrubtest.Hold("profile ordered", &rd.scratch),
		scrubtest.Hold("classes", &rd.class),
		scrubtest.Hold("order", &rd.order),
		scrubtest.Hold("values", &rd.values),
		scrubtest.Hold("class sums", &rd.classSums),
		scrubtest.Hold("gaps", &rd.gaps),
		scrubtest.Hold("sorting", &rd.idx),
		scrubtest.Hold("spare places", &rd.spare[0]),
		scrubtest.Hold("spare tops", &rd.spare[1]),
		scrubtest.Hold("spare bottoms", &rd.spare[2]),
		scrubtest.Hold("ends split", &rd.splits),
	}
	scrubtest.NeedHeld(t, arrays...)
	const want = "0123456709498765432101234567891"
	if got := r.Read(matrix(large), grayImage{large}, all); len(got) != 1 || got[0].Text != want {
		t.Fatalf("the large symbol reads %+v", got)
	}
	scrubtest.LetGoCleared(t, arrays...)
}
