package dotcode

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/zint"
)

// TestZintSweep decodes many generated symbols (random text, size, dot
// size, turn, blur and noise) and reports the share read; make bench runs
// it with DOTCODE_SWEEP set to the number of cases.
func TestZintSweep(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("DOTCODE_SWEEP"))
	if n == 0 {
		t.Skip("set DOTCODE_SWEEP=N to decode N generated symbols")
	}
	zint.Need(t)
	rng := rand.New(rand.NewPCG(14, 2026))
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 -./:"
	ok, wrong, hard := 0, 0, 0
	for i := 0; i < n; i++ {
		text := make([]byte, 1+rng.IntN(60))
		for k := range text {
			text[k] = alphabet[rng.IntN(len(alphabet))]
		}
		dotsize := []string{"0.4", "0.6", "0.8", "1"}[rng.IntN(4)]
		sc := zint.Scene{
			Module: 4 + rng.Float64()*5,
			Angle:  rng.Float64() * 360,
			Blur:   rng.Float64() * 1.2,
			Noise:  rng.IntN(10),
			Seed:   uint64(i),
		}
		img, _ := zint.ImageAt(t, 3, "-b", "DOTCODE", "--dotsize="+dotsize, "-d", string(text)).Render(sc)
		res, err := decodeGray(img, false)
		if err != nil {
			res, err = decodeGray(img, true)
			if err == nil {
				hard++
				t.Logf("only trying harder: dotsize %s %+v", dotsize, sc)
			}
		}
		switch {
		case err != nil:
			t.Logf("miss %q dotsize %s %+v: %v", text, dotsize, sc, err)
		case res.GetText() != string(text):
			wrong++
			t.Errorf("misread %q as %q (corrected %v, raw %d)", text, res.GetText(), res.GetResultMetadata()[gozxing.ResultMetadataType_OTHER], len(res.GetRawBytes()))
		default:
			ok++
		}
	}
	fmt.Printf("dotcode sweep: %d/%d read (%.1f %%; %d only trying harder), %d misread\n", ok, n, 100*float64(ok)/float64(n), hard, wrong)
}
