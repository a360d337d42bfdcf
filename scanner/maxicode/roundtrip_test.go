package maxicode

import (
	"fmt"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/sweep"
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

// TestRoundTripSweep reads every spec in every scene (under -race a
// sample: see internal/sweep).
func TestRoundTripSweep(t *testing.T) {
	scenes := []scene{
		{Module: 8},
		{Module: 6, Angle: 90, Noise: 20},
		{Module: 7, Angle: 180, Blur: true},
		{Module: 6, Angle: 270},
		{Module: 7, Angle: 23, Shear: 0.06},
		{Module: 6, Angle: -40, Noise: 12},
		{Module: 9, Angle: 130, Shear: -0.05, Blur: true},
		{Module: 8, Angle: 8, Tilt: 0.005},
		{Module: 8, Angle: 133, Tilt: 0.004, Noise: 10},
	}
	r := NewReader()
	cases := sweep.New(t)
	for i, tc := range roundTripSpecs {
		cw, err := encodeCodewords(tc.spec)
		if err != nil {
			t.Fatalf("encode %d: %v", i, err)
		}
		g := encodeGrid(cw)
		for j, sc := range scenes {
			if !cases.Next() {
				continue
			}
			t.Run(fmt.Sprintf("spec%d/mode%d/scene%d", i, tc.spec.mode, j), func(t *testing.T) {
				side := int(45*sc.Module) + 10
				sc.Width, sc.Height, sc.Seed = side, side, int64(i*10+j)
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
