package pdf417

import (
	"cmp"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/scannerd/scannerd/internal/zint"
)

// TestMicroHitsReadWhenAsked: the codeword after a left RAP and whether
// its scan row reads on as a row, read from the runs leftRAPs keeps of the
// row only when an edge's tests ask for them (settleCodeword, settleRow),
// are what reading them on the whole scan row as the RAP is found gives,
// on every fourth scan row of the regions a MicroPDF417 symbol at several
// turns and a Code 128 symbol (whose bars hold many RAPs) make, read both
// ways. The symbol's edges pass the tests; of the Code 128 symbol's hits,
// the tests leave some unread.
func TestMicroHitsReadWhenAsked(t *testing.T) {
	zint.Need(t)
	scenes := []struct {
		name   string
		args   []string
		angles []float64
		symbol bool
	}{
		{"MicroPDF417", []string{"-b", "MICROPDF417", "--cols=2", "-d", "Read when asked 42"}, []float64{33, 250}, true},
		{"Code 128", []string{"-b", "CODE128", "-d", "RAPs 17"}, []float64{33}, false},
	}
	for _, sc := range scenes {
		raster := zint.Image(t, sc.args...)
		for _, angle := range sc.angles {
			img, _ := raster.Render(zint.Scene{Module: 3, Angle: angle})
			m, err := bitmap(img).GetBlackMatrix()
			if err != nil {
				t.Fatal(err)
			}
			r := NewMicroReader()
			found, rows, passed, read, hits := 0, 0, 0, 0, 0
			for _, rg := range r.turnedRegions(m) {
				v := rg.view(m, 0)
				for y := 0; y < v.h; y += 4 {
					r.viewRow(v, y)
					for range 2 { // forwards, then backwards
						eager := leftRAPs(&r.runs, y, anyModule, nil, nil)
						var keep []int
						lazy := leftRAPs(&r.runs, y, anyModule, nil, &keep)
						if len(lazy) != len(eager) {
							t.Fatalf("%s at %v°, scan row %d: %d hits kept, %d read", sc.name, angle, y, len(lazy), len(eager))
						}
						for k := range lazy {
							h := &lazy[k]
							h.settleCodeword(keep)
							h.settleRow(keep)
							got := *h
							got.at = 0 // where its runs were kept
							if h.unread != 0 || got != eager[k] {
								t.Fatalf("%s at %v°, scan row %d: hit read when asked %+v, as found %+v", sc.name, angle, y, *h, eager[k])
							}
							found++
							if h.row {
								rows++
							}
						}
						r.runs.reverse()
					}
				}
				// The edges' tests, as find asks them, read the hits
				// they need.
				edges, back := r.edgeChains(v, 3, true, true)
				for _, e := range append(edges[:min(len(edges), microMaxEdges)], back[:min(len(back), microMaxEdges)]...) {
					if e.codewordsDiffer(r.hitRuns) && e.readsRow(r.hitRuns) {
						passed++
					}
				}
				for _, e := range append(edges, back...) {
					for _, h := range e.hits {
						hits++
						if h.unread != unreadCodeword|unreadRow {
							read++
						}
					}
				}
			}
			switch {
			case sc.symbol && (rows == 0 || passed == 0):
				t.Errorf("%s at %v°: %d hits, %d of them reading on as rows, %d edges passing the tests", sc.name, angle, found, rows, passed)
			case !sc.symbol && read >= hits:
				t.Errorf("%s at %v°: the tests read %d of the edges' %d hits", sc.name, angle, read, hits)
			}
			t.Logf("%s at %v°: %d hits on the scan rows, %d reading on as rows; %d edges pass, %d of their %d hits read", sc.name, angle, found, rows, passed, read, hits)
		}
	}
}

