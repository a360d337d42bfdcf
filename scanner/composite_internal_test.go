package scanner

import (
	"image"
	"math"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/sweep"
	"github.com/scannerd/scannerd/internal/zint"
)

func TestUPCEToA(t *testing.T) {
	for _, tc := range []struct{ e, a string }{
		{"01234565", "012345000065"}, // last digit 5–9: manufacturer 5 digits
		{"04252614", "042100005264"}, // 0–2: the third digit of the manufacturer
		{"01234531", "012300000451"}, // 3
		{"01234544", "012340000054"}, // 4
	} {
		got, ok := upcEToA(tc.e)
		if !ok || got != tc.a {
			t.Errorf("upcEToA(%q) = %q, %v; want %q", tc.e, got, ok, tc.a)
		}
	}
	for _, bad := range []string{"", "1234567", "21234565", "0123456x"} {
		if got, ok := upcEToA(bad); ok {
			t.Errorf("upcEToA(%q) = %q, want refusal", bad, got)
		}
	}
}

// readComposite reads a zint drawing at module pixels a module, turned
// angle degrees, with the composite reader, and returns every result
// before the components are joined to their linear components.
func readComposite(t *testing.T, module, angle float64, args ...string) []Result {
	t.Helper()
	img, _ := zint.Image(t, args...).Render(zint.Scene{Module: module, Angle: angle, Noise: 6})
	f := NewFrame(img.Pix, img.Rect.Dx(), img.Rect.Dy(), img.Stride)
	defer f.Purge()
	d := newDecoder()
	defer d.scratch.wipe()
	res, _ := d.decodeView(newPlaneSource(f, &d.scratch), img.Rect,
		Options{Symbologies: compositeLinears.With(GS1Composite), TryRotated: true})
	return res
}

// TestComponentBoxSweep: the box the composite reader searches round a
// linear component holds its 2D component, whichever way the symbol is
// turned. (Under -race a sample of the cases: see internal/sweep.)
func TestComponentBoxSweep(t *testing.T) {
	zint.Need(t)
	t.Parallel()
	cases := sweep.New(t)
	for _, args := range [][]string{
		{"-b", "EANX_CC", "--mode=1", "--primary=331234567890", "-d", "[99]1234-abcd"},
		{"-b", "UPCE_CC", "--mode=1", "--primary=0123456", "-d", "[10]LOT7"},
		{"-b", "EANX_CC", "--mode=1", "--primary=1234567", "-d", "[21]A1"},
		{"-b", "DBAR_LTD_CC", "--mode=1", "--primary=1501234567890", "-d", "[17]201231[10]ABC123"},
		{"-b", "DBAR_OMN_CC", "--mode=1", "--primary=0952123454321", "-d", "[17]201231[10]ABC123"},
		{"-b", "DBAR_EXP_CC", "--mode=1", "--primary=[01]09521234543213[3103]001234", "-d", "[11]250101"},
		{"-b", "GS1_128_CC", "--mode=3", "--primary=[01]09521234543213", "-d", "[17]201231[10]ABC123"},
	} {
		for _, angle := range []float64{2, 88, 182, 268} {
			if !cases.Next() {
				continue
			}
			res := readComposite(t, 3.3, angle, args...)
			var linear, comp *Result
			for i := range res {
				if res[i].component {
					comp = &res[i]
				} else if compositeLinears.Has(res[i].Symbology) {
					linear = &res[i]
				}
			}
			if linear == nil || comp == nil {
				t.Errorf("%s at %v°: read %d results, want a linear component and a 2D component", args[1], angle, len(res))
				continue
			}
			box := componentBox(linear)
			for _, p := range comp.Points {
				if !(image.Point{int(p.X), int(p.Y)}).In(box) {
					t.Errorf("%s at %v°: the 2D component's corner %v lies outside the box %v searched round its linear component %v",
						args[1], angle, p, box, linear.Points)
				}
			}
		}
	}
}

