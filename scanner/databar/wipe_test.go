package databar

import (
	"image"
	"reflect"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner/internal/scrub/scrubtest"
)

// zintFrame is a frame at least h pixels tall holding the DataBar
// Expanded symbols zint draws for each set of args, 2 pixels a module,
// one below the other.
func zintFrame(t *testing.T, h int, args ...[]string) *image.Gray {
	t.Helper()
	var syms []*image.Gray
	w, tall := 0, 0
	for _, a := range args {
		sym, _ := zint.Image(t, a...).Render(zint.Scene{Module: 2, Noise: 8})
		syms = append(syms, sym)
		w, tall = max(w, sym.Rect.Dx()), tall+sym.Rect.Dy()
	}
	frame := image.NewGray(image.Rect(0, 0, w, max(h, tall)))
	for i := range frame.Pix {
		frame.Pix[i] = 210
	}
	y := 0
	for _, sym := range syms {
		for sy := range sym.Rect.Dy() {
			copy(frame.Pix[(y+sy)*frame.Stride:], sym.Pix[sy*sym.Stride:(sy+1)*sym.Stride])
		}
		y += sym.Rect.Dy()
	}
	return frame
}

// votesOf returns the arrays, to their capacity, of the votes of each of
// clusters.
func votesOf(clusters []*cluster) [][]vote {
	var vs [][]vote
	for _, c := range clusters {
		for f := range c.votes {
			for _, v := range c.votes[f] {
				vs = append(vs, v[:cap(v)])
			}
		}
	}
	return vs
}

// clustersCleared fails t where one of clusters, or of their votes (as
// votesOf gave them), holds anything: how names what was done to them.
func clustersCleared(t *testing.T, clusters []*cluster, votes [][]vote, how string) {
	t.Helper()
	for _, c := range clusters {
		if !reflect.ValueOf(*c).IsZero() {
			t.Fatalf("a cluster's extent or votes %s", how)
		}
	}
	for _, v := range votes {
		if !scrubtest.Zero(v) {
			t.Fatalf("a cluster's votes %s", how)
		}
	}
}

// After Wipe the Reader keeps nothing of the reads since the last Wipe,
// a tall frame of many pairs a line before a small one's too: neither
// the pairs read on a line (characters, finders and where they lie) nor
// the lines scanned, each to its array's capacity, nor any cluster a
// search made (its votes, the symbols' data, to their arrays' capacity,
// and extent), retired by a merge or not; nor do the arrays the reads
// outgrew hold any; and it reads as before.
func TestWipeClearsWhatTheReadsKept(t *testing.T) {
	zint.Need(t)
	wide := []string{"-b", "DBAR_EXP", "-d", "[01]98898765432106[3202]012345[15]991231[10]SECRET42"}
	stacked := []string{"-b", "DBAR_EXPSTK", "--cols=2", "-d", "[01]90012345678908[3103]001750[21]XYZ"}
	short := []string{"-b", "DBAR_EXP", "-d", "[10]12A"}
	large, small := zintFrame(t, 700, wide, stacked), zintFrame(t, 0, short)
	read := func(r *Reader, what string, img *image.Gray, want int) {
		t.Helper()
		if res, err := r.DecodeMultiple(grayBitmap(t, img), nil); err != nil || len(res) != want {
			t.Fatalf("%s: read %v, %v; want %d symbols", what, res, err, want)
		}
	}

	// The small frame's arrays, outgrown by the large one's, are let go
	// cleared.
	r := NewReader()
	read(r, "the small frame", small, 1)
	obs, scanned, clusters := r.obs[:cap(r.obs)], r.scanned[:cap(r.scanned)], slices.Clone(r.made)
	votes := votesOf(clusters)
	if scrubtest.Zero(obs) || scrubtest.Zero(scanned) || len(clusters) == 0 {
		t.Fatal("the small frame's read kept nothing: nothing for the test to see let go")
	}
	read(r, "the large frame", large, 2)
	if cap(r.obs) <= cap(obs) || cap(r.scanned) <= cap(scanned) {
		t.Fatal("the large frame outgrew neither the pairs' nor the lines' array: the test shows little")
	}
	if !scrubtest.Zero(obs) || !scrubtest.Zero(scanned) {
		t.Error("an array a read outgrew was let go holding pairs or lines scanned")
	}
	clustersCleared(t, clusters, votes, "let go by the search after")

	// The small frame's read writes over the first entries only.
	clusters = slices.Clone(r.made)
	votes = votesOf(clusters)
	pairs, lines := r.rows.pairsHeld, r.scannedHeld
	read(r, "the small frame again", small, 1)
	if len(r.obs) >= pairs || len(r.scanned) >= lines || len(clusters) <= len(r.made) {
		t.Fatalf("the small frame holds %d pairs, %d lines and %d clusters, the large one %d, %d and %d: the test shows little",
			len(r.obs), len(r.scanned), len(r.made), pairs, lines, len(clusters))
	}
	clusters = append(clusters, r.made...)
	votes = append(votes, votesOf(r.made)...)
	if scrubtest.Zero(r.obs) || !slices.Contains(r.scanned, true) || scrubtest.Zero(r.clusters) {
		t.Fatal("the reads kept nothing: nothing for the test to see wiped")
	}
	clustersArray, made := r.clusters[:cap(r.clusters)], r.made[:cap(r.made)]
	r.Wipe()
	if !scrubtest.Zero(r.obs) {
		t.Error("pairs kept after Wipe")
	}
	if !scrubtest.Zero(r.scanned) {
		t.Error("lines scanned kept after Wipe")
	}
	if !scrubtest.Zero(clustersArray) || !scrubtest.Zero(made) {
		t.Error("clusters kept after Wipe")
	}
	clustersCleared(t, clusters, votes, "kept after Wipe")
	read(r, "the small frame after Wipe", small, 1)
}