// TestEdgePool: the chainers chain the same edges from the edges and hit
// arrays an earlier region's scan left in the pool as from new ones, for
// MicroPDF417's and GS1 Composite's chaining alike.
func TestEdgePool(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 14))
	var pool edgePool
	for round := range 40 {
		composite := round%2 == 1
		// Scan rows of hits: a few steep edges, their hits a little off
		// the line, and scattered hits of texture.
		rows := make([][]microHit, 60+rng.IntN(60))
		for k := range 3 + rng.IntN(5) {
			x0, slope, module := rng.Float64()*300, rng.Float64()*0.2-0.1, 1+rng.Float64()*3
			from := rng.IntN(len(rows))
			for y := from; y < min(len(rows), from+5+rng.IntN(40)); y++ {
				if rng.IntN(5) > 0 {
					rows[y] = append(rows[y], microHit{y: int32(2 * y), x: x0 + slope*float64(2*y) + rng.Float64(),
						module: module * (1 + 0.05*rng.Float64()), rap: uint16(k + y/4), cw: int16(rng.IntN(929))})
				}
			}
		}
		for y := range rows {
			for range rng.IntN(6) {
				rows[y] = append(rows[y], microHit{y: int32(2 * y), x: rng.Float64() * 400, module: 1 + rng.Float64()*4, cw: int16(rng.IntN(929) - 100)})
			}
			slices.SortFunc(rows[y], func(a, b microHit) int { return cmp.Compare(a.x, b.x) })
		}
		chain := func(p *edgePool) []microEdge {
			if p != nil {
				p.used = 0 // as edgeChains begins a region's scan
			}
			c := chainer{composite: composite, pool: p}
			for y, hits := range rows {
				c.add(hits, 2*y+1, 2)
			}
			var out []microEdge
			for _, e := range c.edges() {
				out = append(out, microEdge{hits: slices.Clone(e.hits), a: e.a, b: e.b, module: e.module, cca3: e.cca3})
			}
			return out
		}
		want, got := chain(nil), chain(&pool)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d: chained %d edges from the pool, %d new: %+v, want %+v", round, len(got), len(want), got, want)
		}
		if round == 0 && len(want) == 0 {
			t.Fatal("no edges chained")
		}
	}
	if len(pool.edges) == 0 {
		t.Error("the pool kept no edges")
	}
	pool.wipe()
	for _, e := range pool.edges {
		if slices.ContainsFunc(e.hits[:cap(e.hits)], func(h microHit) bool { return h != microHit{} }) {
			t.Fatal("wipe left hits in the pool")
		}
	}
}

// addByScan is add as it once was: every open edge tested in full, the
// first that takes the hit joined, and every open edge looked at to be
// closed.
func addByScan(c *chainer, hits []microHit, y, step int) {
	for _, h := range hits {
		var best *microEdge
		for _, seq := range c.open {
			e := c.made[seq]
			last := &e.hits[len(e.hits)-1]
			dy := y - int(last.y)
			tol := 2*last.module + 0.25*float64(dy)
			if math.Abs(h.x-last.x) <= tol && e.cca3 == h.cca3 && dy <= c.maxGap(step, last.module) && math.Abs(h.module-e.module) < 0.3*e.module {
				best = e
				break
			}
		}
		if best == nil {
			best = &microEdge{module: h.module, cca3: h.cca3, seq: int32(len(c.made))}
			c.made = append(c.made, best)
			if len(c.open) == 0 {
				c.oldest = y
			}
			c.open = append(c.open, best.seq)
		}
		best.hits = append(best.hits, h)
	}
	closeBehindByScan(c, y, step)
}

// closeBehindByScan is closeBehind as it once was for every chainer:
// every open edge looked at, those whose bottom lies more than maxGap
// above y closed in the order they were made.
func closeBehindByScan(c *chainer, y, step int) {
	if len(c.open) == 0 || y-c.oldest <= c.leastGap(step) {
		return
	}
	kept := c.open[:0]
	c.oldest = y
	for _, seq := range c.open {
		e := c.made[seq]
		if y-e.bottom() > c.maxGap(step, e.module) {
			e.closed = true
			c.done = append(c.done, e)
		} else {
			kept = append(kept, seq)
			c.oldest = min(c.oldest, e.bottom())
		}
	}
	c.open = kept
}

