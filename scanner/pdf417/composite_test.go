package pdf417

import (
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner/internal/hint"
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
		// Three columns: CC-A without a left RAP, CC-B with one.
		{[]string{"-b", "EANX_CC", "--mode=1", "--primary=1234567", "-d", "[21]A1"}, ComponentA, "21A1"},
		{[]string{"-b", "DBAR_LTD_CC", "--mode=1", "--primary=1501234567890", "-d", "[17]201231[10]ABC123"}, ComponentA, "1720123110ABC123"},
		{[]string{"-b", "DBAR_LTD_CC", "--mode=2", "--primary=1501234567890", "-d", "[10]ABC"}, ComponentB, "10ABC"},
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

// TestCompositeSizes: zint's CC-A components of two, three and four
// columns, of every size, read back, which checks the table of their
// error correction codewords; and longer data in CC-B.
func TestCompositeSizes(t *testing.T) {
	zint.Need(t)
	t.Parallel()
	seen := map[microVariant]bool{}
	var every4 []int
	for n := 1; n <= 60; n += 4 {
		every4 = append(every4, n)
	}
	for _, tc := range []struct {
		linear  string
		lengths []int
	}{
		{"DBAR_STK_CC", every4},
		{"DBAR_OMN_CC", every4},
		// Three columns: the lengths that make 4, 5, 6, 7 and 8 rows.
		{"DBAR_LTD_CC", []int{1, 21, 29, 33, 41}},
	} {
		linear := tc.linear
		for k, n := range tc.lengths {
			data := "[91]" + strings.Repeat("1234567890", 6)[:n]
			r := zint.Image(t, "-b", linear, "--mode=1", "--primary=0952123454321", "-d", data)
			angle := 90 * (n % 4)
			if linear == "DBAR_LTD_CC" {
				angle = 90 * (k % 4) // its few sizes at every quarter turn
			}
			img, _ := r.Render(zint.Scene{Module: 2.5, Angle: float64(angle), Noise: 4})
			res, err := NewCompositeMicroReader().Decode(bitmap(img), nil)
			if err != nil {
				t.Fatalf("%s %s at %d°: %v", linear, data, angle, err)
			}
			md := res.GetResultMetadata()[gozxing.ResultMetadataType_PDF417_EXTRA_METADATA].(*Metadata)
			if want := "91" + data[4:]; res.GetText() != want {
				t.Fatalf("%s %s: read %q, want %q", linear, data, res.GetText(), want)
			}
			for _, v := range ccaVariants {
				if md.Component == ComponentA && v.cols == md.Columns && v.rows == md.Rows {
					seen[v] = true
				}
			}
		}
	}
	if a, want := len(seen), len(ccaVariants); a != want {
		t.Errorf("read %d CC-A sizes, want %d: %v", a, want, seen)
	}
}

// TestCompositeTallComponent: a CC-B of 17 rows over DataBar Stacked
// (zint's CC-A, too small for the data, grown to a CC-B), at 2.5 pixels a
// module, at every quarter turn. Upside down, the first lines drawn across
// its left edge, through every tenth of the edge's scan rows, fell each on
// a border between two rows, which at that size no line reads: the edge
// was taken for texture.
func TestCompositeTallComponent(t *testing.T) {
	zint.Need(t)
	t.Parallel()
	const digits = "12345678901234567890123456789012345678901234567890123456789"
	r := zint.Image(t, "-b", "DBAR_STK_CC", "--mode=1", "--primary=0952123454321", "-d", "[91]"+digits[:57])
	for q := range 4 {
		img, _ := r.Render(zint.Scene{Module: 2.5, Angle: float64(90 * q), Noise: 4})
		res, err := NewCompositeMicroReader().Decode(bitmap(img), nil)
		if err != nil {
			t.Errorf("at %d°: %v", 90*q, err)
			continue
		}
		md := res.GetResultMetadata()[gozxing.ResultMetadataType_PDF417_EXTRA_METADATA].(*Metadata)
		if want := "91" + digits[:57]; res.GetText() != want || md.Component != ComponentB || md.Rows != 17 {
			t.Errorf("at %d°: read %q as %s of %d rows, want %q as CC-B of 17", 90*q, res.GetText(), md.Component, md.Rows, want)
		}
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

// TestCompositeColumnsHint: beside linear components that fix their 2D
// components' columns (hint.ComponentColumns), the composite reader
// seeks only those: a CC-A of three columns, whose rows start without a
// left RAP, reads where three columns may lie, and is not sought where
// only four may.
func TestCompositeColumnsHint(t *testing.T) {
	zint.Need(t)
	img, _ := zint.Image(t, "-b", "EANX_CC", "--mode=1", "--primary=1234567", "-d", "[21]A1").
		Render(zint.Scene{Module: 2.5, Noise: 4})
	for _, tc := range []struct {
		cols uint8
		read bool
	}{{0, true}, {1 << 3, true}, {1<<2 | 1<<3, true}, {1 << 4, false}, {1<<2 | 1<<4, false}} {
		var hints map[gozxing.DecodeHintType]interface{}
		if tc.cols != 0 {
			hints = map[gozxing.DecodeHintType]interface{}{hint.ComponentColumns: tc.cols}
		}
		res, err := NewCompositeMicroReader().Decode(bitmap(img), hints)
		if read := err == nil && res.GetText() == "21A1"; read != tc.read {
			t.Errorf("columns %b: read %v (%v), want %v", tc.cols, read, err, tc.read)
		}
	}
}

// TestComponentStep: the composite reader scans its views' rows at a
// step of half the least module of a component's RAPs (a quarter of its
// rows' height), in view pixels, where the linear components' module is
// known; every row where it is not, or under three pixels.
func TestComponentStep(t *testing.T) {
	for _, tc := range []struct {
		composite, known bool
		module           float64 // the linear components' (hint.Modules)
		scale            float64 // image pixels a view pixel
		want             int
	}{
		{false, true, 9, 1, 1},
		{true, false, 9, 1, 1},
		{true, true, 2, 1, 1},
		{true, true, 3.5, 1, 1},
		{true, true, 6, 1, 2},
		{true, true, 9, 1, 3},
		{true, true, 9, 4, 1}, // a view of the coarse count
	} {
		r := &MicroReader{composite: tc.composite, modLo: tc.module, modHi: tc.module, modKnown: tc.known}
		v := view{rot: rot0}
		if tc.scale != 1 {
			v = view{rot: rotFree, ux: tc.scale}
		}
		if got := r.componentStep(v, 1); got != tc.want {
			t.Errorf("composite %v, module %v known %v, a view pixel %v: step %d, want %d", tc.composite, tc.module, tc.known, tc.scale, got, tc.want)
		}
	}
}
