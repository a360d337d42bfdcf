package maxicode

import (
	"fmt"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

var roundTripSpecs = []struct {
	spec symbolSpec
	want string
}{
	{symbolSpec{mode: 2, scm: carrier{"123450000", 222, 111}, text: "[)>\x1e01\x1d96MODE2"},
		"[)>\x1e01\x1d96123450000\x1d222\x1d111\x1dMODE2"},
	{symbolSpec{mode: 2, scm: carrier{"90210", 840, 1}, text: "Parcel 7"}, "90210\x1d840\x1d001\x1dParcel 7"},
	{symbolSpec{mode: 3, scm: carrier{"SW1A1A", 826, 12}, text: "[)>\x1e01\x1d99REF"},
		"[)>\x1e01\x1d99SW1A1A\x1d826\x1d012\x1dREF"},
	{symbolSpec{mode: 4, text: "Hello, World! 123456789012 àéîõü ÀÉ ¢£¥ \x01\x02 end"}, "Hello, World! 123456789012 àéîõü ÀÉ ¢£¥ \x01\x02 end"},
	{symbolSpec{mode: 4, text: "ÀÁÂÃÄÅ abc ÙÚÛÜ {|}~"}, "ÀÁÂÃÄÅ abc ÙÚÛÜ {|}~"},
	{symbolSpec{mode: 5, text: "ENHANCED ERROR CORRECTION 5"}, "ENHANCED ERROR CORRECTION 5"},
	{symbolSpec{mode: 6, text: "reader programming"}, "reader programming"},
	{symbolSpec{mode: 4, text: "part two", saIndex: 2, saCount: 3}, "part two"},
	{symbolSpec{mode: 4, text: "\u00e0\u00e1", eci: 7}, "рс"}, // bytes E0 E1 in ISO/IEC 8859-5 are Cyrillic
}

func TestRoundTrip(t *testing.T) {
	scenes := []scene{
		{module: 8},
		{module: 6, angle: 90, noise: 20},
		{module: 7, angle: 180, blur: true},
		{module: 6, angle: 270},
		{module: 7, angle: 23, shear: 0.06},
		{module: 6, angle: -40, noise: 12},
		{module: 9, angle: 130, shear: -0.05, blur: true},
		{module: 8, angle: 8, tilt: 0.005},
		{module: 8, angle: 133, tilt: 0.004, noise: 10},
	}
	r := NewReader()
	for i, tc := range roundTripSpecs {
		cw, err := encodeCodewords(tc.spec)
		if err != nil {
			t.Fatalf("encode %d: %v", i, err)
		}
		g := encodeGrid(cw)
		for j, sc := range scenes {
			t.Run(fmt.Sprintf("spec%d/mode%d/scene%d", i, tc.spec.mode, j), func(t *testing.T) {
				side := int(45*sc.module) + 10
				sc.width, sc.height, sc.seed = side, side, int64(i*10+j)
				res, err := decodeImage(t, r, render(&g, sc), nil)
				if err != nil {
					t.Fatalf("decode: %v", err)
				}
				if res.GetText() != tc.want {
					t.Errorf("got %q, want %q", res.GetText(), tc.want)
				}
				md := res.GetResultMetadata()
				if got := md[gozxing.ResultMetadataType_ERROR_CORRECTION_LEVEL]; got != fmt.Sprint(tc.spec.mode) {
					t.Errorf("mode metadata %v, want %d", got, tc.spec.mode)
				}
				if tc.spec.saCount > 0 {
					want := (tc.spec.saIndex-1)<<4 | (tc.spec.saCount - 1)
					if got := md[gozxing.ResultMetadataType_STRUCTURED_APPEND_SEQUENCE]; got != want {
						t.Errorf("structured append %v, want %d", got, want)
					}
				}
			})
		}
	}
}

// TestCorrectsErrors: damaged codewords up to the correction capacity of
// each message part still decode, and the count is reported.
func TestCorrectsErrors(t *testing.T) {
	cw, err := encodeCodewords(symbolSpec{mode: 4, text: "DAMAGE TEST"})
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 3, 7, 11, 19, 20, 21, 40, 77, 100, 143} {
		cw[i] ^= 0x15
	}
	c := newCorrector()
	mode, fixed, err := c.correctAll(&cw)
	if err != nil {
		t.Fatal(err)
	}
	d, err := decodeMessage(&cw, mode)
	if err != nil || d.text != "DAMAGE TEST" || fixed != 11 {
		t.Errorf("got %q fixed %d err %v", d.text, fixed, err)
	}
}
