package dotcode

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/zint"
)

// TestCurvesSweep prints DotCode's read counts along one distortion at a
// time (contrast, blur, noise, module, dot size, turn), DOTCODE_CURVES
// symbols a level, each at a random turn but on the rotation axis: the
// robustness suite has no DotCode encoder, and a change to the search
// (a gate before it, a threshold) must keep every level at or above
// before. Each symbol is read as the scanner's passes read it: without
// TRY_HARDER, then with it only where the first search fitted a lattice
// (Promising).
func TestCurvesSweep(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("DOTCODE_CURVES"))
	if n == 0 {
		t.Skip("set DOTCODE_CURVES=N to read N generated symbols a level")
	}
	zint.Need(t)
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 -./:"
	axes := []struct {
		name   string
		levels []float64
		set    func(sc *zint.Scene, dotsize *string, v float64)
	}{
		{"contrast", []float64{175, 100, 60, 40, 25, 15}, func(sc *zint.Scene, _ *string, v float64) {
			sc.Dark, sc.Light = uint8(140-v/2), uint8(140+v/2)
		}},
		{"blur", []float64{0, 0.5, 1, 1.5, 2, 2.5}, func(sc *zint.Scene, _ *string, v float64) { sc.Blur = v }},
		{"noise", []float64{0, 8, 16, 24, 32, 48}, func(sc *zint.Scene, _ *string, v float64) { sc.Noise = int(v) }},
		{"module", []float64{9, 6, 5, 4, 3.5, 3, 2.5}, func(sc *zint.Scene, _ *string, v float64) { sc.Module = v }},
		{"dotsize", []float64{1, 0.8, 0.6, 0.4}, func(_ *zint.Scene, d *string, v float64) {
			*d = strconv.FormatFloat(v, 'f', -1, 64)
		}},
		{"rotation", []float64{0, 30, 45, 60, 90, 135, 200, 290}, func(sc *zint.Scene, _ *string, v float64) { sc.Angle = v }},
	}
	total, cases := 0, 0
	for _, a := range axes {
		var line strings.Builder
		fmt.Fprintf(&line, "%s:", a.name)
		for li, level := range a.levels {
			read := 0
			for i := range n {
				rng := rand.New(rand.NewPCG(uint64(li*1000+i), 7))
				text := make([]byte, 4+rng.IntN(40))
				for k := range text {
					text[k] = alphabet[rng.IntN(len(alphabet))]
				}
				dotsize := "0.8"
				sc := zint.Scene{Module: 5, Angle: rng.Float64() * 360, Seed: uint64(i)}
				a.set(&sc, &dotsize, level)
				img, _ := zint.ImageAt(t, 3, "-b", "DOTCODE", "--dotsize="+dotsize, "-d", string(text)).Render(sc)
				r := NewReader()
				src := gozxing.NewLuminanceSourceFromImage(img)
				rs, err := r.DecodeGray(src, nil, 1)
				if err != nil && r.Promising() {
					rs, err = r.DecodeGray(src, map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}, 1)
				}
				if err == nil && rs[0].GetText() == string(text) {
					read++
				}
			}
			total, cases = total+read, cases+n
			fmt.Fprintf(&line, " %g=%d", level, read)
		}
		fmt.Println(line.String())
	}
	fmt.Printf("dotcode curves: %d read of %d\n", total, cases)
}
