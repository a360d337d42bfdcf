package pdf417

import "testing"

// TestPatternTable checks the invariants the standard gives for every entry
// of the codeword table, so a damaged table cannot go unnoticed.
func TestPatternTable(t *testing.T) {
	seen := map[string]bool{}
	for c := 0; c < numClusters; c++ {
		for v, text := range barSpaceWidths[c] {
			if len(text) != elementsPerSymbol {
				t.Fatalf("cluster %d value %d: %q has %d elements", c*3, v, text, len(text))
			}
			var w [elementsPerSymbol]int
			sum := 0
			for i := range text {
				w[i] = int(text[i] - '0')
				if w[i] < 1 || w[i] > 6 {
					t.Fatalf("cluster %d value %d: element width %d", c*3, v, w[i])
				}
				sum += w[i]
			}
			if sum != modulesPerCodeword {
				t.Errorf("cluster %d value %d: %d modules", c*3, v, sum)
			}
			if got := clusterOf(w); got != c*3 {
				t.Errorf("cluster %d value %d: pattern %s is in cluster %d", c*3, v, text, got)
			}
			if seen[text] {
				t.Errorf("pattern %s appears twice", text)
			}
			seen[text] = true
		}
	}
	// Spot checks against the first entries of the standard's table.
	for _, tc := range []struct {
		cluster, value int
		want           string
	}{{0, 0, "31111136"}, {0, 1, "41111144"}, {0, 2, "51111152"}} {
		if got := barSpaceWidths[tc.cluster/3][tc.value]; got != tc.want {
			t.Errorf("cluster %d value %d: %s, want %s", tc.cluster, tc.value, got, tc.want)
		}
	}
}

func TestPatternLookupRoundTrip(t *testing.T) {
	for k := 0; k < numClusters*fieldSize; k++ {
		bits := uint32(0)
		for i, w := range patterns.widths[k] {
			for j := 0; j < int(w); j++ {
				bits <<= 1
				if i%2 == 0 {
					bits |= 1
				}
			}
		}
		v, c, ok := patterns.lookup(bits)
		if !ok || v != k%fieldSize || c != k/fieldSize*3 {
			t.Fatalf("entry %d: lookup gave value %d cluster %d ok %v", k, v, c, ok)
		}
	}
	if _, _, ok := patterns.lookup(0x1FFFE); ok {
		t.Error("a 16-module bar decoded as a codeword")
	}
}