// A place's votes, outgrowing their array, let it go cleared.
func TestVotesGrownLetGoCleared(t *testing.T) {
	var c cluster
	c.addVote(0, 1, 7, 3, 1, 1)
	old := c.votes[0][1][:cap(c.votes[0][1])]
	for v := 8; cap(c.votes[0][1]) == cap(old); v++ {
		c.addVote(0, 1, v, 3, 1, 1)
	}
	if !scrubtest.Zero(old) {
		t.Error("the votes outgrown were let go holding characters")
	}
}

// fixedLines are Lines whose row y has the runs rows[y], and which
// measure any row again as blurred into the runs blurred.
type fixedLines struct{ rows, blurred [][]int }

func (l fixedLines) Line(y int, smooth bool, buf []int) ([]int, bool) {
	return append(buf[:0], l.rows[y]...), true
}

func (l fixedLines) Blurred(buf []int) ([]int, bool) { return append(buf[:0], l.blurred[0]...), true }

// stripeRuns returns n runs of 2 to 5 units, the first light.
func stripeRuns(n int) []int {
	runs := make([]int, n)
	for i := range runs {
		runs[i] = 2 + i%4
	}
	return runs
}

// A row's runs and their positions, outgrowing the arrays the row
// before left them in, let those go cleared: runs measured by Lines, by
// BlurredLines again as blurred, or of a row binarized.
func TestRowArraysGrownLetGoCleared(t *testing.T) {
	lines := fixedLines{rows: [][]int{stripeRuns(30), stripeRuns(300)}, blurred: [][]int{stripeRuns(600)}}
	stripes := func(w int) *gozxing.BinaryBitmap {
		img := image.NewGray(image.Rect(0, 0, w, 3))
		for i := range img.Pix {
			img.Pix[i] = byte(30 + 180*(i/2%2))
		}
		return grayBitmap(t, img)
	}
	narrow, wide := stripes(40), stripes(400)
	for _, tc := range []struct {
		name         string
		small, large func(s *rowScanner)
	}{
		{"measured", func(s *rowScanner) { s.loadRow(nil, lines, 0, false) }, func(s *rowScanner) { s.loadRow(nil, lines, 1, false) }},
		{"measured as blurred", func(s *rowScanner) { s.loadRow(nil, lines, 0, false) }, func(s *rowScanner) {
			s.blurredLeft = 1
			s.scanRow(nil, lines, 0, false, nil)
			if len(s.runs) != 600 {
				t.Fatalf("%d runs, want the row's measured as blurred", len(s.runs))
			}
		}},
		{"binarized", func(s *rowScanner) { s.loadRow(narrow, nil, 1, false) }, func(s *rowScanner) { s.loadRow(wide, nil, 1, false) }},
	} {
		for _, field := range []string{"runs", "pos"} {
			var s rowScanner
			array := func() []int {
				if field == "runs" {
					return s.runs
				}
				return s.pos
			}
			tc.small(&s)
			old := array()[:cap(array())]
			if scrubtest.Zero(old) {
				t.Fatalf("%s, %s: the short row left nothing: the test sees nothing let go", tc.name, field)
			}
			tc.large(&s)
			if cap(array()) == cap(old) {
				t.Fatalf("%s, %s: the long row did not outgrow the array of %d: the test sees nothing let go", tc.name, field, cap(old))
			}
			if !scrubtest.Zero(old) {
				t.Errorf("%s, %s: the array outgrown was let go holding the short row's", tc.name, field)
			}
		}
	}
}

// Wipe zeroes a cluster a merge retired, as well as the one it merged
// into: the extent and votes the search read into each.
func TestWipeClearsRetiredClusters(t *testing.T) {
	r := NewReader()
	s := &search{r: r, step: 1}
	pair := func(y, value int) *pairObs {
		return &pairObs{y: y, x0: 10, x1: 60, module: 1, chars: [2]charObs{{ok: true, value: value, checksum: 5, cost: 0.1}}}
	}
	// Two pairs farther apart than a cluster's gap, then one between
	// them, which joins them.
	s.file(pair(0, 3))
	s.file(pair(30, 4))
	if len(r.clusters) != 2 {
		t.Fatalf("two pairs far apart filed into %d clusters, want 2", len(r.clusters))
	}
	retired, votes := r.clusters[1], r.clusters[1].votes[0][0]
	s.file(pair(15, 3))
	if retired.mergedInto == nil || len(r.clusters) != 1 {
		t.Fatal("the pair between the clusters merged none: the test shows nothing")
	}
	home := r.clusters[0]
	r.Wipe()
	if !reflect.ValueOf(*retired).IsZero() || !scrubtest.Zero(votes) {
		t.Error("the cluster a merge retired kept its extent or votes after Wipe")
	}
	if !reflect.ValueOf(*home).IsZero() {
		t.Error("the cluster merged into kept its extent or votes after Wipe")
	}
}
