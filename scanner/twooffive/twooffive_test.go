package twooffive

import (
	"testing"

	"github.com/scannerd/scannerd/scanner/internal/bars"
	"github.com/scannerd/scannerd/scanner/internal/bars/barstest"
)

var decoders = map[string]bars.Decoder{"C25IND": IndustrialAt, "C25IATA": IATAAt, "C25STANDARD": MatrixAt}

func TestZint(t *testing.T) {
	for kind, decode := range decoders {
		for _, data := range []string{"0123456789", "123", "90210", "31415926535897932384"} {
			barstest.ReadZint(t, decode, "", false, "-b", kind, "-d", data)
		}
		barstest.ReadZint(t, decode, "", false, "-b", kind, "--vers=1", "-d", "4711")
	}
}

// TestNoCrossReads: each variant reads only its own symbols.
func TestNoCrossReads(t *testing.T) {
	for kind := range decoders {
		runs := barstest.Runs(t, 3, "-b", kind, "-d", "0123456789")
		for other, decode := range decoders {
			if s, ok := bars.Scan(runs, decode); ok && other != kind {
				t.Errorf("%s's decoder read %q from a %s symbol", other, s.Text, kind)
			}
		}
	}
}

// TestShortest: Industrial and Matrix symbols need two digits, IATA ones,
// whose start is two narrow bars, three.
func TestShortest(t *testing.T) {
	for kind, decode := range decoders {
		for _, data := range []string{"1", "12"} {
			want := len(data) >= 2 && kind != "C25IATA"
			if _, ok := bars.Scan(barstest.Runs(t, 3, "-b", kind, "-d", data), decode); ok != want {
				t.Errorf("%s %q: read %v, want %v", kind, data, ok, want)
			}
		}
	}
}

func FuzzIndustrial(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) { barstest.Fuzz(t, IndustrialAt, b) })
}

func FuzzIATA(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) { barstest.Fuzz(t, IATAAt, b) })
}

func FuzzMatrix(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) { barstest.Fuzz(t, MatrixAt, b) })
}
