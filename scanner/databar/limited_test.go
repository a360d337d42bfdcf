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
