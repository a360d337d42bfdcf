package pdf417

import (
	"slices"
	"strings"
	"testing"

	"github.com/scannerd/scannerd/internal/zint"
)

// sideRAP returns the k-th side RAP of the cycle as rapPattern codes it.
func sideRAP(k int) uint16 { return cycleRAP(0, k) }

// cycleRAP returns the k-th RAP of cycle c of rapCycles as rapPattern
// codes it.
func cycleRAP(c, k int) uint16 {
	s := rapCycles[c][k%rapCycleLen]
	var t [rapElements]int
	for i := range t {
		t[i] = int(s[i] - '0')
	}
	return rapPattern(t)
}

// TestRAPCycles: in zint's MicroPDF417 symbols of every column count and
// many heights, each row's left and right RAPs are side RAPs, and its
// centre RAP (three and four columns) a centre RAP, each the one after
// the row above's in its cycle, and between them the symbols show every
// RAP of both; each RAP's bar-space pairs tell it too.
func TestRAPCycles(t *testing.T) {
	zint.Need(t)
	seen := map[int]bool{}
	for cols := 1; cols <= 4; cols++ {
		for _, n := range []int{1, 10, 40, 70, 100, 130, 160, 250} {
			rows := zint.Dump(t, "-b", "MICROPDF417", "--cols="+string(rune('0'+cols)), "-d", strings.Repeat("A", n))
			// The rows' width, up to the stop bar, tells the layout.
			end := 0
			for _, row := range rows {
				for x, dark := range row {
					if dark {
						end = max(end, x+1)
					}
				}
			}
			layout := 0
			for l := 1; l <= 4; l++ {
				if microRowModules(l) == end {
					layout = l
				}
			}
			if layout == 0 {
				t.Fatalf("%d columns, %d letters: rows of %d modules", cols, n, end)
			}
			// Where the layout puts each RAP, and which cycle it is of.
			var raps []int
			var cycles []int
			x := 0
			for _, c := range microLayouts[layout] {
				switch c {
				case 'R':
					raps = append(raps, x)
					x += rapModules
				case 'C':
					x += modulesPerCodeword
				}
			}
			for k := range raps {
				centre := 0
				if k > 0 && k < len(raps)-1 {
					centre = 1
				}
				cycles = append(cycles, centre)
			}
			prev := make([]int, len(raps))
			for y, row := range rows {
				for k, from := range raps {
					at := placeOf(row[from : from+rapModules])
					if at == 0 || (at-1)/rapCycleLen != cycles[k] {
						t.Fatalf("%d columns, %d letters, row %d: RAP %d %v is not of cycle %d", cols, n, y, k, row[from:from+rapModules], cycles[k])
					}
					if y > 0 && (at-1)%rapCycleLen != prev[k]%rapCycleLen {
						t.Errorf("%d columns, %d letters, row %d: RAP %d at %d after %d", cols, n, y, k, at, prev[k])
					}
					prev[k] = at
					seen[at] = true
				}
			}
		}
	}
	if len(seen) != 2*rapCycleLen {
		t.Errorf("the symbols showed %d of the %d RAPs", len(seen), 2*rapCycleLen)
	}
	for c, cycle := range rapCycles {
		for k, s := range cycle {
			place := c*rapCycleLen + k + 1
			h := microHit{rap: cycleRAP(c, k)}
			// But for the centre RAP with a run of five modules, which
			// rapCounts never reads.
			if got := rapPlace(&h, nil); got != place && !strings.Contains(s, "5") {
				t.Errorf("%s: place %d from its pattern, want %d", s, got, place)
			}
			// From its runs, where the pattern is read as neither set's.
			r := runList{firstDark: true, edges: []int{0}}
			for _, m := range s {
				r.edges = append(r.edges, r.edges[len(r.edges)-1]+3*int(m-'0'))
			}
			keep := append(r.edges, -1) // as leftRAPs keeps a row's
			h.rap = 0                   // "111111", no RAP
			if got := rapPlace(&h, keep); got != place {
				t.Errorf("%s: place %d from its pairs, want %d", s, got, place)
			}
		}
	}
}

// placeOf returns the place plus one in rapCycles of the RAP whose ten
// modules are m (as rapPlaces numbers them), 0 for none.
func placeOf(m []bool) int {
	var t [rapElements]int
	k := 0
	for i := range m {
		if i > 0 && m[i] != m[i-1] {
			if k++; k == rapElements {
				return 0
			}
		}
		t[k]++
	}
	if k != rapElements-1 || !m[0] {
		return 0
	}
	var counts strings.Builder
	for _, n := range t {
		counts.WriteByte(byte('0' + n))
	}
	for c, cycle := range rapCycles {
		if k := slices.Index(cycle[:], counts.String()); k >= 0 {
			return c*rapCycleLen + k + 1
		}
	}
	return 0
}

