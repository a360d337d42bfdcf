package pdf417

import (
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
