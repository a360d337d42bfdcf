package datamatrix

import "testing"

// TestFixedModules: fixedModules counts the modules eachFixed visits, for
// every size and every size turned on its side.
func TestFixedModules(t *testing.T) {
	for _, s := range symbolSizes {
		for _, sz := range []symbolSize{s, {rows: s.cols, cols: s.rows, regionRows: s.regionCols, regionCols: s.regionRows}} {
			n := 0
			sz.eachFixed(func(x, y int) bool {
				if sz.kind(x, y) == dataModule {
					t.Errorf("%dx%d: module (%d, %d) is a data module", sz.rows, sz.cols, x, y)
				}
				n++
				return true
			})
			if got := sz.fixedModules(); got != n {
				t.Errorf("%dx%d: fixedModules %d, eachFixed visits %d", sz.rows, sz.cols, got, n)
			}
		}
	}
}
