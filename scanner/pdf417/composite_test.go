package pdf417

import (
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/zint"
)

// TestCompositeComponents: the 2D components zint draws above its
// composite symbols read back with their element strings, in each
// kind, column count and quarter turn.
func TestCompositeComponents(t *testing.T) {
	zint.Need(t)
	t.Parallel()
	for _, tc := range []struct {
		args []string
		kind string
		want string
	}{
		{[]string{"-b", "DBAR_OMN_CC", "--mode=1", "--primary=0952123454321", "-d", "[17]201231[10]ABC123"}, ComponentA, "1720123110ABC123"},
		{[]string{"-b", "DBAR_STK_CC", "--mode=1", "--primary=0952123454321", "-d", "[21]A12"}, ComponentA, "21A12"},
		{[]string{"-b", "EANX_CC", "--mode=1", "--primary=331234567890", "-d", "[99]1234-abcd"}, ComponentA, "991234-abcd"},
		{[]string{"-b", "EANX_CC", "--mode=2", "--primary=331234567890", "-d", "[90]3AB12[21]77"}, ComponentB, "903AB12\x1d2177"},
		{[]string{"-b", "UPCE_CC", "--mode=2", "--primary=0123456", "-d", "[10]LOT7[11]250101"}, ComponentB, "10LOT7\x1d11250101"},
		{[]string{"-b", "GS1_128_CC", "--mode=3", "--primary=[01]09521234543213", "-d", "[17]201231[10]ABC123"}, ComponentC, "1720123110ABC123"},
	} {
		r := zint.Image(t, tc.args...)
		for q := range 4 {
			img, _ := r.Render(zint.Scene{Module: 2.5, Angle: float64(90 * q), Noise: 4})
			var res *gozxing.Result
			var err error
			if tc.kind == ComponentC {
				res, err = NewCompositeReader().Decode(bitmap(img), nil)
			} else {
				res, err = NewCompositeMicroReader().Decode(bitmap(img), nil)
			}
			if err != nil {
				t.Errorf("%v at %d°: %v", tc.args, 90*q, err)
				continue
			}
			md := res.GetResultMetadata()[gozxing.ResultMetadataType_PDF417_EXTRA_METADATA].(*Metadata)
			if res.GetText() != tc.want || md.Component != tc.kind {
				t.Errorf("%v at %d°: read %q as %s, want %q as %s", tc.args, 90*q, res.GetText(), md.Component, tc.want, tc.kind)
			}
		}
	}
}

// TestCompositeSizes: zint's CC-A components of two and four columns, of
// every size, read back, which checks the table of their error correction
// codewords; and longer data in CC-B.
func TestCompositeSizes(t *testing.T) {
	zint.Need(t)
	t.Parallel()
	seen := map[microVariant]bool{}
	for _, linear := range []string{"DBAR_STK_CC", "DBAR_OMN_CC"} {
		for n := 1; n <= 60; n += 4 {
			data := "[91]" + strings.Repeat("1234567890", 6)[:n]
			r := zint.Image(t, "-b", linear, "--mode=1", "--primary=0952123454321", "-d", data)
			img, _ := r.Render(zint.Scene{Module: 2.5, Angle: float64(90 * (n % 4)), Noise: 4})
			res, err := NewCompositeMicroReader().Decode(bitmap(img), nil)
			if err != nil {
				t.Fatalf("%s %s at %d°: %v", linear, data, 90*(n%4), err)
			}
			md := res.GetResultMetadata()[gozxing.ResultMetadataType_PDF417_EXTRA_METADATA].(*Metadata)
			if want := "91" + data[4:]; res.GetText() != want {
				t.Fatalf("%s %s: read %q, want %q", linear, data, res.GetText(), want)
			}
			for _, v := range variantsOf(md.Columns, md.Rows, true) {
				if v.kind == md.Component {
					seen[v] = true
				}
			}
		}
	}
	a := 0
	for v := range seen {
		if v.kind == ComponentA {
			a++
		}
	}
	if want := 12; a != want { // the two- and four-column sizes
		t.Errorf("read %d CC-A sizes, want %d: %v", a, want, seen)
	}
}

// FuzzComponentData feeds arbitrary codewords to the CC-A and the
// CC-B/CC-C interpretations: no panic, and what they accept has text.
func FuzzComponentData(f *testing.F) {
	// Seeds of the two shapes: base-928 codewords, and 920 then byte
	// compaction.
	f.Add(bytesFromCodewords([]int{231, 424, 889, 131, 436, 580, 74, 513}), true)
	f.Add(bytesFromCodewords([]int{920, 901, 0x9a, 0x28, 0x63, 0xc1, 0x02, 0x18, 0x8f, 0xe4}), false)
	f.Fuzz(func(t *testing.T, b []byte, cca bool) {
		cw := codewordsFromBytes(b)
		if len(cw) > maxCodewords {
			return
		}
		var d *decodedData
		var err error
		if cca {
			d, err = ccaData(cw)
		} else {
			d, err = componentData(cw, 0, ComponentB)
		}
		if err == nil && (d == nil || d.text == "") {
			t.Fatal("no text without error")
		}
	})
}
