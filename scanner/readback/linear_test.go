package readback_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/scanner"
	"github.com/scannerd/scannerd/scanner/linear"
)

// linearCases are symbols written by gozxing's encoders, and what the reader
// reports for them.
var linearCases = []struct {
	sym    scanner.Symbology
	text   string
	format linear.Format
	want   string
}{
	{scanner.Code128, "Code128/scannerd", linear.Code128, "Code128/scannerd"},
	{scanner.Code128, "0123456789012345", linear.Code128, "0123456789012345"},
	{scanner.Code128, "AB12\x01cd", linear.Code128, "AB12\x01cd"},
	{scanner.Code39, "SCANNERD-39", linear.Code39, "SCANNERD-39"},
	{scanner.Code39, "$5.00 /%+", linear.Code39, "$5.00 /%+"},
	{scanner.Code93, "CODE93 TEST", linear.Code93, "CODE93 TEST"},
	{scanner.Code93, "lower case!", linear.Code93, "lower case!"},
	{scanner.Codabar, "A40156B", linear.Codabar, "40156"},
	{scanner.Codabar, "C12:34.5/6+7-8$D", linear.Codabar, "12:34.5/6+7-8$"},
	{scanner.ITF, "30712345000010", linear.ITF, "30712345000010"},
	{scanner.ITF, "123456", linear.ITF, "123456"},
	{scanner.EAN13, "5901234123457", linear.EAN13, "5901234123457"},
	{scanner.EAN13, "9780735200449", linear.EAN13, "9780735200449"},
	{scanner.EAN8, "96385074", linear.EAN8, "96385074"},
	{scanner.UPCA, "036000291452", linear.EAN13, "0036000291452"},
	{scanner.UPCE, "01234565", linear.UPCE, "01234565"},
	{scanner.UPCE, "04965802", linear.UPCE, "04965802"},
}

// subpixel is the unit of the widths line gives: a sixteenth of a pixel.
const subpixel = 16

// line renders the middle row of s as a scanner sees it: each pixel the
// share of it that dark modules cover, blurred with a Gaussian of sigma
// pixels, plus noise; and it returns the widths of the runs on either side
// of threshold (0.5 halfway, less where bars come out wider), light
// first, in sixteenths of a pixel, each edge placed where the samples
// interpolated linearly cross the threshold. Ten modules of quiet zone
// lie on either side.
func line(s *symbols.Symbol, module, sigma, threshold, noise float64, rng *rand.Rand) []int {
	const quiet = 10
	n := int(math.Ceil(float64(s.Width+2*quiet) * module))
	cover := make([]float64, n)
	for x := range cover {
		// 8 samples per pixel.
		for k := 0; k < 8; k++ {
			u := (float64(x)+(float64(k)+0.5)/8)/module - quiet
			if s.Dark(int(math.Floor(u)), s.Height/2) {
				cover[x] += 1.0 / 8
			}
		}
	}
	if sigma > 0 {
		r := int(math.Ceil(3 * sigma))
		blurred := make([]float64, n)
		for x := range blurred {
			var sum, wsum float64
			for d := -r; d <= r; d++ {
				w := math.Exp(-float64(d*d) / (2 * sigma * sigma))
				if x+d >= 0 && x+d < n {
					sum += w * cover[x+d]
				}
				wsum += w
			}
			blurred[x] = sum / wsum
		}
		cover = blurred
	}
	if rng != nil {
		for x := range cover {
			cover[x] += noise * (rng.Float64()*2 - 1)
		}
	}
	var runs []int
	last := 0 // position of the last edge, in sixteenths
	for x := 1; x < n; x++ {
		a, b := cover[x-1], cover[x]
		if (a > threshold) == (b > threshold) {
			continue
		}
		pos := int(math.Round((float64(x-1) + 0.5 + (threshold-a)/(b-a)) * subpixel))
		runs = append(runs, pos-last)
		last = pos
	}
	return append(runs, n*subpixel-last)
}

// reversed returns runs read right to left, light first.
func reversed(runs []int) []int {
	out := slices.Clone(runs)
	slices.Reverse(out)
	if len(runs)%2 == 0 { // it ended dark: now it starts dark
		out = append([]int{0}, out...)
	}
	return out
}

// inverted returns runs with light and dark swapped.
func inverted(runs []int) []int { return append([]int{0}, runs...) }

func readOne(t *testing.T, runs []int, formats linear.Formats) []linear.Symbol {
	t.Helper()
	var r linear.Reader
	return r.Read(runs, formats, nil)
}

// readBothWays reads runs left to right and right to left, as a scanner
// reads every line: a symbol upside down reads the second way.
func readBothWays(t *testing.T, runs []int, formats linear.Formats) []linear.Symbol {
	t.Helper()
	var r linear.Reader
	return r.Read(reversed(runs), formats, r.Read(runs, formats, nil))
}

