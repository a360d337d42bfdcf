package hanxin

import "testing"

// TestBlockTableFitsLayout: for every version and level, the codewords of
// the error correction blocks (Table D.1) fill exactly the data modules
// the function patterns (Annex A) leave, less the spare bits.
func TestBlockTableFitsLayout(t *testing.T) {
	for v := 1; v <= maxVersion; v++ {
		l := newLayout(v)
		total := l.dataModules() / 8
		if v >= 4 {
			k, r := int(alignmentK[v]), int(alignmentR[v])
			if (l.size-r)%k != 0 {
				t.Errorf("version %d: size %d is not m*%d+%d", v, l.size, k, r)
			}
		}
		for lv := range 4 {
			n := 0
			for _, b := range blocks[v][lv] {
				n += b.n * (b.k + b.e)
			}
			if n != total {
				t.Errorf("version %d level L%d: blocks hold %d codewords, layout %d", v, lv+1, n, total)
			}
		}
	}
}
