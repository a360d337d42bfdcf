package microqr

import (
	"fmt"
	"image"
	"math"
	"testing"

	"github.com/scannerd/scannerd/internal/testimage"
)

// renderTilted draws m with its plane turned tilt degrees about the
// symbol's horizontal axis, away from a camera three symbol widths off
// (so the far edge looks smaller as well as nearer the near one), at
// module pixels a module where the axis crosses, and the image then turned
// by angle degrees.
func renderTilted(m [][]bool, module, tilt, angle float64) *image.Gray {
	n := float64(len(m))
	sin, cos := math.Sincos(tilt * math.Pi / 180)
	dist := 3 * n // modules
	side := int((n+12)*module) + 8
	return testimage.Render(testimage.Scene{Module: module, Angle: angle, Width: side, Height: side, Noise: 3, Light: 230}, func(u, v float64) bool {
		// The plane point (x, y) that the camera sees at (u, v).
		den := cos - v*sin/dist
		if den <= 0 {
			return false
		}
		y := v / den
		x := u * (1 + y*sin/dist)
		col, row := x+n/2, y+n/2
		if col < 0 || row < 0 || col >= n || row >= n {
			return false
		}
		return m[int(row)][int(col)]
	})
}

// At a steep tilt the two axes shrink by different amounts and the far
// edge more than the near one: a grid extrapolated from the finder and
// the timing patterns misses the far corner by a module. These symbols,
// tilted 45° at three pixels a module, read only through the outline
// fitted to the far edges.
func TestReadsTiltedSymbols(t *testing.T) {
	cases := []struct {
		sym, mask int
		text      string
		angle     float64
	}{
		{4, 1, "AB-12", 0},         // M3-M
		{6, 0, "MICRO QR M4", 180}, // M4-M
		{6, 1, "12345", 180},       // M4-M, another mask
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("M%d%s/mask%d/%g", symbols[tc.sym].version, symbols[tc.sym].ecLevel, tc.mask, tc.angle), func(t *testing.T) {
			m, err := encodeSymbol([]segment{{modeAlphanumeric, tc.text}}, tc.sym, tc.mask)
			if err != nil {
				t.Fatal(err)
			}
			res, err := decodeImage(t, NewReader(), renderTilted(m, 3, 45, tc.angle), nil)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if res.GetText() != tc.text {
				t.Errorf("got %q, want %q", res.GetText(), tc.text)
			}
		})
	}
}