// TestMicroRAPsOutOfCycleNotRead: an edge whose RAPs change from row to
// row but never to the next one in their cycle, as texture's RAP-like runs
// do (here the cycle run backwards), is not tried along the view's rows
// where the lines along its normal read no rows: on paper it costs its
// probe there, where the same edge with its RAPs in the cycle's order is
// probed at both angles and, its RAPs advancing through their cycle
// (rapsAdvance), at the other angles of a short edge's sweep.
func TestMicroRAPsOutOfCycleNotRead(t *testing.T) {
	v := paperView(t)
	const module = edgeModule
	edge := func(rap func(k int) uint16) *microEdge { return paperEdge(30, 3, 1, false, rap) }
	backwards := edge(func(k int) uint16 { return sideRAP(rapCycleLen - k) })
	forwards := edge(func(k int) uint16 { return sideRAP(7 + k) })
	if rapsFollow(backwards.hits, module, nil, true) || !rapsFollow(forwards.hits, module, nil, true) {
		t.Fatalf("RAPs follow: backwards %v, forwards %v", rapsFollow(backwards.hits, module, nil, true), rapsFollow(forwards.hits, module, nil, true))
	}
	lines := func(e *microEdge) int {
		r := NewMicroReader()
		if _, err := r.readSymbol(v, e); err == nil {
			t.Fatal("read a symbol on paper")
		}
		return r.linesSampled
	}
	step := max(1, len(forwards.hits)/8)
	probe := (len(forwards.hits) + step - 1) / step
	if back, fwd := lines(backwards), lines(forwards); back != probe || fwd != advancingAngles*probe {
		t.Errorf("lines sampled: %d across the edge of RAPs out of cycle, %d across the one in it (want one and %d angles' probes of %d)", back, fwd, advancingAngles, probe)
	}
}

// TestMicroRAPsOutOfCycleReadAlongNormal: a symbol's edge whose RAPs the
// search misread out of their cycle (here each given the side RAP before
// the last one's), as it may at low contrast, is still read along its
// normal: the whole edge decodes the symbol, and its upper rows alone,
// which read rows that decode nothing, make the reader Promising, so that
// a later pass searches again.
func TestMicroRAPsOutOfCycleReadAlongNormal(t *testing.T) {
	zint.Need(t)
	text := "MicroPDF417 rows out of cycle 0123456789"
	img, _ := zint.Image(t, "-b", "MICROPDF417", "--cols=2", "-d", text).Render(zint.Scene{Module: 3})
	m, err := bitmap(img).GetBlackMatrix()
	if err != nil {
		t.Fatal(err)
	}
	r := NewMicroReader()
	r.rows.Of(m, nil)
	regions := r.turnedRegions(m)
	r.blocks, r.bstride = uniformBlocks(r.words, r.stride, m.GetWidth(), m.GetHeight(), r.blocks)
	read, promising := false, false
	for _, rg := range regions {
		v, _ := r.regionViews(m, rg)
		edges, _ := r.edgeChains(v, 2, true, false)
		for _, e := range edges[:min(len(edges), microMaxEdges)] {
			if len(e.hits) < 12 || !rapsFollow(e.hits, e.module, r.hitRuns, true) {
				continue
			}
			for k := range e.hits {
				e.hits[k].rap = sideRAP(rapCycleLen - k)
			}
			if rapsFollow(e.hits, e.module, r.hitRuns, true) {
				t.Fatal("RAPs run backwards follow their cycle")
			}
			whole := e.hits
			r.promising = false
			if d, err := r.readSymbol(v, e); err == nil && d.data.text == text {
				read = true
			}
			e.hits = whole[:len(whole)/2]
			r.promising = false
			if _, err := r.readSymbol(v, e); err == nil {
				t.Errorf("read a symbol along the upper half of its edge")
			}
			promising = promising || r.Promising()
			e.hits = whole
		}
	}
	if !read || !promising {
		t.Errorf("edge of RAPs out of cycle: symbol read %v, half its rows promising %v", read, promising)
	}
}

// TestComponentRAPsOutOfCycleNotRead: the composite reader, too, samples
// no line across an edge whose RAPs, each on two scan rows, change from
// row to row but never to the next one in their cycle (here the cycle run
// backwards), where lines are sampled across the same edge with its RAPs
// in the cycle's order, as a CC-A's or CC-B's rows have them.
func TestComponentRAPsOutOfCycleNotRead(t *testing.T) {
	v := paperView(t)
	edge := func(rap func(k int) uint16) *microEdge { return paperEdge(12, 2, 2, true, rap) }
	backwards := edge(func(k int) uint16 { return sideRAP(rapCycleLen - k) })
	forwards := edge(func(k int) uint16 { return sideRAP(20 + k) })
	lines := func(e *microEdge) int {
		r := NewCompositeMicroReader()
		if _, err := r.readSymbol(v, e); err == nil {
			t.Fatal("read a component on paper")
		}
		return r.linesSampled
	}
	if back, fwd := lines(backwards), lines(forwards); back != 0 || fwd == 0 {
		t.Errorf("lines sampled: %d across the edge of RAPs out of cycle, %d across the one in it (want none, and some)", back, fwd)
	}
}

// inCycle gives the hits' RAPs side RAPs in the cycle's order, one for
// each pattern in the order they first show: the same where they were the
// same, so that every test of readSymbol but rapsFollow takes the edge as
// before, and rapsFollow passes it. Tests of what readSymbol does with
// edges of other kinds than a symbol's, whose RAPs seldom follow, so
// reach it.
func inCycle(t *testing.T, hits []microHit) {
	t.Helper()
	side := map[uint16]uint16{}
	for k := range hits {
		p, ok := side[hits[k].rap]
		if !ok {
			if len(side) == rapCycleLen {
				t.Fatalf("more patterns than side RAPs")
			}
			p = sideRAP(len(side))
			side[hits[k].rap] = p
		}
		hits[k].rap = p
	}
}
