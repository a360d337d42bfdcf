package databar

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner/internal/bars"
	"github.com/scannerd/scannerd/scanner/internal/bars/barstest"
)

// TestOmniZint reads DataBar Omnidirectional symbols zint draws for random
// GTINs, which between them use every value group and finder, and the
// linear row of a composite, whose linkage flag reads as a leading 1.
func TestOmniZint(t *testing.T) {
	zint.Need(t)
	rng := rand.New(rand.NewPCG(24, 7242))
	cases := []string{"0000000000000", "9999999999999", "1000000000000", "0952123454321"}
	for range 150 {
		cases = append(cases, fmt.Sprintf("%013d", rng.Int64N(1e13)))
	}
	for i, d := range cases {
		want := d + string(gtinCheckDigit([]byte(d)))
		if i < 4 {
			barstest.ReadZint(t, OmniAt, want, false, "-b", "DBAR_OMN", "-d", d)
			continue
		}
		runs := barstest.Runs(t, 1+i%3, "-b", "DBAR_OMN", "-d", d)
		s, ok := bars.Scan(runs, OmniAt)
		if !ok || s.Text != want {
			t.Errorf("%s: read %q, %v; want %q", d, s.Text, ok, want)
		}
	}
	rows := zint.Dump(t, "-b", "DBAR_OMN_CC", "--mode=1", "--primary=0952123454321", "-d", "[10]ABC")
	linked := "10952123454321"
	linked += string(gtinCheckDigit([]byte(linked)))
	if s, ok := bars.Scan(zint.Runs(rows[len(rows)-1], 2, 10), OmniAt); !ok || s.Text != linked {
		t.Errorf("composite's linear row: read %q, %v; want %q", s.Text, ok, linked)
	}
}

func FuzzOmni(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) { barstest.Fuzz(t, OmniAt, b) })
}
