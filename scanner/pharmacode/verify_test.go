package pharmacode

import (
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// standing draws three narrow bars (3 px, spaces 6 px) of the given height
// with a dark line a few pixels below them when underline is set.
func standing(height int, underline bool) *gozxing.BitMatrix {
	m, _ := gozxing.NewBitMatrix(100, 200)
	for k := 0; k < 3; k++ {
		x := 40 + 9*k
		for y := 50; y < 50+height; y++ {
			for dx := 0; dx < 3; dx++ {
				m.Set(x+dx, y)
			}
		}
	}
	if underline {
		for x := 10; x < 90; x++ {
			m.Set(x, 52+height)
		}
	}
	return m
}

func TestVerify(t *testing.T) {
	for _, tc := range []struct {
		name   string
		m      *gozxing.BitMatrix
		accept bool
	}{
		{"tall bars", standing(60, false), true},
		{"letter m", standing(15, false), false},
		{"bars on a line", standing(60, true), true},
	} {
		if got := Verify(tc.m, 70, 40, 63); got != tc.accept {
			t.Errorf("%s: Verify = %v, want %v", tc.name, got, tc.accept)
		}
	}
	// Nor bars with something dark close beside the first or the last,
	// on the rows above the one read, or below it.
	for _, mark := range []struct{ x, y0, y1 int }{{36, 55, 65}, {36, 75, 90}, {66, 55, 65}, {66, 75, 90}} {
		m := standing(60, false)
		for y := mark.y0; y < mark.y1; y++ {
			m.Set(mark.x, y)
		}
		if Verify(m, 70, 40, 63) {
			t.Errorf("bars with a mark at x %d, rows %d to %d, verified", mark.x, mark.y0, mark.y1)
		}
	}
	// Nor are bars too thin to tell apart.
	thin, _ := gozxing.NewBitMatrix(100, 200)
	for k := 0; k < 3; k++ {
		for y := 50; y < 110; y++ {
			thin.Set(40+3*k, y)
		}
	}
	if Verify(thin, 70, 40, 47) {
		t.Error("bars a pixel wide, two apart, verified")
	}
	// Bars drawn or cropped to the image's top and bottom end there: the
	// image's outside counts as light.
	cropped, _ := gozxing.NewBitMatrix(63, 60)
	for k := 0; k < 3; k++ {
		for y := 0; y < 60; y++ {
			for dx := 0; dx < 3; dx++ {
				cropped.Set(30+9*k+dx, y)
			}
		}
	}
	if !Verify(cropped, 30, 30, 53) {
		t.Error("bars from the image's top to its bottom not verified")
	}
	// Bars that run into something wider are no symbol's bars.
	m := standing(60, false)
	for x := 30; x < 70; x++ {
		m.Set(x, 110)
	}
	if Verify(m, 70, 40, 63) {
		t.Error("bars joined at their foot verified")
	}
}

// TestMayVerify: Verify accepts no bars read over a span MayVerify turns
// away, whatever their widths and spaces, and the narrowest it accepts,
// bars a pixel wide three apart, MayVerify lets through.
func TestMayVerify(t *testing.T) {
	for bar := 1; bar <= 3; bar++ {
		for space := 1; space <= 5; space++ {
			for n := minBars; n <= minBars+1; n++ {
				m, _ := gozxing.NewBitMatrix(120, 100)
				for k := range n {
					for y := 20; y < 80; y++ {
						for dx := range bar {
							m.Set(40+k*(bar+space)+dx, y)
						}
					}
				}
				for x0 := 36.0; x0 <= 44; x0 += 0.5 {
					for x1 := x0; x1 <= x0+40; x1 += 0.5 {
						if !MayVerify(x0, x1) && Verify(m, 50, x0, x1) {
							t.Errorf("%d bars of %d px, %d apart, from %v to %v: verified, MayVerify false",
								n, bar, space, x0, x1)
						}
					}
				}
			}
		}
	}
	m, _ := gozxing.NewBitMatrix(120, 100)
	for k := range minBars {
		for y := 20; y < 80; y++ {
			m.Set(40+4*k, y)
		}
	}
	if !Verify(m, 50, 40, 48) || !MayVerify(40, 48) {
		t.Errorf("bars a pixel wide, three apart: Verify %v, MayVerify %v, want both", Verify(m, 50, 40, 48), MayVerify(40, 48))
	}
	if MayVerify(40, 47.9) || MayVerify(-3, 7.5) {
		t.Error("bars under 8 pixels apart may verify")
	}
}

// BenchmarkVerify checks tall bars, the common case of a symbol read.
func BenchmarkVerify(b *testing.B) {
	m := standing(60, false)
	b.ReportAllocs()
	for b.Loop() {
		if !Verify(m, 70, 40, 63) {
			b.Fatal("not verified")
		}
	}
}
