// Package dxtest draws DX film edge barcodes for tests: an encoder written
// from the layout in package dxfilmedge's comment, independent of its
// decoder (zint 2.11 does not write DX film edge).
package dxtest

import "fmt"

// Tracks returns the clock track and the data track of a DX film edge
// barcode, left to right, true for a bar; the frame number and half-frame
// flag only withFrame.
func Tracks(dx1, dx2, frame int, half, withFrame bool) (clockTrack, data []bool) {
	bitsOf := func(s string) []bool {
		out := make([]bool, len(s))
		for i, c := range s {
			out[i] = c == '1'
		}
		return out
	}
	ones := 15
	if withFrame {
		ones = 23
	}
	cs := "11111"
	for i := 0; i < ones; i++ {
		cs += fmt.Sprint(i % 2)
	}
	clockTrack = bitsOf(cs + "111")
	ds := fmt.Sprintf("101010%07b0%04b", dx1, dx2)
	if withFrame {
		h := "0"
		if half {
			h = "1"
		}
		ds += fmt.Sprintf("%06b%s0", frame, h)
	}
	p := 0
	for _, c := range ds[6:] {
		if c == '1' {
			p ^= 1
		}
	}
	ds += fmt.Sprint(p) + "0101"
	return clockTrack, bitsOf(ds)
}
