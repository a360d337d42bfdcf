package pdf417

import "math"

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
