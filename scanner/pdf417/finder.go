package pdf417

import (
	"math"
	"slices"

	"github.com/scannerd/scannerd/scanner/internal/scrub"
)

// The start and stop patterns (ISO/IEC 15438 §5.3.3), in modules, bar first.
var (
	startPattern = []int{8, 1, 1, 1, 1, 1, 1, 3} // 17 modules
	stopPattern  = []int{7, 1, 1, 3, 1, 1, 1, 2, 1}
)

const (
	startModules = 17
	stopModules  = 18
)

// guardHit is a start or stop pattern found on one line. For a start pattern
// outer is the leading edge of its wide bar and inner the end of the
// pattern, where the left row indicator begins; for a stop pattern inner is
// the leading edge of its wide bar and outer the end of its last bar.
type guardHit struct {
	y            int
	outer, inner float64
	module       float64
}

// matchGuard tests the runs i..i+len(pattern)-1 against a guard pattern read
// in its own direction and returns the module width. Each element and each
// pair of neighbouring elements (edge-to-similar-edge distances, which ink
// spread does not change) must be within tolerance.
func matchGuard(r *runList, i int, pattern []int, modules int) (float64, bool) {
	n := len(pattern)
	if i < 0 || i+n > r.count() || !r.dark(i) {
		return 0, false
	}
	total := r.edges[i+n] - r.edges[i]
	u := float64(total) / float64(modules)
	if u < 0.8 {
		return 0, false
	}
	tol := 0.5*u + 0.8
	for k := 0; k < n; k++ {
		w := float64(r.width(i + k))
		if math.Abs(w-float64(pattern[k])*u) > tol+0.25*u {
			return 0, false
		}
		if k+1 < n {
			p := w + float64(r.width(i+k+1))
			if math.Abs(p-float64(pattern[k]+pattern[k+1])*u) > tol {
				return 0, false
			}
		}
	}
	return u, true
}

// findGuards appends every start and stop pattern on the run list of line y.
func findGuards(r *runList, y int, starts, stops []guardHit) ([]guardHit, []guardHit) {
	n := r.count()
	first := 0
	if !r.firstDark {
		first = 1
	}
	for i := first; i < n; i += 2 {
		w := r.width(i)
		// The wide bar of either pattern is 7 or 8 modules: it must be at
		// least about twice the next run.
		if i+1 >= n || w < 2*r.width(i+1) {
			continue
		}
		if u, ok := matchGuard(r, i, startPattern, startModules); ok {
			starts = append(starts, guardHit{y: y, outer: float64(r.edges[i]), inner: float64(r.edges[i+8]), module: u})
		}
		if u, ok := matchGuard(r, i, stopPattern, stopModules); ok {
			stops = append(stops, guardHit{y: y, outer: float64(r.edges[i+9]), inner: float64(r.edges[i]), module: u})
		}
	}
	return starts, stops
}

// matchGuardBack is matchGuard on the run list read backwards (reverse):
// the runs i, i-1, ..., i-len(pattern)+1, in that order.
func matchGuardBack(r *runList, i int, pattern []int, modules int) (float64, bool) {
	n := len(pattern)
	if i-n+1 < 0 || i >= r.count() || !r.dark(i) {
		return 0, false
	}
	total := r.edges[i+1] - r.edges[i+1-n]
	u := float64(total) / float64(modules)
	if u < 0.8 {
		return 0, false
	}
	tol := 0.5*u + 0.8
	for k := 0; k < n; k++ {
		w := float64(r.width(i - k))
		if math.Abs(w-float64(pattern[k])*u) > tol+0.25*u {
			return 0, false
		}
		if k+1 < n {
			p := w + float64(r.width(i-k-1))
			if math.Abs(p-float64(pattern[k]+pattern[k+1])*u) > tol {
				return 0, false
			}
		}
	}
	return u, true
}

// findGuardsBothWays appends to fwd the start and stop patterns on the run
// list of line y, as findGuards finds them, and to back those on the list
// read backwards, line yBack, as findGuards finds them on the list
// reversed, in the same order: one pass over the runs, without reversing
// them. Read backwards a run list of length n has its run n-1-i at i,
// its edge n-e at i (n the line's length, e its edge at the list's
// length less i), the same width and colour.
func findGuardsBothWays(r *runList, y, yBack int, fwd, back *scanSet) {
	n := r.count()
	if n == 0 {
		return
	}
	e := r.edges
	end := e[n]
	first := 0
	if !r.firstDark {
		first = 1
	}
	backStarts, backStops := len(back.starts), len(back.stops)
	for i := first; i < n; i += 2 {
		w := e[i+1] - e[i]
		// The wide bar of either pattern is 7 or 8 modules: it must be at
		// least about twice the run after it, in the way it is read.
		// Each pattern is tried where its wide bar fits the pattern's
		// width (wideBarFits) and the runs it needs are on the line.
		if i+1 < n && w >= 2*(e[i+2]-e[i+1]) {
			if i+8 <= n && wideBarFits(w, e[i+8]-e[i], 8, startModules) {
				if u, ok := matchGuard(r, i, startPattern, startModules); ok {
					fwd.starts = addHit(fwd.starts, guardHit{y: y, outer: float64(e[i]), inner: float64(e[i+8]), module: u})
				}
			}
			if i+9 <= n && wideBarFits(w, e[i+9]-e[i], 7, stopModules) {
				if u, ok := matchGuard(r, i, stopPattern, stopModules); ok {
					fwd.stops = addHit(fwd.stops, guardHit{y: y, outer: float64(e[i+9]), inner: float64(e[i]), module: u})
				}
			}
		}
		if i > 0 && w >= 2*(e[i]-e[i-1]) {
			if i >= 7 && wideBarFits(w, e[i+1]-e[i-7], 8, startModules) {
				if u, ok := matchGuardBack(r, i, startPattern, startModules); ok {
					back.starts = addHit(back.starts, guardHit{y: yBack, outer: float64(end - e[i+1]), inner: float64(end - e[i-7]), module: u})
				}
			}
			if i >= 8 && wideBarFits(w, e[i+1]-e[i-8], 7, stopModules) {
				if u, ok := matchGuardBack(r, i, stopPattern, stopModules); ok {
					back.stops = addHit(back.stops, guardHit{y: yBack, outer: float64(end - e[i-8]), inner: float64(end - e[i+1]), module: u})
				}
			}
		}
	}
	// Backwards, the last run is read first.
	slices.Reverse(back.starts[backStarts:])
	slices.Reverse(back.stops[backStops:])
}

// wideBarFits is matchGuard's test of a pattern's first element, its wide
// bar w pixels wide of wide modules, in integers, for the pattern total
// pixels wide of modules: false only where that test fails too. The test
// asks |w - wide·u| <= 0.75u + 0.8 at u = total/modules; here the bound
// is 0.75u + 1, a fifth of a pixel wider, far more than the rounding of
// the floating-point test at any width a line has.
func wideBarFits(w, total, wide, modules int) bool {
	d := modules*w - wide*total
	if d < 0 {
		d = -d
	}
	return 4*d <= 3*total+4*modules
}

// addHit appends h to hits, the detector's, kept from image to image: an
// array outgrown is cleared as it is let go.
func addHit(hits []guardHit, h guardHit) []guardHit {
	return append(scrub.Grow(hits, 1), h)
}
