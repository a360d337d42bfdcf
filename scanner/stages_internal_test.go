package scanner

import (
	"bytes"
	"image"
	"runtime/pprof"
	"slices"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// goroutineLabels returns the pprof labels of the calling goroutine, as the
// goroutine profile prints them.
func goroutineLabels(t *testing.T) string {
	var b bytes.Buffer
	if err := pprof.Lookup("goroutine").WriteTo(&b, 1); err != nil {
		t.Fatal(err)
	}
	// The calling goroutine's stack is the one holding this function.
	for _, rec := range strings.Split(b.String(), "\n\n") {
		if strings.Contains(rec, "scanner.goroutineLabels") {
			for _, line := range strings.Split(rec, "\n") {
				if strings.HasPrefix(line, "# labels: ") {
					return strings.TrimPrefix(line, "# labels: ")
				}
			}
			return ""
		}
	}
	t.Fatal("own goroutine not in the profile")
	return ""
}

// A profile of decoding splits its time by pass and stage: while a reader
// runs, the goroutine is labelled with both; after, it is not labelled.
func TestDecodeLabelsStages(t *testing.T) {
	d := newDecoder()
	var seen []string
	d.areaReaders = []areaReader{{sym: QRCode, corners: qrCorners,
		read: func(*gozxing.BinaryBitmap, map[gozxing.DecodeHintType]interface{}, int) []*gozxing.Result {
			seen = append(seen, goroutineLabels(t))
			return nil
		}}}
	f := NewFrame(make([]byte, 64*64), 64, 64, 64)
	d.decode(f, Options{TryHarder: true})
	want := []string{`{"pass":"hybrid", "stage":"QR_CODE"}`, `{"pass":"global", "stage":"QR_CODE"}`}
	if strings.Join(seen, " ") != strings.Join(want, " ") {
		t.Errorf("labels while reading: %q, want %q", seen, want)
	}
	if got := goroutineLabels(t); got != "" {
		t.Errorf("labels after decoding: %q, want none", got)
	}
}

// A reader that says its first search found no candidate is skipped by
// the passes that binarize the same pixels again (global, inverted); one
// that found a candidate it could not read runs in them too. The inverted
// pass searches after all where the first pass saw busy cells on a dark
// ground, where a light symbol shows it none of its patterns: there only.
func TestDecodeSkipsUnpromisingReader(t *testing.T) {
	for _, dark := range []bool{false, true} {
		for _, promising := range []bool{false, true} {
			d := newDecoder()
			var passes []string
			var widths []int
			r := labelRecorder(t, &passes, promising)
			read := r.read
			r.read = func(bm *gozxing.BinaryBitmap, h map[gozxing.DecodeHintType]interface{}, want int) []*gozxing.Result {
				widths = append(widths, bm.GetWidth())
				return read(bm, h, want)
			}
			d.areaReaders = []areaReader{r}
			f := NewFrame(groundFrame(dark), groundSize, groundSize, groundSize)
			d.decode(f, Options{Symbologies: NewSymbologySet(MicroPDF417), TryHarder: true, TryInverted: true})
			want := []string{`{"pass":"hybrid", "stage":"MICRO_PDF_417"}`}
			if promising {
				want = append(want, `{"pass":"global", "stage":"MICRO_PDF_417"}`)
			}
			if promising || dark {
				want = append(want, `{"pass":"inverted", "stage":"MICRO_PDF_417"}`)
			}
			if strings.Join(passes, " ") != strings.Join(want, " ") {
				t.Errorf("dark ground %v, promising %v: read in %q, want %q", dark, promising, passes, want)
			}
			if dark && !promising && (len(widths) != 2 || widths[1] != groundSquare.Dx()+2*cellSize) {
				t.Errorf("dark ground: searches %v pixels across, want the first pass whole and the inverted one in the square's region, %d",
					widths, groundSquare.Dx()+2*cellSize)
			}
		}
	}
}

// groundSize is the side of groundFrame's frames.
const groundSize = 256

// groundSquare is where groundFrame's checkered square lies.
var groundSquare = image.Rect(64, 64, 192, 192)

// groundFrame returns a frame with a checkered square in the middle, a
// quarter of its area, dark on light, or light on dark.
func groundFrame(dark bool) []byte {
	pix := make([]byte, groundSize*groundSize)
	for y := range groundSize {
		for x := range groundSize {
			v := byte(230)
			if image.Pt(x, y).In(groundSquare) && (x/8+y/8)%2 == 0 {
				v = 20
			}
			if dark {
				v = 250 - v
			}
			pix[y*groundSize+x] = v
		}
	}
	return pix
}

// A live decode looks at a region thoroughly when its first look read
// nothing: the thorough look's first pass is the first look's again, and
// skips the reader whose search there found no candidate, as its passes
// that binarize the same pixels again do.
func TestAdaptiveDecodeSkipsUnpromisingReader(t *testing.T) {
	const size = 128
	pix := checkerFrame(size)
	for _, promising := range []bool{false, true} {
		d := newDecoder()
		var passes []string
		d.areaReaders = []areaReader{labelRecorder(t, &passes, promising)}
		f := NewFrame(slices.Clone(pix), size, size, size)
		d.decode(f, Options{Symbologies: NewSymbologySet(MicroPDF417), Adaptive: true})
		want := []string{`{"pass":"hybrid", "stage":"MICRO_PDF_417"}`}
		if promising {
			want = append(want, `{"pass":"hybrid", "stage":"MICRO_PDF_417"}`,
				`{"pass":"global", "stage":"MICRO_PDF_417"}`, `{"pass":"inverted", "stage":"MICRO_PDF_417"}`)
		}
		if strings.Join(passes, " ") != strings.Join(want, " ") {
			t.Errorf("promising %v: read in %q, want %q", promising, passes, want)
		}
	}
}

// The Data Matrix and Aztec searches depend on the binarized pixels and
// the hints alone: a live decode's thorough look at a region does not
// search its first pass again with them where the first look's same
// search read nothing, and searches its other passes as before.
func TestAdaptiveDecodeSkipsRepeatedSearch(t *testing.T) {
	const size = 128
	pix := checkerFrame(size)
	d := newDecoder()
	searched := map[string]int{}
	for i := range d.areaReaders {
		a := &d.areaReaders[i]
		if a.sym != DataMatrix && a.sym != Aztec {
			continue
		}
		read := a.read
		a.read = func(bm *gozxing.BinaryBitmap, h map[gozxing.DecodeHintType]interface{}, want int) []*gozxing.Result {
			searched[goroutineLabels(t)]++
			return read(bm, h, want)
		}
	}
	f := NewFrame(slices.Clone(pix), size, size, size)
	d.decode(f, Options{Symbologies: NewSymbologySet(DataMatrix, Aztec), Adaptive: true})
	for _, stage := range []string{"DATA_MATRIX", "AZTEC"} {
		for pass, want := range map[string]int{"hybrid": 1, "global": 1, "inverted": 1} {
			label := `{"pass":"` + pass + `", "stage":"` + stage + `"}`
			if searched[label] != want {
				t.Errorf("%s searched %d times, want %d (searches %v)", label, searched[label], want, searched)
			}
		}
	}
}

// checkerFrame is a size×size frame of 8-pixel squares: printed contrast
// everywhere, no symbol.
func checkerFrame(size int) []byte {
	pix := make([]byte, size*size)
	for y := range size {
		for x := range size {
			if (x/8+y/8)%2 == 0 {
				pix[y*size+x] = 255
			}
		}
	}
	return pix
}

// labelRecorder is a MicroPDF417 reader that reads nothing, adds the pprof
// labels it runs under to passes, and says whether its search was
// promising.
func labelRecorder(t *testing.T, passes *[]string, promising bool) areaReader {
	return areaReader{sym: MicroPDF417, corners: cornersTLBLBRTR,
		read: func(*gozxing.BinaryBitmap, map[gozxing.DecodeHintType]interface{}, int) []*gozxing.Result {
			*passes = append(*passes, goroutineLabels(t))
			return nil
		},
		promising: func() bool { return promising }}
}
