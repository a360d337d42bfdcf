package dxfilmedge

import (
	"fmt"
	"image"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/testimage"
	"github.com/scannerd/scannerd/scanner/dxfilmedge/dxtest"
)

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

func read(t *testing.T, img image.Image) []Symbol {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(gozxing.NewLuminanceSourceFromImage(img)))
	if err != nil {
		t.Fatal(err)
	}
	m, err := bmp.GetBlackMatrix()
	if err != nil {
		t.Fatal(err)
	}
	return (&Reader{}).Read(m)
}

// TestRoundTrip reads symbols of both lengths, upright and turned half
// round, tilted a little, blurred and noisy.
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
		{Module: 6, Angle: -2.5, Noise: 10, Blur: true},
	}
	for _, c := range cases {
		clk, data := dxtest.Tracks(c.dx1, c.dx2, c.frame, c.half, c.withFrame)
		for i, sc := range scenes {
			t.Run(fmt.Sprintf("%s/%d", c.want, i), func(t *testing.T) {
				sc.Width, sc.Height, sc.Seed = int(float64(len(clk)+10)*sc.Module), int(20*sc.Module), int64(i)
				got := read(t, render(clk, data, sc))
				if len(got) != 1 || got[0].Text != c.want {
					t.Fatalf("read %v, want %q", got, c.want)
				}
			})
		}
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
