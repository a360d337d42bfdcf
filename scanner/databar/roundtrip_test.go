package databar

import (
	"fmt"
	"image"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/sweep"
)

// withCheck completes a 13-digit GTIN body with its check digit.
func withCheck(body string) string {
	return body + string(gtinCheckDigit([]byte(body)))
}

// roundTripTexts cover every encodation method and the three
// general-purpose modes.
var roundTripTexts = []struct{ name, hri string }{
	{"3103", "(01)90012345678908(3103)001750"},
	{"3202", "(01)90012345678908(3202)001750"},
	{"3203", "(01)90012345678908(3203)012345"},
	{"310x date 11", "(01)90012345678908(3102)001750(11)100312"},
	{"320x date 17", "(01)90012345678908(3203)099999(17)991231"},
	{"310x no date", "(01)90012345678908(3105)012345"},
	{"392x", "(01)90012345678908(3922)795"},
	{"393x more AIs", "(01)90012345678908(3932)978123456(10)ABC(21)x1"},
	{"01 alone", "(01)" + withCheck("0001234567890")},
	{"01 and lot", "(01)" + withCheck("0001234567890") + "(10)ABC123"},
	{"general numeric", "(11)100224(17)110224(3102)000100"},
	{"general alpha", "(10)12A"},
	{"general iso646", "(420)azaaaaa\"agaa&a3"},
	{"parentheses in data", "(8110))2345672(1*813"},
	{"fnc1 after alpha", "(10)123456A1234A(15)991231"},
	{"long", "(01)98898765432106(15)991231(3103)001750(10)12A(422)123(21)123456(423)012345678901"},
	{"21 data characters", "(01)98898765432106(3103)001750(15)991231(11)991231(17)991231(13)991231(12)991231(422)123"},
}

func TestBitsRoundTrip(t *testing.T) {
	for _, tc := range roundTripTexts {
		t.Run(tc.name, func(t *testing.T) {
			data, err := expandedChars(tc.hri, 0)
			if err != nil {
				t.Fatal(err)
			}
			got, _, err := symbolText(data)
			if err != nil {
				t.Fatalf("decode %v: %v", data, err)
			}
			if got != tc.hri {
				t.Errorf("got %q, want %q", got, tc.hri)
			}
		})
	}
}

// randomHRI builds a random element string from common AIs.
func randomHRI(rng *rand.Rand) string {
	digits := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + rng.IntN(10))
		}
		return string(b)
	}
	const iso = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!\"%&'()*+,-./:;<=>?_ "
	text := func(n int, set string) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = set[rng.IntN(len(set))]
		}
		return string(b)
	}
	var s strings.Builder
	if rng.IntN(2) == 0 {
		ind := "9"
		if rng.IntN(2) == 0 {
			ind = digits(1)
		}
		s.WriteString("(01)" + withCheck(ind+digits(12)))
		switch rng.IntN(5) {
		case 0:
			s.WriteString("(3103)" + fmt.Sprintf("%06d", rng.IntN(32768)))
			return s.String()
		case 1:
			s.WriteString(fmt.Sprintf("(320%d)%06d", 2+rng.IntN(2), rng.IntN(10000)))
			return s.String()
		case 2:
			s.WriteString(fmt.Sprintf("(3%d0%d)%06d", 1+rng.IntN(2), rng.IntN(10), rng.IntN(100000)))
			if rng.IntN(2) == 0 {
				s.WriteString(fmt.Sprintf("(1%d)%02d%02d%02d", []int{1, 3, 5, 7}[rng.IntN(4)], rng.IntN(100), 1+rng.IntN(12), rng.IntN(32)))
			}
			return s.String()
		case 3:
			s.WriteString(fmt.Sprintf("(392%d)%s", rng.IntN(4), digits(1+rng.IntN(10))))
		}
	}
	for n := rng.IntN(3); n >= 0; n-- {
		switch rng.IntN(5) {
		case 0:
			s.WriteString("(10)" + text(1+rng.IntN(8), "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*,-./"))
		case 1:
			s.WriteString("(21)" + text(1+rng.IntN(8), iso))
		case 2:
			s.WriteString("(17)" + digits(6))
		case 3:
			s.WriteString("(422)" + digits(3))
		case 4:
			s.WriteString("(30)" + digits(1+rng.IntN(8)))
		}
	}
	return s.String()
}

func TestBitsRoundTripRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	tested := 0
	for i := 0; i < 3000; i++ {
		hri := randomHRI(rng)
		data, err := expandedChars(hri, 0)
		if err != nil {
			continue // too long for one symbol
		}
		tested++
		got, _, err := symbolText(data)
		if err != nil || got != hri {
			t.Fatalf("%q: got %q, %v", hri, got, err)
		}
	}
	if tested < 2000 {
		t.Fatalf("only %d of 3000 random texts fit a symbol", tested)
	}
}

// symbolImage encodes hri and renders it.
func symbolImage(t testing.TB, hri string, pairsPerRow int, module float64) *image.Gray {
	t.Helper()
	rowChars := 0
	if pairsPerRow > 0 {
		rowChars = 2 * pairsPerRow
	}
	data, err := expandedChars(hri, rowChars)
	if err != nil {
		t.Fatal(err)
	}
	values, err := symbolValues(data)
	if err != nil {
		t.Fatal(err)
	}
	return renderSymbol(layoutModules(values, pairsPerRow), module, 34, 6)
}

func decodeGray(t testing.TB, img image.Image, hints map[gozxing.DecodeHintType]interface{}) (*gozxing.Result, error) {
	t.Helper()
	return decodeLikeEngine(t, NewReader(), img, hints)
}

func TestRoundTripImages(t *testing.T) {
	for _, tc := range roundTripTexts {
		for _, perRow := range []int{0, 1, 2, 3, 4} {
			t.Run(fmt.Sprintf("%s/pairs-per-row-%d", tc.name, perRow), func(t *testing.T) {
				res, err := decodeGray(t, symbolImage(t, tc.hri, perRow, 2), nil)
				if err != nil {
					t.Fatalf("no read: %v", err)
				}
				if res.GetText() != tc.hri {
					t.Errorf("got %q, want %q", res.GetText(), tc.hri)
				}
				if id := res.GetResultMetadata()[gozxing.ResultMetadataType_SYMBOLOGY_IDENTIFIER]; id != "]e0" {
					t.Errorf("symbology identifier %v, want ]e0", id)
				}
				if f := res.GetBarcodeFormat(); f != gozxing.BarcodeFormat_RSS_EXPANDED {
					t.Errorf("format %v", f)
				}
			})
		}
	}
}

// TestDistortedImagesSweep reads symbols of one, two and three pairs a
// row at three module sizes, turned, skewed, noisy, faint, blurred and
// small in a large frame.
func TestDistortedImagesSweep(t *testing.T) {
	cases := sweep.New(t)
	const hri = "(01)98898765432106(3202)012345(15)991231"
	type distortion struct {
		name      string
		fn        func(*image.Gray) *image.Gray
		minModule float64 // smallest module size the distortion leaves readable
	}
	distortions := []distortion{
		{"plain", func(g *image.Gray) *image.Gray { return g }, 0},
		{"rotated 90", func(g *image.Gray) *image.Gray { return rotateQuarter(g, 1) }, 0},
		{"rotated 180", func(g *image.Gray) *image.Gray { return rotateQuarter(g, 2) }, 0},
		{"rotated 270", func(g *image.Gray) *image.Gray { return rotateQuarter(g, 3) }, 0},
		{"skew +3", func(g *image.Gray) *image.Gray { return rotateSmall(g, 3) }, 0},
		{"skew -2", func(g *image.Gray) *image.Gray { return rotateSmall(g, -2) }, 0},
		{"noise", func(g *image.Gray) *image.Gray { return addNoise(g, 18, 40, 220, 7) }, 0},
		{"low contrast", func(g *image.Gray) *image.Gray { return addNoise(g, 4, 90, 170, 8) }, 0},
		// A 3-pixel box blur wipes out narrow elements of 1.5-pixel modules.
		{"blur", func(g *image.Gray) *image.Gray { return blur(g, 1) }, 2},
		{"in a large frame", func(g *image.Gray) *image.Gray { return placeOn(g, 1280, 720, 500, 300, 200) }, 0},
	}
	for _, perRow := range []int{0, 2, 3} {
		for _, module := range []float64{1.5, 2, 3.3} {
			for _, d := range distortions {
				if module < d.minModule || !cases.Next() {
					continue
				}
				name := fmt.Sprintf("pairs-per-row-%d/module-%.1f/%s", perRow, module, d.name)
				t.Run(name, func(t *testing.T) {
					img := d.fn(symbolImage(t, hri, perRow, module))
					res, err := decodeGray(t, img, nil)
					if err != nil {
						t.Fatalf("no read: %v", err)
					}
					if res.GetText() != hri {
						t.Errorf("got %q, want %q", res.GetText(), hri)
					}
				})
			}
		}
	}
}
