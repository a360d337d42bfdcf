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
	readZintGTINs(t, OmniAt, "DBAR_OMN", 4, cases)
	rows := zint.Dump(t, "-b", "DBAR_OMN_CC", "--mode=1", "--primary=0952123454321", "-d", "[10]ABC")
	linked := "10952123454321"
	linked += string(gtinCheckDigit([]byte(linked)))
	if s, ok := bars.Scan(zint.Runs(rows[len(rows)-1], 2, 10), OmniAt); !ok || s.Text != linked {
		t.Errorf("composite's linear row: read %q, %v; want %q", s.Text, ok, linked)
	}
}

// TestOmniPairs: the rows of zint's DataBar Stacked and Stacked
// Omnidirectional symbols hold a left pair above a right one, which join
// into the symbol's text; a full row's pairs join as OmniAt reads it.
func TestOmniPairs(t *testing.T) {
	zint.Need(t)
	const want = "09521234543213"
	for _, kind := range []string{"DBAR_STK", "DBAR_OMNSTK", "DBAR_OMN"} {
		rows := zint.Dump(t, "-b", kind, "-d", "0952123454321")
		var left, right []OmniPair
		if len(rows) > 1 {
			rows = [][]bool{rows[0], rows[len(rows)-1]}
		}
		for _, row := range rows {
			runs := zint.Runs(row, 2, 10)
			for k := 1; k < len(runs); k += 2 {
				if p, ok := OmniLeftAt(runs, k); ok {
					left = append(left, p)
				}
				if p, ok := OmniRightAt(runs, k); ok {
					right = append(right, p)
				}
			}
		}
		if len(left) != 1 || len(right) != 1 {
			t.Errorf("%s: %d left and %d right pairs, want one each", kind, len(left), len(right))
			continue
		}
		if text, ok := JoinOmni(left[0], right[0]); !ok || text != want {
			t.Errorf("%s: joined %q, %v; want %q", kind, text, ok, want)
		}
		other := left[0]
		other.Check++
		if _, ok := JoinOmni(other, right[0]); ok {
			t.Errorf("%s: pairs of another checksum joined", kind)
		}
	}
}

func FuzzOmniPairs(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		runs := make([]int, len(b)+1)
		for i, v := range b {
			runs[i+1] = int(v)
		}
		for k := 1; k < len(runs); k += 2 {
			for _, read := range []func([]int, int) (OmniPair, bool){OmniLeftAt, OmniRightAt} {
				if p, ok := read(runs, k); ok && (p.First != k || p.Last >= len(runs) || p.Last%2 == 0) {
					t.Fatalf("pair %+v at %d of %d runs", p, k, len(runs))
				}
			}
		}
	})
}

func FuzzOmni(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) { barstest.Fuzz(t, OmniAt, b) })
}

// readZintGTINs reads zint's drawings (of the given barcode type) of each
// GTIN with decode, which must give it with its check digit: the first
// images of them through barstest.ReadZint, the rest from their runs at
// one to three pixels a module.
func readZintGTINs(t *testing.T, decode bars.Decoder, barcode string, images int, gtins []string) {
	t.Helper()
	for i, d := range gtins {
		want := d + string(gtinCheckDigit([]byte(d)))
		if i < images {
			barstest.ReadZint(t, decode, want, false, "-b", barcode, "-d", d)
			continue
		}
		s, ok := bars.Scan(barstest.Runs(t, 1+i%3, "-b", barcode, "-d", d), decode)
		if !ok || s.Text != want {
			t.Errorf("%s: read %q, %v; want %q", d, s.Text, ok, want)
		}
	}
}