// TestChainerReach: add, which tests only the open edges whose reach
// (reachOf) holds a hit in full, chains what testing every open edge in
// full chains, on scan rows crowded with hits whose whole-pixel
// distances fall on the tolerance's bounds.
func TestChainerReach(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 24728))
	joined := 0
	for round := range 60 {
		composite, step := round%2 == 1, 1+round%3
		rows := make([][]microHit, 80)
		for y := range rows {
			if rng.IntN(4) == 0 {
				continue // a row without hits
			}
			for range rng.IntN(12) {
				span := 8 + rng.IntN(30)
				rows[y] = append(rows[y], microHit{y: int32(step*y + step/2), x: float64(rng.IntN(60)),
					module: float64(span) / rapModules, cca3: composite && rng.IntN(3) == 0, rap: uint16(rng.IntN(4)), cw: int16(rng.IntN(3))})
			}
		}
		chain := func(add func(c *chainer, hits []microHit, y, step int)) []microEdge {
			c := chainer{composite: composite}
			for y, hits := range rows {
				add(&c, hits, step*y+step/2, step)
			}
			// Every edge chained, before edges fits and joins them.
			var out []microEdge
			for _, e := range c.chained() {
				out = append(out, microEdge{hits: slices.Clone(e.hits), module: e.module, cca3: e.cca3})
				joined += len(e.hits) - 1
			}
			return out
		}
		want, got := chain(addByScan), chain((*chainer).add)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d: chained %+v, testing every open edge in full %+v", round, got, want)
		}
	}
	if joined == 0 {
		t.Error("no hits chained into edges")
	}
}

// TestComponentHitsReadWhenAsked: the composite reader's chainers, which
// read the codewords after the hits' RAPs only where a piece's end is
// told by them (splitComponentEdges), chain the edges they chained from
// hits read as they were found, beside a GS1 Composite's linear
// component and on a MicroPDF417 symbol's rows, and rowsDiffer, reading
// the others as it asks, tells the same of them; most of their hits'
// codewords are left unread.
func TestComponentHitsReadWhenAsked(t *testing.T) {
	zint.Need(t)
	edges, hits, unread := 0, 0, 0
	for _, args := range [][]string{
		{"-b", "EANX_CC", "--mode=2", "--primary=331234567890", "-d", "[99]1234-abcd[10]LOT42"},
		{"-b", "MICROPDF417", "--cols=3", "-d", "read when asked, beside a linear symbol"},
	} {
		raster := zint.Image(t, args...)
		for _, angle := range []float64{0, 3, 180} {
			img, _ := raster.Render(zint.Scene{Module: 2.5, Angle: angle})
			m, err := bitmap(img).GetBlackMatrix()
			if err != nil {
				t.Fatal(err)
			}
			r := NewCompositeMicroReader()
			for _, rg := range r.turnedRegions(m) {
				v := rg.view(m, 0)
				eager, lazy := chainer{composite: true}, chainer{composite: true}
				var keep []int
				for y := 0; y < v.h; y++ {
					r.viewRow(v, y)
					read := cca3Starts(&r.runs, y, anyModule, leftRAPs(&r.runs, y, anyModule, nil, nil))
					kept := cca3Starts(&r.runs, y, anyModule, leftRAPs(&r.runs, y, anyModule, nil, &keep))
					eager.add(read, y, 1)
					lazy.add(kept, y, 1)
				}
				lazy.keep = keep
				want, got := eager.edges(), lazy.edges()
				if len(got) != len(want) {
					t.Fatalf("%s at %v°: %d edges chained from hits read when asked, %d from hits read as found", args[1], angle, len(got), len(want))
				}
				for k := range got {
					g, w := got[k], want[k]
					if len(g.hits) != len(w.hits) || g.a != w.a || g.b != w.b || g.module != w.module {
						t.Fatalf("%s at %v°: edge %d chained %+v from hits read when asked, %+v as found", args[1], angle, k, *g, *w)
					}
					for i := range g.hits {
						if hits++; g.hits[i].unread&unreadCodeword != 0 {
							unread++
						}
					}
					if g.rowsDiffer(keep) != w.rowsDiffer(nil) {
						t.Fatalf("%s at %v°: edge %d shows rows %v read when asked, %v as found", args[1], angle, k, !w.rowsDiffer(nil), w.rowsDiffer(nil))
					}
					for i := range g.hits {
						h := g.hits[i]
						h.settleCodeword(keep)
						h.settleRow(keep)
						h.at = 0
						if h != w.hits[i] {
							t.Fatalf("%s at %v°: edge %d hit %d %+v read when asked, %+v as found", args[1], angle, k, i, h, w.hits[i])
						}
					}
					edges++
				}
			}
		}
	}
	t.Logf("%d edges, %d of their %d hits' codewords left unread", edges, unread, hits)
	if edges == 0 || 2*unread < hits {
		t.Errorf("%d edges chained, %d of their %d hits' codewords left unread", edges, unread, hits)
	}
}

