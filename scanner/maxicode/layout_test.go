package maxicode

import "testing"

func TestLayoutCoversEveryBitOnce(t *testing.T) {
	seen := make([]int, numCodewords*6)
	for r := range moduleLayout {
		for c, b := range moduleLayout[r] {
			if b == noBit {
				continue
			}
			if int(b) >= len(seen) {
				t.Fatalf("(%d,%d): bit %d out of range", r, c, b)
			}
			seen[b]++
		}
	}
	for b, n := range seen {
		if n != 1 {
			t.Errorf("bit %d placed %d times", b, n)
		}
	}
	for _, m := range orientationModules {
		if moduleLayout[m.row][m.col] != noBit {
			t.Errorf("orientation module (%d,%d) also carries bit %d", m.row, m.col, moduleLayout[m.row][m.col])
		}
	}
}