func TestLinearReadsEveryFormatAtEverySizeAndBlur(t *testing.T) {
	for _, c := range linearCases {
		s, err := symbols.Encode(c.sym, c.text)
		if err != nil {
			t.Fatal(err)
		}
		for _, module := range []float64{1.5, 2, 2.6, 3.3, 5} {
			for _, blur := range []float64{0, 0.3, 0.5} {
				for _, threshold := range []float64{0.5, 0.35, 0.65} {
					if threshold != 0.5 && blur > 0.3 || module < 2 && (blur > 0.3 || threshold != 0.5) {
						continue // no room for blur and a threshold off centre both
					}
					name := fmt.Sprintf("%v/%q/module %.1f/blur %.1f/threshold %.2f", c.format, c.text, module, blur, threshold)
					runs := line(s, module, blur*module, threshold, 0, nil)
					for _, view := range []struct {
						name string
						runs []int
					}{{"", runs}, {"reversed", reversed(runs)}} {
						got := readBothWays(t, view.runs, linear.AllFormats)
						if len(got) != 1 || got[0].Format != c.format || got[0].Text != c.want {
							t.Errorf("%s %s: read %+v, want %v %q", name, view.name, got, c.format, c.want)
						}
					}
				}
			}
		}
	}
}

// A symbol's position is given by its first and last bar, and light bars
// on dark read like dark on light once a light run of width 0 goes first.
func TestLinearSymbolBoundsAndInversion(t *testing.T) {
	s, _ := symbols.Encode(scanner.Code128, "BOUNDS")
	runs := line(s, 3, 0, 0.5, 0, nil)
	got := readOne(t, runs, linear.AllFormats)
	if len(got) != 1 || got[0].First != 1 || got[0].Last != len(runs)-2 {
		t.Fatalf("read %+v from %d runs: want the bars from 1 to %d", got, len(runs), len(runs)-2)
	}
	// The same line with light bars on dark: its runs, light first,
	// start with a light run of width 0. Read as it is, it holds no
	// symbol; inverted back, it does.
	lightOnDark := inverted(runs)
	if got := readOne(t, lightOnDark, linear.AllFormats); len(got) != 0 {
		t.Errorf("light on dark read as dark on light: %+v", got)
	}
	if got := readOne(t, inverted(lightOnDark), linear.AllFormats); len(got) != 1 || got[0].Text != "BOUNDS" {
		t.Errorf("inverted: read %+v", got)
	}
}

// Lines of texture — runs of random widths, some of them wide like quiet
// zones — hold no symbol, and the reader finds none (but of the formats
// that texture imitates, which the engine reads only when several rows
// agree).
func TestLinearNoSymbolsInTexture(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 13))
	var r linear.Reader
	var out []linear.Symbol
	for i := 0; i < 20000; i++ {
		runs := make([]int, 200+rng.IntN(200))
		for j := range runs {
			runs[j] = 1 + rng.IntN(1+rng.IntN(8))
			if rng.IntN(30) == 0 {
				runs[j] = 10 + rng.IntN(40)
			}
		}
		out = r.Read(runs, linear.AllFormats&^linear.TextureProne, out[:0])
		for _, s := range out {
			t.Errorf("line %d: read %v %q in texture", i, s.Format, s.Text)
		}
	}
}

// A line holding a symbol costs no allocation but the symbol's text; one
// holding none costs nothing.
func TestLinearReadAllocations(t *testing.T) {
	s, _ := symbols.Encode(scanner.Code128, "ALLOC")
	runs := line(s, 2, 0, 0.5, 0, nil)
	var r linear.Reader
	out := make([]linear.Symbol, 0, 4)
	if n := testing.AllocsPerRun(100, func() { out = r.Read(runs, linear.AllFormats, out[:0]) }); n > 1 {
		t.Errorf("%v allocations per line with a symbol, want at most 1 (its text)", n)
	}
	texture := make([]int, 400)
	for i := range texture {
		texture[i] = 1 + i%5
	}
	if n := testing.AllocsPerRun(100, func() { out = r.Read(texture, linear.AllFormats, out[:0]) }); n != 0 {
		t.Errorf("%v allocations per line without a symbol, want 0", n)
	}
}

func BenchmarkLinearReadTexture(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	runs := make([]int, 640)
	for j := range runs {
		runs[j] = 1 + rng.IntN(6)
	}
	var r linear.Reader
	var out []linear.Symbol
	b.ReportAllocs()
	for b.Loop() {
		out = r.Read(runs, linear.AllFormats, out[:0])
	}
}

// FuzzLinearRead reads arbitrary lines, a byte a run: whatever the widths, the
// reader returns symbols within the line and of the formats asked for.
func FuzzLinearRead(f *testing.F) {
	for _, c := range linearCases {
		s, err := symbols.Encode(c.sym, c.text)
		if err != nil {
			f.Fatal(err)
		}
		runs := line(s, 2, 0, 0.5, 0, nil)
		seed := make([]byte, len(runs))
		for i, r := range runs {
			seed[i] = byte(min(255, r/subpixel*4))
		}
		f.Add(seed, uint16(linear.AllFormats&0xffff))
	}
	f.Fuzz(func(t *testing.T, data []byte, formats uint16) {
		runs := make([]int, len(data))
		for i, b := range data {
			runs[i] = int(b)
		}
		var r linear.Reader
		for _, s := range r.Read(runs, linear.Formats(formats), nil) {
			if s.First < 1 || s.First%2 != 1 || s.Last < s.First || s.Last >= len(runs) || !linear.Formats(formats).Has(s.Format) || s.Text == "" {
				t.Errorf("symbol %+v in a line of %d runs (formats %b)", s, len(runs), formats)
			}
		}
	})
}
