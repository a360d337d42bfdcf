package pdf417

// A codeword is 17 modules wide: four bars and four spaces, each 1 to 6
// modules, starting with a bar (ISO/IEC 15438 §5.3.1). Each of the three
// clusters 0, 3 and 6 uses its own set of 929 patterns; rows cycle through
// the clusters so that a reader can tell adjacent rows apart.

const (
	modulesPerCodeword = 17
	elementsPerSymbol  = 8
	numClusters        = 3
)

// patternSet indexes the codeword table both ways. It is built once and
// never changes.
type patternSet struct {
	// byBits maps the middle 15 modules of a pattern (the first module is
	// always a bar and the last a space) to cluster·929 + value + 1, 0 when
	// the pattern is no codeword.
	byBits [1 << 15]uint16
	// widths[k] holds the element widths of entry k = cluster·929 + value.
	widths [numClusters * fieldSize][elementsPerSymbol]uint8
}

var patterns = newPatternSet()

func newPatternSet() *patternSet {
	s := &patternSet{}
	for c := 0; c < numClusters; c++ {
		for v, text := range barSpaceWidths[c] {
			k := c*fieldSize + v
			bits := uint32(0)
			for i := 0; i < elementsPerSymbol; i++ {
				w := int(text[i] - '0')
				s.widths[k][i] = uint8(w)
				for j := 0; j < w; j++ {
					bits <<= 1
					if i%2 == 0 {
						bits |= 1
					}
				}
			}
			s.byBits[bits>>1&(1<<15-1)] = uint16(k + 1)
		}
	}
	return s
}

// lookup returns the value and cluster (0, 3 or 6) of a 17-module pattern,
// most significant bit first.
func (s *patternSet) lookup(bits uint32) (value, cluster int, ok bool) {
	if bits>>16&1 != 1 || bits&1 != 0 {
		return 0, 0, false
	}
	k := int(s.byBits[bits>>1&(1<<15-1)])
	if k == 0 {
		return 0, 0, false
	}
	k--
	return k % fieldSize, k / fieldSize * 3, true
}

// clusterOf computes the cluster number of element widths (§5.3.1):
// (b1 − b2 + b3 − b4 + 9) mod 9 over the bar widths.
func clusterOf(w [elementsPerSymbol]int) int {
	return ((w[0]-w[2]+w[4]-w[6])%9 + 9) % 9
}