// TestComponentBoxes: the composite reader searches beside the linear
// symbols that may carry a 2D component only: not beside a Code 128
// symbol that is not GS1-128, nor a GS1 DataBar symbol whose linkage flag
// says it has none, nor an EAN/UPC symbol with nothing printed above its
// bars, turned or not.
func TestComponentBoxes(t *testing.T) {
	zint.Need(t)
	t.Parallel()
	for _, tc := range []struct {
		args   []string
		search bool
	}{
		{[]string{"-b", "EANX", "-d", "331234567890"}, false},
		{[]string{"-b", "UPCE", "-d", "0123456"}, false},
		{[]string{"-b", "EANX_CC", "--mode=1", "--primary=331234567890", "-d", "[99]1234-abcd"}, true},
		{[]string{"-b", "UPCA_CC", "--mode=2", "--primary=01234567890", "-d", "[90]3AB12[21]77"}, true},
		{[]string{"-b", "UPCE_CC", "--mode=1", "--primary=0123456", "-d", "[10]LOT7"}, true},
		{[]string{"-b", "EANX_CC", "--mode=1", "--primary=1234567", "-d", "[21]A1"}, true},
		{[]string{"-b", "GS1_128", "-d", "[01]09521234543213"}, true},
		{[]string{"-b", "CODE128", "-d", "ABC-123"}, false},
		{[]string{"-b", "DBAR_OMN", "-d", "0952123454321"}, false},
		{[]string{"-b", "DBAR_EXP", "-d", "[01]09521234543213[3103]001234"}, false},
		{[]string{"-b", "DBAR_OMN_CC", "--mode=1", "--primary=0952123454321", "-d", "[10]ABC"}, true},
		{[]string{"-b", "DBAR_LTD", "-d", "1501234567890"}, false},
		{[]string{"-b", "DBAR_LTD_CC", "--mode=1", "--primary=1501234567890", "-d", "[10]ABC"}, true},
	} {
		for _, angle := range []float64{4, 93, 176, 268} {
			img, _ := zint.Image(t, tc.args...).Render(zint.Scene{Module: 2.5, Angle: angle, Blur: 0.6, Noise: 6})
			f := NewFrame(img.Pix, img.Rect.Dx(), img.Rect.Dy(), img.Stride)
			d := newDecoder()
			res, _ := d.decodeView(newPlaneSource(f, &d.scratch), img.Rect,
				Options{Symbologies: compositeLinears.With(GS1Composite), TryRotated: true})
			// The linear symbols alone: a 2D component read stops the search.
			var linear []Result
			for _, r := range res {
				if !r.component {
					linear = append(linear, r)
				}
			}
			switch got := len(componentBoxes(linear, d.componentAbove)) > 0; {
			case len(linear) == 0:
				t.Errorf("%s at %v°: read no linear symbol", tc.args[1], angle)
			case got != tc.search:
				t.Errorf("%s at %v°: searched for a 2D component: %v, want %v", tc.args[1], angle, got, tc.search)
			}
			d.scratch.wipe()
			f.Purge()
		}
	}
}

// TestComponentKindsOfBox: a box searched for 2D components tells the
// reader what its linear components carry (ISO/IEC 24723): the columns
// of their CC-A and CC-B, and a CC-C only above GS1-128; boxes that
// overlap, all of their linear components'.
func TestComponentKindsOfBox(t *testing.T) {
	at := func(x, y float64) [4]Point {
		return [4]Point{{x, y}, {x + 190, y}, {x + 190, y + 60}, {x, y + 60}}
	}
	may := func(*Result) (bool, float64, bool) { return true, 0, false }
	for _, tc := range []struct {
		linear []Result
		cols   uint8
		cc     bool
	}{
		{[]Result{{Symbology: EAN13, Text: "3312345678903", Points: at(0, 300)}}, 1 << 4, false},
		{[]Result{{Symbology: UPCE, Text: "01234565", Points: at(0, 300)}}, 1 << 2, false},
		{[]Result{{Symbology: EAN8, Text: "12345670", Points: at(0, 300)}}, 1 << 3, false},
		{[]Result{{Symbology: DataBarLimited, Text: "15012345678907", Points: at(0, 300)}}, 1 << 3, false},
		{[]Result{{Symbology: DataBar, Text: "09521234543213", Points: at(0, 300)}}, 1<<2 | 1<<4, false},
		{[]Result{{Symbology: Code128, SymbologyID: "]C1", Text: "0109521234543213", Points: at(0, 300)}}, 1 << 4, true},
		{[]Result{
			{Symbology: EAN8, Text: "12345670", Points: at(0, 300)},
			{Symbology: Code128, SymbologyID: "]C1", Text: "0109521234543213", Points: at(20, 320)},
		}, 1<<3 | 1<<4, true},
	} {
		boxes := componentBoxes(tc.linear, may)
		if len(boxes) != 1 {
			t.Errorf("%v: %d boxes, want 1", tc.linear[0].Symbology, len(boxes))
			continue
		}
		if b := boxes[0]; b.cols != tc.cols || b.cc != tc.cc {
			t.Errorf("%v: columns %b, CC-C %v; want %b, %v", tc.linear[0].Symbology, b.cols, b.cc, tc.cols, tc.cc)
		}
	}
}

// TestCompositeReaderSkipsComponentC: the CC-C reader does not search a
// box without a GS1-128 symbol (noComponentC).
func TestCompositeReaderSkipsComponentC(t *testing.T) {
	zint.Need(t)
	img, _ := zint.Image(t, "-b", "GS1_128_CC", "--mode=3", "--primary=[01]09521234543213", "-d", "[17]201231[10]ABC123").
		Render(zint.Scene{Module: 2.5, Noise: 4})
	f := NewFrame(img.Pix, img.Rect.Dx(), img.Rect.Dy(), img.Stride)
	defer f.Purge()
	d := newDecoder()
	defer d.scratch.wipe()
	a := compositeReader()
	for _, skip := range []bool{false, true} {
		bm, _ := gozxing.NewBinaryBitmap(newGlobalBinarizer(newPlaneSource(f, &d.scratch)))
		h := map[gozxing.DecodeHintType]interface{}{}
		if skip {
			h[noComponentC] = true
		}
		if got := len(a.read(bm, h, 0)); got != 0 == skip {
			t.Errorf("noComponentC %v: read %d components", skip, got)
		}
	}
}

