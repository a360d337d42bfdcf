package linear

import (
	"math/rand/v2"
	"testing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner/code11"
	"github.com/scannerd/scannerd/scanner/databar"
	"github.com/scannerd/scannerd/scanner/internal/bars"
	"github.com/scannerd/scannerd/scanner/internal/bars/barstest"
	"github.com/scannerd/scannerd/scanner/msi"
	"github.com/scannerd/scannerd/scanner/pharmacode"
	"github.com/scannerd/scannerd/scanner/telepen"
	"github.com/scannerd/scannerd/scanner/twooffive"
)

// othersByCall is readOthers as it was, each decoder called at every
// place in the formats' order, with no test made before the call.
func othersByCall(runs []int, k int, formats Formats) (Symbol, bool) {
	decoders := [numFormats]bars.Decoder{
		Code11: code11.DecodeAt, MSI: msi.DecodeAt, Pharmacode: pharmacode.DecodeAt,
		Industrial25: twooffive.IndustrialAt, Matrix25: twooffive.MatrixAt, IATA25: twooffive.IATAAt,
		Telepen: telepen.DecodeAt, DataBarLimited: databar.LimitedAt, DataBar: databar.OmniAt,
	}
	for f := Format(1); f < numFormats; f++ {
		if !formats.Has(f) || decoders[f] == nil {
			continue
		}
		if s, ok := decoders[f](runs, k); ok {
			return symbolOf(f, s), true
		}
	}
	return Symbol{}, false
}

// TestOthersGatesAreExact: the tests readOthers makes before each
// decoder's call (their MayStartAt) turn away only places where the
// decoder reads nothing: at every bar of random lines with widths of one
// to a few units (where equal widths and quiet zones just wide enough are
// common) and of zint's symbols of each format, their widths in
// sixteenths of a pixel jittered by up to a few, it reads what calling
// each decoder reads, each format alone and all together.
func TestOthersGatesAreExact(t *testing.T) {
	zint.Need(t)
	t.Parallel()
	rng := rand.New(rand.NewPCG(14, 11))
	var lines [][]int
	for n := range 80 {
		runs := make([]int, 1+rng.IntN(300))
		for k := range runs {
			runs[k] = 1 + rng.IntN(2+n%7)
		}
		lines = append(lines, runs)
	}
	symbols := [][]string{
		{"-b", "CODE11", "-d", "123-45"}, {"-b", "MSI_PLESSEY", "-d", "0123456789"},
		{"-b", "PHARMA", "-d", "1234"}, {"-b", "PHARMA", "-d", "7"}, {"-b", "C25IND", "-d", "0123456789"},
		{"-b", "C25STANDARD", "-d", "42"}, {"-b", "C25IATA", "-d", "2201"}, {"-b", "TELEPEN", "-d", "a1"},
		{"-b", "DBAR_LTD", "-d", "1501234567890"}, {"-b", "DBAR_OMN", "-d", "0952123454321"},
	}
	for _, args := range symbols {
		for px := 1; px <= 3; px++ {
			base := barstest.Runs(t, px, args...)
			for j := range 6 {
				runs := make([]int, len(base))
				for k, r := range base {
					runs[k] = 16*r + rng.IntN(1+2*j) - j
				}
				lines = append(lines, runs)
			}
		}
	}
	sets := []Formats{otherFormats}
	for f := Code11; f < numFormats; f++ {
		sets = append(sets, NewFormats(f))
	}
	reads := map[Format]int{}
	for n, runs := range lines {
		for k := 1; k < len(runs); k += 2 {
			for _, fs := range sets {
				want, wok := othersByCall(runs, k, fs)
				got, gok := readOthers(runs, k, fs)
				if gok != wok || got != want {
					t.Fatalf("line %d at %d, formats %b: read %+v %v, each decoder called %+v %v", n, k, fs, got, gok, want, wok)
				}
				if wok && fs != otherFormats {
					reads[want.Format]++
				}
			}
		}
	}
	for f := Code11; f < numFormats; f++ {
		if reads[f] == 0 {
			t.Errorf("%v: nothing read on the lines", f)
		}
	}
}
