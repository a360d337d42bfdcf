package scanner_test

import (
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/internal/symboltest"
	"github.com/scannerd/scannerd/scanner"
)

type placed struct {
	sym    scanner.Symbology
	text   string
	cx, cy float64
}

func scene(t testing.TB, w, h int, items []placed) *scanner.Frame {
	t.Helper()
	c := symbols.NewCanvas(w, h, 200)
	for _, it := range items {
		s, err := symboltest.Encode(it.sym, it.text)
		if err != nil {
			t.Fatal(err)
		}
		c.Draw(s, symbols.Placement{CX: it.cx, CY: it.cy, Module: 3, Dark: 25, Light: 240})
	}
	c.Noise(rand.New(rand.NewPCG(3, 4)), 6)
	return c.Frame(scanner.NewPlanePool(0))
}

// TestMultiSymbolFrame: every code in a busy frame is found once, Data
// Matrix codes far from the centre included.
func TestMultiSymbolFrame(t *testing.T) {
	items := []placed{
		{scanner.QRCode, "QR top left", 150, 130},
		{scanner.QRCode, "QR bottom right", 1100, 600},
		{scanner.DataMatrix, "DM-TOP-RIGHT", 1120, 110},
		{scanner.DataMatrix, "DM-BOTTOM-LEFT", 140, 610},
		{scanner.Code128, "C128-MIDDLE", 640, 360},
		{scanner.EAN13, "5901234123457", 640, 620},
		{scanner.Code39, "LEFT39", 400, 130},
	}
	f := scene(t, 1280, 720, items)
	res, _ := scanner.NewDecoder().Decode(f, scanner.Options{})
	var got, want []string
	for _, r := range res {
		got = append(got, r.Symbology.String()+" "+r.Text)
	}
	for _, it := range items {
		want = append(want, it.sym.String()+" "+it.text)
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("found:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestExpectedCountStopsEarly: with ExpectedCount set the search ends once
// that many are found.
func TestExpectedCountStopsEarly(t *testing.T) {
	f := scene(t, 1280, 720, []placed{
		{scanner.QRCode, "one", 300, 360},
		{scanner.QRCode, "two", 900, 360},
	})
	res, _ := scanner.NewDecoder().Decode(f, scanner.Options{ExpectedCount: 1})
	if len(res) != 1 {
		t.Errorf("ExpectedCount 1: %d results", len(res))
	}
	res, _ = scanner.NewDecoder().Decode(f, scanner.Options{})
	if len(res) != 2 {
		t.Errorf("all: %d results", len(res))
	}
}

func TestStrategies(t *testing.T) {
	// Light on dark: only with TryInverted.
	s, _ := symbols.Encode(scanner.QRCode, "inverted")
	c := symbols.NewCanvas(640, 480, 30)
	c.Draw(s, symbols.Placement{CX: 320, CY: 240, Module: 4, Dark: 230, Light: 30})
	f := c.Frame(scanner.NewPlanePool(0))
	if res, _ := scanner.NewDecoder().Decode(f, scanner.Options{}); len(res) != 0 {
		t.Errorf("an inverted code read without TryInverted: %v", res)
	}
	res, passes := scanner.NewDecoder().Decode(f, scanner.Options{TryInverted: true})
	if len(res) != 1 || res[0].Text != "inverted" || res[0].Strategy != "inverted" {
		t.Errorf("TryInverted: %+v", res)
	}
	if len(passes) != 2 || passes[1].Name != "inverted" || passes[1].Found != 1 {
		t.Errorf("passes %+v", passes)
	}

	// A vertical 1D code: only with TryRotated.
	f, _ = render(t, scanner.Code128, "VERTICAL", 90, 3, 4)
	if res, _ := scanner.NewDecoder().Decode(f, scanner.Options{}); len(res) != 0 {
		t.Errorf("a vertical code read without TryRotated: %v", res)
	}
	if res, _ := scanner.NewDecoder().Decode(f, scanner.Options{TryRotated: true}); len(res) != 1 || res[0].Strategy != "rotated" {
		t.Errorf("TryRotated: %+v", res)
	}

	// Symbologies and regions restrict the search.
	f = scene(t, 1280, 720, []placed{{scanner.QRCode, "left", 300, 360}, {scanner.Code128, "RIGHT", 900, 360}})
	res, _ = scanner.NewDecoder().Decode(f, scanner.Options{Symbologies: scanner.NewSymbologySet(scanner.Code128)})
	if len(res) != 1 || res[0].Text != "RIGHT" {
		t.Errorf("Code 128 only: %+v", res)
	}
	opts := scanner.Options{}
	opts.Region.Min.X, opts.Region.Min.Y, opts.Region.Max.X, opts.Region.Max.Y = 0, 0, 640, 720
	res, _ = scanner.NewDecoder().Decode(f, opts)
	if len(res) != 1 || res[0].Text != "left" || res[0].Points[0].X < 150 {
		t.Errorf("left half: %+v", res)
	}
}

// TestSymbolsBesideTheFirstFound: once a pass has read a symbol and
// painted it out, its other readers search only the busy regions left;
// the symbols there are still read, with their corners in frame
// coordinates.
func TestSymbolsBesideTheFirstFound(t *testing.T) {
	items := []placed{
		{scanner.Code128, "LABEL-0042", 480, 200},
		{scanner.DataMatrix, "LOT 7", 130, 400},
		{scanner.Aztec, "AZ 9", 820, 410},
	}
	f := scene(t, 960, 540, items)
	res, _ := scanner.NewDecoder().Decode(f, scanner.Options{TryHarder: true})
	for _, it := range items {
		found := false
		for _, r := range res {
			c := r.Center()
			if r.Symbology == it.sym && r.Text == it.text && abs(c.X-it.cx) < 12 && abs(c.Y-it.cy) < 12 {
				found = true
			}
		}
		if !found {
			t.Errorf("%v %q at (%.0f, %.0f) not read where it is: %+v", it.sym, it.text, it.cx, it.cy, res)
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
