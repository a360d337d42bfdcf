package pdf417

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/scannerd/scannerd/internal/sweep"
)

// nearestByScan is nearestCodeword measuring every pattern of the cluster.
func nearestByScan(e []int, cluster int) (int, bool) {
	total := float64(e[8] - e[0])
	scale := float64(modulesPerCodeword) / total
	best, second := math.Inf(1), math.Inf(1)
	bestV := -1
	for v := 0; v < fieldSize; v++ {
		w := &patterns.widths[cluster/3*fieldSize+v]
		d := 0.0
		for k := 0; k < 6; k++ {
			d += math.Abs(float64(e[k+2]-e[k])*scale - float64(w[k]+w[k+1]))
		}
		if d < best {
			best, second, bestV = d, best, v
		} else if d < second {
			second = d
		}
	}
	if best > 1.6 || second-best < 0.4 {
		return 0, false
	}
	return bestV, true
}

// TestNearestCodewordIndexSweep checks the indexed search against measuring
// every pattern, on codewords printed with distorted element widths and on
// random runs.
func TestNearestCodewordIndexSweep(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 29))
	cases := sweep.New(t)
	found, ran := 0, 0
	for i := 0; i < 20000; i++ {
		cluster := 3 * rng.IntN(numClusters)
		var widths [elementsPerSymbol]float64
		if i%2 == 0 { // a codeword, each element up to ±0.6 module off
			w := &patterns.widths[cluster/3*fieldSize+rng.IntN(fieldSize)]
			for k := range widths {
				widths[k] = max(0.3, float64(w[k])+rng.Float64()*1.2-0.6)
			}
		} else {
			for k := range widths {
				widths[k] = 0.5 + rng.Float64()*5
			}
		}
		scale := 1 + rng.Float64()*5 // pixels per module
		e := make([]int, elementsPerSymbol+1)
		x := 0.0
		for k, w := range widths {
			x += w * scale
			e[k+1] = int(math.Round(x))
		}
		if e[8] == e[0] || !cases.Next() {
			continue
		}
		ran++
		gotV, gotOK := nearestCodeword(e, cluster)
		wantV, wantOK := nearestByScan(e, cluster)
		if gotOK != wantOK || gotOK && gotV != wantV {
			t.Fatalf("edges %v cluster %d: indexed %d %v, every pattern %d %v", e, cluster, gotV, gotOK, wantV, wantOK)
		}
		if gotOK {
			found++
		}
	}
	// As ever, at least one case in twenty read (half are codewords).
	if found < ran/20 {
		t.Fatalf("only %d of the %d distorted codewords and random runs were read; the test says little", found, ran)
	}
}
