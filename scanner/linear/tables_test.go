package linear

import (
	"testing"
)

// The edge tables name every character of Code 128 and Code 93 by its
// rounded distances alone, as their standards' reference decode needs:
// no two characters share them.
func TestEdgeTablesAreUnique(t *testing.T) {
	for _, c := range []struct {
		name     string
		modules  int
		patterns [][]uint8
		table    *edgeTable
	}{
		{"Code 128", 11, code128Patterns, code128Edges},
		{"Code 93", 9, code93Patterns, code93Edges},
	} {
		for v, p := range c.patterns {
			if sum := int(p[0] + p[1] + p[2] + p[3] + p[4] + p[5]); sum != c.modules {
				t.Errorf("%s value %d: %d modules, want %d", c.name, v, sum, c.modules)
			}
			e := []float64{float64(p[0] + p[1]), float64(p[1] + p[2]), float64(p[2] + p[3]), float64(p[3] + p[4])}
			if got := c.table.lookup(e); got != v {
				t.Errorf("%s value %d: its distances name %d", c.name, v, got)
			}
		}
	}
	// Code 128's bars add up to an even number of modules, Code 93's
	// characters are three bars and spaces of at most four.
	for v, p := range code128Patterns {
		if (p[0]+p[2]+p[4])%2 != 0 {
			t.Errorf("Code 128 value %d: bars of %d modules", v, p[0]+p[2]+p[4])
		}
	}
}

// The two-width tables give every character its number of wide elements,
// and distinct patterns.
func TestTwoWidthTables(t *testing.T) {
	ones := func(x int) int {
		n := 0
		for ; x != 0; x &= x - 1 {
			n++
		}
		return n
	}
	for i, w := range code39Wide {
		if ones(int(w)) != 3 || code39ByWide[w] != int8(i) {
			t.Errorf("Code 39 %q: %09b", code39Chars[i], w)
		}
	}
	for i, w := range codabarWide {
		bars := ones(int(w) & 0b1010101)
		if bars != 1 && bars != 3 || codabarByWide[w] != int8(i) {
			t.Errorf("Codabar %q: %07b", codabarChars[i], w)
		}
	}
	for d, w := range itfWide {
		if ones(int(w)) != 2 || itfByWide[w] != int8(d) {
			t.Errorf("ITF %d: %05b", d, w)
		}
	}
}

// Code 128's text follows its code sets: shifts, FNC4 for Latin-1, FNC1
// first for GS1-128 (symbology identifier ]C1) and as GS between fields.
func TestCode128Text(t *testing.T) {
	const startA, startB, startC = 103, 104, 105
	cases := []struct {
		name   string
		data   []int // start and data, without check
		text   string
		id     string
		failed bool
	}{
		{"set B", []int{startB, 'H' - 32, 'i' - 32}, "Hi", "]C0", false},
		{"set A control", []int{startA, 'A' - 32, 64 + 13}, "A\r", "]C0", false},
		{"set C pairs", []int{startC, 12, 34, 5}, "123405", "]C0", false},
		{"C then B", []int{startC, 12, c128CodeB, 'x' - 32}, "12x", "]C0", false},
		{"shift", []int{startB, 'a' - 32, c128Shift, 64 + 10, 'b' - 32}, "a\nb", "]C0", false},
		{"GS1", []int{startC, c128FNC1, 1, 23, c128FNC1, 10}, "0123\x1d10", "]C1", false},
		{"FNC4 once", []int{startB, c128CodeB, 'i' - 32, 'i' - 32}, "éi", "]C0", false},
		{"FNC4 latched", []int{startB, c128CodeB, c128CodeB, 'i' - 32, 'i' - 32, c128CodeB, 'i' - 32}, "ééi", "]C0", false},
	}
	for _, c := range cases {
		vals := append([]int(nil), c.data...)
		check := vals[0]
		for i := 1; i < len(vals); i++ {
			check += i * vals[i]
		}
		vals = append(vals, check%103)
		var r Reader
		text, id, ok := r.code128Text(vals)
		if !ok || text != c.text || id != c.id {
			t.Errorf("%s: %q %q %v, want %q %q", c.name, text, id, ok, c.text, c.id)
		}
		vals[len(vals)-1] = (check + 1) % 103
		if _, _, ok := r.code128Text(vals); ok {
			t.Errorf("%s: a wrong check character passed", c.name)
		}
	}
}
