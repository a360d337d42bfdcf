package pdf417

import "math"

// edgeIndex maps the six edge-to-similar-edge distances of a codeword (bar
// to next bar and space to next space, in modules) to its table entry + 1.
// The distances identify every pattern of the table on their own and do not
// change when bars print wider or narrower, which is why ISO/IEC 15438
// Annex G's reference decoder reads them rather than element widths.
type edgeKey uint32

var edgeIndex = newEdgeIndex()

func newEdgeIndex() map[edgeKey]uint16 {
	m := make(map[edgeKey]uint16, numClusters*fieldSize)
	for k := range patterns.widths {
		w := &patterns.widths[k]
		var key edgeKey
		for i := 0; i < 6; i++ {
			key = key<<4 | edgeKey(w[i]+w[i+1])
		}
		m[key] = uint16(k + 1)
	}
	return m
}

// readCodeword decodes the eight runs starting at dark run i. It returns the
// value, the cluster and the codeword's length in samples. When the runs
// match no pattern exactly and the row's cluster is known (wantCluster >= 0),
// the nearest pattern of that cluster is taken if it is near enough. weight
// is 2 for an exact reading and 1 for a nearest one.
func readCodeword(r *runList, i int, wantCluster int) (value, cluster, length, weight int) {
	value, cluster, length, ok := readExact(r, i)
	if ok {
		return value, cluster, length, 2
	}
	if wantCluster < 0 || length == 0 {
		return 0, 0, length, 0
	}
	if v, found := nearestCodeword(r.edges[i:i+elementsPerSymbol+1], wantCluster); found {
		return v, wantCluster, length, 1
	}
	return 0, 0, length, 0
}

// nearestCodeword finds the pattern of a cluster whose edge-to-similar-edge
// distances are nearest to the measured ones, if it is clearly the nearest:
// at most 1.6 modules off in all, and 0.4 nearer than any other.
func nearestCodeword(e []int, cluster int) (int, bool) {
	total := float64(e[8] - e[0])
	scale := float64(modulesPerCodeword) / total
	var m [6]float64
	for k := range m {
		m[k] = float64(e[k+2]-e[k]) * scale
	}
	// A pattern 2 modules off or more in all decides nothing: it is too far
	// to be taken, and leaves a pattern that may be taken clearly the
	// nearest. So only the patterns less than 2 off in each of the first
	// two distances are measured.
	best, second := math.Inf(1), math.Inf(1)
	bestV := -1
	base := cluster / 3 * fieldSize
	idx := &nearIndex[cluster/3]
	for e0 := max(0, int(math.Floor(m[0]-2))+1); e0 < len(idx) && float64(e0) < m[0]+2; e0++ {
		for e1 := max(0, int(math.Floor(m[1]-2))+1); e1 < len(idx[e0]) && float64(e1) < m[1]+2; e1++ {
			for _, v := range idx[e0][e1] {
				w := &patterns.widths[base+int(v)]
				d := 0.0
				for k := 0; k < 6 && d < second; k++ {
					d += math.Abs(m[k] - float64(w[k]+w[k+1]))
				}
				if d < best {
					best, second, bestV = d, best, int(v)
				} else if d < second {
					second = d
				}
			}
		}
	}
	if best > 1.6 || second-best < 0.4 {
		return 0, false
	}
	return bestV, true
}

// nearIndex lists the values of each cluster by their first two
// edge-to-similar-edge distances, for nearestCodeword.
var nearIndex = func() (idx [numClusters][maxEdgeDistance + 1][maxEdgeDistance + 1][]uint16) {
	for c := range numClusters {
		for v := range fieldSize {
			w := &patterns.widths[c*fieldSize+v]
			e0, e1 := w[0]+w[1], w[1]+w[2]
			idx[c][e0][e1] = append(idx[c][e0][e1], uint16(v))
		}
	}
	return idx
}()

// maxEdgeDistance bounds an edge-to-similar-edge distance: two elements of
// at most six modules each.
const maxEdgeDistance = 12

// readExact decodes the eight runs starting at dark run i by rounding their
// edge-to-similar-edge distances to whole modules.
func readExact(r *runList, i int) (value, cluster, length int, ok bool) {
	if i < 0 || i+elementsPerSymbol > r.count() || !r.dark(i) {
		return 0, 0, 0, false
	}
	e := r.edges[i : i+elementsPerSymbol+1]
	total := e[8] - e[0]
	if total < modulesPerCodeword/2 {
		return 0, 0, 0, false
	}
	scale := float64(modulesPerCodeword) / float64(total)
	var key edgeKey
	for k := 0; k < 6; k++ {
		m := roundNonNeg(float64(e[k+2]-e[k]) * scale)
		if m < 2 || m > 9 {
			return sampleCodeword(e, total)
		}
		key = key<<4 | edgeKey(m)
	}
	if k, found := edgeIndex[key]; found {
		k--
		return int(k) % fieldSize, int(k) / fieldSize * 3, total, true
	}
	return sampleCodeword(e, total)
}

// sampleCodeword reads a codeword by sampling 17 module centres, for the
// rare pattern whose edge distances round badly.
func sampleCodeword(e []int, total int) (value, cluster, length int, ok bool) {
	var bits uint32
	run := 0
	for m := 0; m < modulesPerCodeword; m++ {
		x := float64(e[0]) + (float64(m)+0.5)*float64(total)/modulesPerCodeword
		for run < elementsPerSymbol-1 && float64(e[run+1]) <= x {
			run++
		}
		bits <<= 1
		if run%2 == 0 {
			bits |= 1
		}
	}
	v, c, found := patterns.lookup(bits)
	return v, c, total, found
}
