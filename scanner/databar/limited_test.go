package databar

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner/internal/bars"
	"github.com/scannerd/scannerd/scanner/internal/bars/barstest"
)

// TestLimitedZint reads DataBar Limited symbols zint draws for random
// GTINs, which between them use every value group and check character.
func TestLimitedZint(t *testing.T) {
	rng := rand.New(rand.NewPCG(24, 724))
	cases := []string{"0000000000000", "1999999999999", "1000000000000", "0999999999999"}
	for range 120 {
		cases = append(cases, fmt.Sprintf("%d%012d", rng.IntN(2), rng.Int64N(1e12)))
	}
	readZintGTINs(t, LimitedAt, "DBAR_LTD", 8, cases)
}

// TestLimitedSpread reads DataBar Limited symbols whose bars print 3/8
// of a module wider than their spaces and whose elements are each up to
// a sixth of a module off besides, as blur leaves them at three or four
// pixels a module: at least 60 of 100 read (82 do), none misread.
// Rounding each width to whole modules read 23.
func TestLimitedSpread(t *testing.T) {
	const px = 32 // pixels a module
	rng := rand.New(rand.NewPCG(1, 2))
	read := 0
	for range 100 {
		d := fmt.Sprintf("%d%012d", rng.IntN(2), rng.Int64N(1e12))
		want := d + string(gtinCheckDigit([]byte(d)))
		runs := barstest.Runs(t, px, "-b", "DBAR_LTD", "-d", d)
		for k := 1; k < len(runs)-1; k++ {
			w := 3*px/8 + rng.IntN(px/3+1) - px/6
			if k%2 == 1 { // a bar
				runs[k] += w
			} else {
				runs[k] -= w
			}
		}
		s, ok := bars.Scan(runs, LimitedAt)
		switch {
		case ok && s.Text == want:
			read++
		case ok:
			t.Errorf("%s read as %s", want, s.Text)
		}
	}
	if read < 60 {
		t.Errorf("read %d of 100, want at least 60", read)
	}
}

// TestLimitedLinkage: the linear row of a composite reads the same GTIN
// as the symbol alone, its linkage flag set.
func TestLimitedLinkage(t *testing.T) {
	zint.Need(t)
	for _, tc := range []struct {
		args   []string
		linked bool
	}{
		{[]string{"-b", "DBAR_LTD", "-d", "1501234567890"}, false},
		{[]string{"-b", "DBAR_LTD_CC", "--mode=1", "--primary=1501234567890", "-d", "[10]ABC"}, true},
	} {
		rows := zint.Dump(t, tc.args...)
		s, ok := bars.Scan(zint.Runs(rows[len(rows)-1], 2, 10), LimitedAt)
		if !ok || s.Text != "15012345678907" || s.Linked != tc.linked {
			t.Errorf("%s: read %q, linked %v, %v; want 15012345678907, linked %v", tc.args[1], s.Text, s.Linked, ok, tc.linked)
		}
	}
}

// TestLimitedChecks: the check character table holds 89 distinct
// characters of 18 modules, their odd and even elements 9 modules each.
func TestLimitedChecks(t *testing.T) {
	if len(limitedCheckValues) != 89 {
		t.Fatalf("%d distinct check characters, want 89", len(limitedCheckValues))
	}
	for v, s := range limitedChecks {
		odd, even := 0, 0
		for k, c := range s {
			if k%2 == 0 {
				odd += int(c - '0')
			} else {
				even += int(c - '0')
			}
		}
		if odd != 9 || even != 9 {
			t.Errorf("check %d %s: odd %d even %d modules", v, s, odd, even)
		}
	}
}

func FuzzLimited(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) { barstest.Fuzz(t, LimitedAt, b) })
}

// unboundedLimitedData is nearestLimitedData solving every value group.
func unboundedLimitedData(x *[limitedChar]float64) ([limitedChar]int, bool) {
	var best [limitedChar]int
	bestCost := maxLimitedCost
	for _, g := range limitedGroups {
		odd, oddCost := nearestWidths(x, 0, g.oddModules, g.oddWidest, false)
		even, evenCost := nearestWidths(x, 1, 26-g.oddModules, 9-g.oddWidest, true)
		if oddCost+evenCost < bestCost {
			bestCost = oddCost + evenCost
			for j := range 7 {
				best[2*j], best[2*j+1] = odd[j], even[j]
			}
		}
	}
	return best, bestCost < maxLimitedCost
}

// TestNearestLimitedDataBound: the groups the lower bound turns away
// never hold the nearest character, whether the widths are a character's
// blurred or texture's; and for texture (random widths scaled to a
// character's 26 modules, as limitedNearest scales them) the bound leaves
// fewer than half of the 14 solves the seven groups take (about 4 do).
func TestNearestLimitedDataBound(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 26))
	solved, n := 0, 0
	for range 500 {
		var x [limitedChar]float64
		texture := rng.IntN(2) == 0
		if texture {
			total := 0.0
			for j := range x {
				x[j] = 0.3 + 4*rng.Float64()
				total += x[j]
			}
			for j := range x {
				x[j] *= 26 / total
			}
		} else {
			// A character of a random group, each element up to 0.4
			// of a module off.
			g := limitedGroups[rng.IntN(len(limitedGroups))]
			odd := randomWidths(rng, g.oddModules, g.oddWidest)
			even := randomWidths(rng, 26-g.oddModules, 9-g.oddWidest)
			for j := range 7 {
				x[2*j] = float64(odd[j]) + 0.8*rng.Float64() - 0.4
				x[2*j+1] = float64(even[j]) + 0.8*rng.Float64() - 0.4
			}
		}
		got, ok, s := nearestLimitedDataCounted(&x)
		want, wantOK := unboundedLimitedData(&x)
		if ok != wantOK || ok && got != want {
			t.Fatalf("%v: bounded %v %v, unbounded %v %v", x, got, ok, want, wantOK)
		}
		if texture {
			solved += s
			n++
		}
	}
	t.Logf("texture: %d solves in %d characters", solved, n)
	if solved > 6*n {
		t.Errorf("texture: %d solves in %d characters, want at most %d", solved, n, 6*n)
	}
}

// randomWidths returns seven widths of one to widest modules totalling
// modules, or fewer when none fit (the test then compares nonetheless).
func randomWidths(rng *rand.Rand, modules, widest int) [7]int {
	var w [7]int
	for j := range w {
		w[j] = 1
	}
	for left := modules - 7; left > 0; {
		j := rng.IntN(7)
		if w[j] < widest {
			w[j]++
			left--
		}
	}
	return w
}
