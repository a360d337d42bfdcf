package twooffive

import (
	"math/rand/v2"
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

// TestStartSkip: a start is measured only where its neighbouring runs
// are the right way round for the pattern and the light run before it is
// a quiet zone for its narrow elements, which turns away most places on a
// line of random widths (a fifth of them or fewer remain, IATA's too,
// whose start orders no pair) and never a start that measures.
func TestStartSkip(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 5))
	runs := make([]int, 20000)
	for k := range runs {
		runs[k] = 1 + rng.IntN(12)
	}
	for name, v := range map[string]variant{"industrial": industrial, "matrix": matrix, "iata": iata} {
		measured, tried := 0, 0
		for i := 1; i+len(v.start) < len(runs); i += 2 {
			n, w, ok, m := v.startAt(runs, i)
			wn, ww, wok := measure(runs[i:i+len(v.start)], v.start)
			wok = wok && bars.Quiet(runs, i-1, 5*wn)
			if ok != wok || ok && (n != wn || w != ww) {
				t.Fatalf("%s at %d: %v %v %v, measured alone %v %v %v", name, i, n, w, ok, wn, ww, wok)
			}
			if m {
				measured++
			}
			tried++
		}
		t.Logf("%s: %d of %d starts measured", name, measured, tried)
		if 5*measured > tried {
			t.Errorf("%s: %d of %d starts measured, want at most a fifth", name, measured, tried)
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

// TestGatesAreExact: the tests each reader makes before its call turn
// away only places where its start does not measure (IATA's test is its
// whole start, with the widths startAt measures), so each reads what its
// variant's decodeAt reads, at every
// place of random lines with widths of one to a few pixels (where equal
// widths and quiet zones just wide enough are common) and of zint's
// symbols.
func TestGatesAreExact(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(9, 4))
	lines := [][]int{}
	for n := range 60 {
		runs := make([]int, 1+rng.IntN(300))
		for k := range runs {
			runs[k] = 1 + rng.IntN(2+n%6)
		}
		lines = append(lines, runs)
	}
	for kind := range decoders {
		lines = append(lines, barstest.Runs(t, 3, "-b", kind, "-d", "0123456789"))
	}
	// Starts whose wide elements lie about the least and the most
	// measure takes, 1.8 and 6 narrow ones, after light runs about five
	// narrow ones wide.
	for range 5000 {
		n := 8 + rng.IntN(40)
		runs := []int{0, n * (40 + rng.IntN(21)) / 10}
		for _, p := range [6]int{2, 1, 1 + rng.IntN(2), 1, 1, 1} {
			w := n + rng.IntN(3)
			if p == 2 {
				ratio := 1.7 + 0.35*rng.Float64()
				if rng.IntN(2) == 0 {
					ratio = 5.8 + 0.5*rng.Float64()
				}
				w = int(ratio * float64(n))
			}
			runs = append(runs, w)
		}
		lines = append(lines, append(runs, n, n))
	}
	// IATA symbols of three to five digits whose wide bars lie about the
	// narrowest digit takes, and whose runs stray by up to a fifth of a
	// narrow one.
	for range 500 {
		n := 10 + rng.IntN(30)
		ratio := 1.5 + 2.5*rng.Float64()
		el := func(wide bool) int {
			w := float64(n)
			if wide {
				w *= ratio
			}
			return int(w) + rng.IntN(1+n/5) - n/10
		}
		runs := []int{0, 6 * n}
		for range 4 {
			runs = append(runs, el(false))
		}
		for range 3 + rng.IntN(3) {
			d := rng.IntN(10)
			var p byte
			for b, v := range digits {
				if int(v) == d+1 {
					p = byte(b)
				}
			}
			for k := 4; k >= 0; k-- {
				runs = append(runs, el(p>>k&1 == 1), el(false))
			}
		}
		runs = append(runs, el(true), el(false), el(false), 6*n)
		lines = append(lines, runs)
	}
	gates := map[string]struct {
		v    *variant
		gate func(runs []int, i int) bool
		at   bars.Decoder
	}{
		"industrial": {&industrial, func(runs []int, i int) bool { return IndustrialMayStartAt(runs, i) && industrialWidths(runs, i) }, IndustrialAt},
		"matrix":     {&matrix, func(runs []int, i int) bool { return MatrixMayStartAt(runs, i) && matrixWidths(runs, i) }, MatrixAt},
		"iata": {&iata, func(runs []int, i int) bool {
			n, w, ok := iataStart(runs, i)
			if mn, mw, mok, _ := iata.startAt(runs, i); ok && (n != mn || w != mw) {
				t.Fatalf("IATA at %d: start of %v and %v, startAt measures %v %v %v", i, n, w, mn, mw, mok)
			}
			return ok
		}, IATAAt},
	}
	for name, c := range gates {
		starts := 0
		for n, runs := range lines {
			for i := 0; i < len(runs); i++ {
				_, _, ok, _ := c.v.startAt(runs, i)
				if g := c.gate(runs, i); ok && !g || c.v == &iata && g != ok {
					t.Fatalf("%s, line %d at %d: gate %v, start measures %v", name, n, i, g, ok)
				}
				if ok {
					starts++
				}
				ws, wok := c.v.decodeAt(runs, i)
				gs, gok := c.at(runs, i)
				if gok != wok || gs != ws {
					t.Fatalf("%s, line %d at %d: %+v %v, decodeAt %+v %v", name, n, i, gs, gok, ws, wok)
				}
			}
		}
		if starts == 0 {
			t.Errorf("%s: no start measured on the lines", name)
		}
	}
}