// TestChainerLooksNear: through texture, a view's scan rows hold a dozen
// RAP-like hits each and its chainer a hundred open edges; add looks at
// the few edges indexed where each hit lies (chainer.cells), not at every
// open edge, and, chaining MicroPDF417's edges, at the edges whose bottom
// the scan has passed by (chainer.bottoms), not at every open edge on
// every scan row; and it chains what looking at every open edge chains:
// the same hits in the same edges, closed in the same order.
func TestChainerLooksNear(t *testing.T) {
	rng := rand.New(rand.NewPCG(24728, 9))
	for round := range 8 {
		composite, step := round%2 == 1, 2+round%2
		// Texture: stripes a few pixels apart whose runs now and then
		// read as RAPs, at a module of about two pixels; a few of
		// them large.
		rows := make([][]microHit, 200)
		hits := 0
		for y := range rows {
			for x := rng.Float64() * 40; x < 800; x += 10 + rng.Float64()*60 {
				module := 1.2 + rng.Float64()*1.5
				if rng.IntN(50) == 0 {
					module = 5 + rng.Float64()*20
				}
				rows[y] = append(rows[y], microHit{y: int32(step*y + step/2), x: math.Round(x), module: module,
					cca3: composite && rng.IntN(4) == 0, rap: uint16(rng.IntN(52))})
				hits++
			}
		}
		// The open edges every hit and every scan row, as add once
		// looked at.
		scanned := 0
		chain := func(add func(c *chainer, hits []microHit, y, step int)) ([]microEdge, *chainer) {
			c := &chainer{composite: composite}
			for y, row := range rows {
				add(c, row, step*y+step/2, step)
			}
			var out []microEdge
			for _, e := range c.chained() {
				out = append(out, microEdge{hits: slices.Clone(e.hits), module: e.module, cca3: e.cca3})
			}
			return out, c
		}
		want, _ := chain(func(c *chainer, hits []microHit, y, step int) {
			scanned += (len(hits) + 1) * len(c.open)
			addByScan(c, hits, y, step)
		})
		got, c := chain((*chainer).add)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d: chained %d edges, looking at every open edge %d", round, len(got), len(want))
		}
		// The composite reader's chainer still looks at every open edge
		// to close.
		most := 6 * hits
		if composite {
			most += scanned / (hits/len(rows) + 1)
		}
		if c.looked > most || 5*c.looked > scanned {
			t.Errorf("round %d: %d hits looked at %d edges, at every open edge %d", round, hits, c.looked, scanned)
		}
		if round < 2 {
			t.Logf("%d hits looked at %d edges, at every open edge %d", hits, c.looked, scanned)
		}
	}
}

// TestLeftRAPsKeepRowOnce: a scan row of texture holds many hits, and
// leftRAPs keeps the row's run edges once for all of them (from the
// first hit's on, and the -1 that ends them), not each hit's own; every
// hit reads from them what it reads on the whole row.
func TestLeftRAPsKeepRowOnce(t *testing.T) {
	// Twelve times: a quiet zone, a RAP, a codeword's runs, at two
	// pixels a module.
	r := runList{firstDark: false, edges: []int{0}}
	for range 12 {
		for _, n := range []int{3, 1, 1, 1, 3, 2, 2, 2, 2, 2, 2, 2, 3, 2, 2} {
			r.edges = append(r.edges, r.edges[len(r.edges)-1]+2*n)
		}
	}
	r.edges = append(r.edges, r.edges[len(r.edges)-1]+20)
	var keep []int
	lazy := leftRAPs(&r, 0, anyModule, nil, &keep)
	eager := leftRAPs(&r, 0, anyModule, nil, nil)
	if len(lazy) < 10 || len(lazy) != len(eager) {
		t.Fatalf("%d hits kept, %d read as found", len(lazy), len(eager))
	}
	if len(keep) > len(r.edges)+1 {
		t.Errorf("%d run edges kept for %d hits of a row of %d", len(keep), len(lazy), len(r.edges))
	}
	for k := range lazy {
		h := &lazy[k]
		h.settleCodeword(keep)
		h.settleRow(keep)
		h.at = 0
		if *h != eager[k] {
			t.Fatalf("hit %d read when asked %+v, as found %+v", k, *h, eager[k])
		}
	}
}
