package dxfilmedge

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/testimage"
	"github.com/scannerd/scannerd/scanner/dxfilmedge/dxtest"
	"github.com/scannerd/scannerd/scanner/internal/hint"
	"github.com/scannerd/scannerd/scanner/internal/hybridtest"
)

// quarterTurns asks Read to read along the columns too.
var quarterTurns = map[gozxing.DecodeHintType]interface{}{hint.QuarterTurns: true}

// render draws the clock track above the data track, each three modules
// tall, centred in the scene.
func render(clockTrack, data []bool, sc testimage.Scene) *image.Gray {
	n := float64(len(clockTrack))
	sc.Light = 230
	return testimage.Render(sc, func(u, v float64) bool {
		col, row := u+n/2, v+3
		if col < 0 || row < 0 || col >= n || row >= 6 {
			return false
		}
		if row < 3 {
			return clockTrack[int(col)]
		}
		return data[int(col)]
	})
}

// grayImage is a gray image as the reader samples it: white outside.
type grayImage struct{ img *image.Gray }

func (g grayImage) At(x, y int) uint8 {
	if !(image.Point{x, y}.In(g.img.Rect)) {
		return 255
	}
	return g.img.GrayAt(x, y).Y
}

func read(t *testing.T, img *image.Gray) []Symbol {
	t.Helper()
	_, m := hybridtest.Matrix(t, img)
	return (&Reader{}).Read(m, grayImage{img}, quarterTurns)
}

// TestRoundTrip reads symbols of both lengths at each quarter turn,
// tilted a little, blurred and noisy, and places their corners: the clock
// track's outer edge at the start of the reading first.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	cases := []struct {
		dx1, dx2, frame int
		half, withFrame bool
		want            string
	}{
		{115, 10, 0, false, false, "115-10"},
		{1, 0, 0, false, false, "1-0"},
		{127, 15, 11, true, true, "127-15/11A"},
		{79, 7, 62, false, true, "79-7/62"},
	}
	scenes := []testimage.Scene{
		{Module: 4}, {Module: 3, Angle: 180}, {Module: 5, Angle: 2, Blur: true}, {Module: 4, Angle: 181, Noise: 20},
		{Module: 6, Angle: -2.5, Noise: 10, Blur: true}, {Module: 4, Angle: 90}, {Module: 3, Angle: 272, Blur: true},
	}
	for _, c := range cases {
		clk, data := dxtest.Tracks(c.dx1, c.dx2, c.frame, c.half, c.withFrame)
		for i, sc := range scenes {
			t.Run(fmt.Sprintf("%s/%d", c.want, i), func(t *testing.T) {
				side := int(float64(len(clk)+10) * sc.Module)
				sc.Width, sc.Height, sc.Seed = side, side, int64(i)
				got := read(t, render(clk, data, sc))
				if len(got) != 1 || got[0].Text != c.want {
					t.Fatalf("read %v, want %q", got, c.want)
				}
				// Where render puts the corners of the two tracks.
				a := sc.Angle * math.Pi / 180
				half := float64(len(clk)) / 2
				for k, uv := range [4][2]float64{{-half, -3}, {half, -3}, {half, 3}, {-half, 3}} {
					x := float64(side)/2 + sc.Module*(math.Cos(a)*uv[0]-math.Sin(a)*uv[1])
					y := float64(side)/2 + sc.Module*(math.Sin(a)*uv[0]+math.Cos(a)*uv[1])
					if p := got[0].Corners[k]; math.Hypot(p[0]-x, p[1]-y) > 1.5*sc.Module {
						t.Errorf("corner %d at (%.1f, %.1f), want (%.1f, %.1f)", k, p[0], p[1], x, y)
					}
				}
			})
		}
	}
}

// TestWipeClearsLines: after a Read of noise, or of stripes whose rows
// alone or columns alone have hundreds of runs, and then one of a symbol,
// whose lines have far fewer, Wipe leaves the run lengths and the data
// track's modules zero to their buffers' capacity.
func TestWipeClearsLines(t *testing.T) {
	const side = 400
	clk, data := dxtest.Tracks(127, 15, 11, true, true)
	sc := testimage.Scene{Module: 4}
	sc.Width = int(float64(len(clk)+10) * sc.Module)
	sc.Height = sc.Width
	symbol := render(clk, data, sc)
	rng := rand.New(rand.NewPCG(5, 8))
	dark := func() uint8 { return uint8(20 + 200*rng.IntN(2)) }
	for _, name := range []string{"noise", "stripes across the rows", "stripes across the columns"} {
		t.Run(name, func(t *testing.T) {
			first := image.NewGray(image.Rect(0, 0, side, side))
			var stripe [side]uint8
			for i := range stripe {
				stripe[i] = dark()
			}
			for i := range first.Pix {
				x, y := i%side, i/side
				switch name {
				case "noise":
					first.Pix[i] = dark()
				case "stripes across the rows":
					first.Pix[i] = stripe[x]
				default:
					first.Pix[i] = stripe[y]
				}
			}
			r := &Reader{}
			for _, c := range []struct {
				img  *image.Gray
				want string
			}{{first, ""}, {symbol, "127-15/11A"}} {
				_, m := hybridtest.Matrix(t, c.img)
				got := r.Read(m, grayImage{c.img}, quarterTurns)
				if c.want == "" && len(got) != 0 || c.want != "" && (len(got) != 1 || got[0].Text != c.want) {
					t.Fatalf("read %v, want %q", got, c.want)
				}
			}
			if cap(r.lengths) < side/4 || len(r.lengths) > side/8 || cap(r.bits) < len(clk) {
				t.Fatalf("lengths %d of %d, bits %d: the reads fill too little, or the last too much",
					len(r.lengths), cap(r.lengths), cap(r.bits))
			}
			r.Wipe()
			if slices.ContainsFunc(r.lengths[:cap(r.lengths)], func(v int) bool { return v != 0 }) {
				t.Error("the lines' run lengths are kept after Wipe")
			}
			if slices.Contains(r.bits[:cap(r.bits)], true) {
				t.Error("the data track's modules are kept after Wipe")
			}
		})
	}
}

// TestDecodeRejects: a data track with its parity, start, stop or a
// separator wrong reads as nothing.
func TestDecodeRejects(t *testing.T) {
	_, data := dxtest.Tracks(115, 10, 11, true, true)
	if text, ok := Decode(data); !ok || text != "115-10/11A" {
		t.Fatalf("the valid track reads %q %v", text, ok)
	}
	for _, i := range []int{0, 5, 8, 13, 25, 26, 28} {
		bad := append([]bool(nil), data...)
		bad[i] = !bad[i]
		if text, ok := Decode(bad); ok {
			t.Errorf("module %d flipped: read %q", i, text)
		}
	}
}

// FuzzDecode: any track decodes to text or nothing, never panics.
func FuzzDecode(f *testing.F) {
	_, data := dxtest.Tracks(115, 10, 11, true, true)
	seed := make([]byte, len(data))
	for i, b := range data {
		if b {
			seed[i] = 1
		}
	}
	f.Add(seed)
	f.Fuzz(func(t *testing.T, b []byte) {
		bits := make([]bool, len(b))
		for i, v := range b {
			bits[i] = v&1 == 1
		}
		if text, ok := Decode(bits); ok && len(text) > 12 {
			t.Fatalf("text %q too long", text)
		}
	})
}