// TestComponentSignPastGlare: where a band of glare washes out the thin
// bars of an EAN/UPC symbol above the rows that read it, the lines there
// have too few edges to count as the bars yet agree with them; they are
// not a component's rows, and the walk goes on up the bars to their
// end, above which nothing is printed: no box is searched.
func TestComponentSignPastGlare(t *testing.T) {
	zint.Need(t)
	for _, k := range []float64{0.75, 0.85} {
		img, _ := zint.Image(t, "-b", "EANX", "-d", "331234567890").Render(zint.Scene{Module: 2.5, Noise: 4, Blur: 0.8})
		w, h := img.Rect.Dx(), img.Rect.Dy()
		// The bars' rows: those dark across a tenth of the width.
		top, bottom := -1, -1
		for y := range h {
			dark := 0
			for x := w / 4; x < 3*w/4; x++ {
				if img.Pix[y*img.Stride+x] < 100 {
					dark++
				}
			}
			if dark > w/10 {
				if top < 0 {
					top = y
				}
				bottom = y
			}
		}
		// The glare: a band of the bars' upper part, its contrast k.
		bh := float64(bottom - top)
		for y := top + int(0.25*bh); y < top+int(0.37*bh); y++ {
			for x := range w {
				p := &img.Pix[y*img.Stride+x]
				*p = 255 - uint8(float64(255-*p)*k)
			}
		}
		f := NewFrame(img.Pix, w, h, img.Stride)
		d := newDecoder()
		res, _ := d.decodeView(newPlaneSource(f, &d.scratch), img.Rect,
			Options{Symbologies: compositeLinears.With(GS1Composite), TryRotated: true})
		if len(res) != 1 {
			t.Errorf("glare of contrast %v: read %d symbols, want the EAN-13", k, len(res))
		} else if boxes := componentBoxes(res, d.componentAbove); len(boxes) > 0 {
			t.Errorf("glare of contrast %v: searched %v for a 2D component", k, boxes[0].box)
		}
		d.scratch.wipe()
		f.Purge()
	}
}

// TestComponentSignSlantedAndFanned: an EAN-13 symbol seen so that its
// bars lean across tops that stay level (the label sheared: the lines
// the walk follows up the bars cross the tops at a slant, and show bars
// in part of their length), or fan out upwards (in perspective: the
// lines drift from the rows' own and from the ones just below), with
// nothing printed above: no box is searched for a 2D component.
func TestComponentSignSlantedAndFanned(t *testing.T) {
	zint.Need(t)
	src, _ := zint.Image(t, "-b", "EANX", "-d", "331234567890").Render(zint.Scene{Module: 2, Noise: 4, Blur: 0.6})
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	at := func(x, y float64) uint8 { // bilinear, light outside
		x0, y0 := int(math.Floor(x)), int(math.Floor(y))
		if x0 < 0 || y0 < 0 || x0+1 >= sw || y0+1 >= sh {
			return 210
		}
		fx, fy := x-float64(x0), y-float64(y0)
		p := func(x, y int) float64 { return float64(src.Pix[y*src.Stride+x]) }
		v := (p(x0, y0)*(1-fx)+p(x0+1, y0)*fx)*(1-fy) + (p(x0, y0+1)*(1-fx)+p(x0+1, y0+1)*fx)*fy
		return uint8(v + 0.5)
	}
	for _, tc := range []struct {
		name string
		// from maps a pixel of the view to the rendered symbol's.
		from func(x, y, w, h float64) (float64, float64)
	}{
		{"sheared", func(x, y, w, h float64) (float64, float64) { return x - 0.15*(h-y) - 10, y }},
		{"fanned", func(x, y, w, h float64) (float64, float64) {
			// Wider towards the bottom: 20 % over the symbol's height.
			s := 1 + 0.2*(y/h-0.5)
			return w/2 + (x-w/2)/s, y
		}},
	} {
		w, h := sw+int(0.15*float64(sh))+20, sh
		view := make([]byte, w*h)
		for y := range h {
			for x := range w {
				view[y*w+x] = at(tc.from(float64(x), float64(y), float64(sw), float64(sh)))
			}
		}
		f := NewFrame(view, w, h, w)
		d := newDecoder()
		res, _ := d.decodeView(newPlaneSource(f, &d.scratch), image.Rect(0, 0, w, h),
			Options{Symbologies: compositeLinears.With(GS1Composite), TryRotated: true})
		if len(res) != 1 {
			t.Errorf("%s: read %d symbols, want the EAN-13", tc.name, len(res))
		} else if boxes := componentBoxes(res, d.componentAbove); len(boxes) > 0 {
			t.Errorf("%s: searched %v for a 2D component", tc.name, boxes[0].box)
		}
		d.scratch.wipe()
		f.Purge()
	}
}
