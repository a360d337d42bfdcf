package rmqr

import (
	"fmt"
	"image"
	"math"
	"strconv"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/zintdump"
)

// zintSymbol returns the modules of a symbol zint made for data at the
// given version (1..32) and level ("2" for M, "4" for H).
func zintSymbol(t *testing.T, vers int, secure, data string) [][]bool {
	t.Helper()
	args := []string{"-b", "RMQR", "--dump", "--vers=" + strconv.Itoa(vers), "--secure=" + secure, "-d", data}
	return gridRows(gridFromDump(t, zintdump.Dump(t, args)))
}

// gridRows returns a grid's rows of modules.
func gridRows(g *moduleGrid) [][]bool {
	m := make([][]bool, g.height)
	for r := range m {
		m[r] = g.dark[r][:g.width]
	}
	return m
}

func decodeImage(t testing.TB, r *Reader, img image.Image, hints map[gozxing.DecodeHintType]interface{}) (*gozxing.Result, error) {
	t.Helper()
	src := gozxing.NewLuminanceSourceFromImage(img)
	bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(src))
	if err != nil {
		t.Fatal(err)
	}
	return r.Decode(bmp, hints)
}

// roundTripSymbols are zint symbols of several heights and widths.
var roundTripSymbols = []struct {
	vers   int
	secure string
	data   string
}{
	{1, "2", "123456"},                                     // R7x43
	{7, "4", "HELLO 1234"},                                 // R9x59
	{11, "2", "AB12"},                                      // R11x27
	{20, "2", "rMQR 2022 at 13 rows"},                      // R13x77
	{26, "4", "Zürich 8001, fifteen rows"},                 // R15x99
	{32, "2", "https://example.com/r17x139?id=0123456789"}, // R17x139
}

// TestRoundTrip decodes rendered zint symbols at several sizes, rotations,
// blurs, noise, shear and perspective.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	scenes := []scene{
		{Module: 5, Angle: 0},
		{Module: 4, Angle: 90, Blur: true},
		{Module: 5, Angle: 180, Noise: 20},
		{Module: 6, Angle: 270, Blur: true},
		{Module: 5, Angle: 17, Shear: 0.06},
		{Module: 3.5, Angle: -33, Noise: 15, Blur: true},
		{Module: 6, Angle: 135, Tilt: 0.002},
	}
	r := NewReader()
	for _, s := range roundTripSymbols {
		m := zintSymbol(t, s.vers, s.secure, s.data)
		v := versions[s.vers-1]
		for i, sc := range scenes {
			t.Run(fmt.Sprintf("%s/scene%d", v.name(), i), func(t *testing.T) {
				a := sc.Angle * math.Pi / 180
				w, h := float64(v.width+8)*sc.Module, float64(v.height+8)*sc.Module
				sc.Width = int(math.Abs(w*math.Cos(a))+math.Abs(h*math.Sin(a))) + 8
				sc.Height = int(math.Abs(w*math.Sin(a))+math.Abs(h*math.Cos(a))) + 8
				sc.Seed = int64(s.vers*10 + i)
				res, err := decodeImage(t, r, render(m, sc), nil)
				if err != nil {
					t.Fatalf("decode: %v", err)
				}
				if res.GetText() != s.data {
					t.Errorf("got %q, want %q", res.GetText(), s.data)
				}
				if got := res.GetResultMetadata()[gozxing.ResultMetadataType_OTHER].(Info).Version; got != v.name() {
					t.Errorf("version %s, want %s", got, v.name())
				}
			})
		}
	}
}
