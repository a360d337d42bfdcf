package hanxin

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/zint"
)

var sweep = flag.Int("hanxin-sweep", 0, "read each zint symbol in this many random scenes (make bench runs a sweep)")

// sceneCases are symbols zint draws, read from images: ASCII, binary and
// Chinese text, small to large versions, every level.
var sceneCases = []struct {
	data        string
	vers, level int
	binary      bool
}{
	{data: "Hello, World!"},
	{data: "汉信码 Han Xin", vers: 3, level: 2},
	{data: "0123456789", vers: 10, level: 4},
	{data: "\x1b\x7f\x80\xff", binary: true, vers: 5, level: 3},
	{data: "汉字 GB 18030 丂丄 𠀀 text 12345", vers: 14, level: 1},
	{data: "The quick brown fox jumps over the lazy dog", vers: 24, level: 1},
}

// TestReadZintImages reads zint's symbols drawn at 2 to 4 pixels a
// module, at any turn, sharp or blurred by a third of a module: a fixed
// few scenes each (-hanxin-sweep=N reads N random ones and reports the
// rate).
func TestReadZintImages(t *testing.T) {
	zint.Need(t)
	t.Parallel()
	n := 3
	if *sweep > 0 {
		n = *sweep
	}
	r := NewReader()
	ok, all := 0, 0
	for i, c := range sceneCases {
		args := []string{"-b", "HANXIN", "-d", c.data}
		if c.vers > 0 {
			args = append(args, "--vers="+strconv.Itoa(c.vers), "--secure="+strconv.Itoa(c.level))
		}
		want := c.data
		if c.binary {
			args = append(args, "--binary")
			want = latin1([]byte(c.data))
		}
		ras := zint.Image(t, args...)
		rng := rand.New(rand.NewPCG(uint64(i), 20830))
		for k := range n {
			m := 2 + rng.Float64()*2
			sc := zint.Scene{Module: m, Angle: rng.Float64() * 360, Noise: 6, Seed: uint64(k)}
			if k%2 == 1 {
				sc.Blur = m / 3
			}
			img, _ := ras.Render(sc)
			bm, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(gozxing.NewLuminanceSourceFromImage(img)))
			if err != nil {
				t.Fatal(err)
			}
			res, err := r.DecodeMultiple(bm, nil)
			all++
			if len(res) == 1 && res[0].GetText() == want {
				ok++
				continue
			}
			msg := fmt.Sprintf("%q at %.1f px/%.0f°/blur %.2f: %v %v", c.data, sc.Module, sc.Angle, sc.Blur, res, err)
			if *sweep > 0 {
				t.Log(msg)
			} else {
				t.Error(msg)
			}
		}
	}
	t.Logf("read %d of %d (%.1f %%)", ok, all, 100*float64(ok)/float64(all))
	if float64(ok) < 0.99*float64(all) {
		t.Errorf("read %d of %d, want at least 99 %%", ok, all)
	}
}

// TestReadMirrored reads a symbol seen from behind (printed on film, or
// through a mirror): the odd finder then lies the other way round.
func TestReadMirrored(t *testing.T) {
	zint.Need(t)
	t.Parallel()
	ras := zint.Image(t, "-b", "HANXIN", "--vers=6", "-d", "汉信码 mirrored")
	g := ras.Gray
	w := g.Rect.Dx()
	for y := range g.Rect.Dy() {
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		for i, j := 0, w-1; i < j; i, j = i+1, j-1 {
			row[i], row[j] = row[j], row[i]
		}
	}
	r := NewReader()
	for _, angle := range []float64{0, 130} {
		img, _ := ras.Render(zint.Scene{Module: 3, Angle: angle, Noise: 6})
		bm, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(gozxing.NewLuminanceSourceFromImage(img)))
		if err != nil {
			t.Fatal(err)
		}
		res, err := r.DecodeMultiple(bm, nil)
		if len(res) != 1 || res[0].GetText() != "汉信码 mirrored" {
			t.Errorf("mirrored at %v°: %v %v", angle, res, err)
		}
	}
}
