package postal

import (
	"fmt"
	"image"
	"math/big"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/zint"
)

// matrix binarizes a gray image at the middle gray.
func matrix(img *image.Gray) *gozxing.BitMatrix {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	m, _ := gozxing.NewBitMatrix(w, h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if img.Pix[y*img.Stride+x] < 128 {
				m.Set(x, y)
			}
		}
	}
	return m
}

var zintCases = []struct {
	kind Kind
	args []string
	text string
}{
	{POSTNET, []string{"-b", "POSTNET", "-d", "12345"}, "12345"},
	{POSTNET, []string{"-b", "POSTNET", "-d", "123456789"}, "123456789"},
	{POSTNET, []string{"-b", "POSTNET", "-d", "12345678901"}, "12345678901"},
	{PLANET, []string{"-b", "PLANET", "-d", "12345678901"}, "12345678901"},
	{PLANET, []string{"-b", "PLANET", "-d", "1234567890123"}, "1234567890123"},
	{RM4SCC, []string{"-b", "RM4SCC", "-d", "SN34RD1A"}, "SN34RD1A"},
	{RM4SCC, []string{"-b", "RM4SCC", "-d", "W1J0TR01"}, "W1J0TR01"},
	{KIX, []string{"-b", "KIX", "-d", "2500GG30250"}, "2500GG30250"},
	{KIX, []string{"-b", "KIX", "-d", "1231FZ13XHS"}, "1231FZ13XHS"},
	{AusPost, []string{"-b", "AUSPOST", "-d", "12345678"}, "1112345678"},
	{AusPost, []string{"-b", "AUSPOST", "-d", "1234567812345678"}, "591234567812345678"},
	{AusPost, []string{"-b", "AUSPOST", "-d", "12345678ABCDE"}, "5912345678ABCDE"},
	{AusPost, []string{"-b", "AUSPOST", "-d", "12345678abcdefghij"}, "6212345678abcdefghij"},
	{IMB, []string{"-b", "USPS_IMAIL", "-d", "01234567094987654321"}, "01234567094987654321"},
	{IMB, []string{"-b", "USPS_IMAIL", "-d", "01234567094987654321-01234"}, "0123456709498765432101234"},
	{IMB, []string{"-b", "USPS_IMAIL", "-d", "01234567094987654321-012345678"}, "01234567094987654321012345678"},
	{IMB, []string{"-b", "USPS_IMAIL", "-d", "01234567094987654321-01234567891"}, "0123456709498765432101234567891"},
}

// grayImage is an image.Gray as a Gray.
type grayImage struct{ *image.Gray }

func (g grayImage) At(x, y int) uint8 {
	if !(image.Point{x, y}).In(g.Rect) {
		return 255
	}
	return g.Pix[y*g.Stride+x]
}

// TestZint reads each kind from zint's drawings, turned every way,
// measuring the bars on the binarized image and on the gray one.
func TestZint(t *testing.T) {
	all := NewKinds(POSTNET, PLANET, IMB, AusPost, RM4SCC, KIX)
	var r Reader
	for _, c := range zintCases {
		raster := zint.Image(t, c.args...)
		for _, angle := range []float64{0, 180, 90, 33, 211, 305} {
			t.Run(fmt.Sprintf("%s/%.0f", c.text, angle), func(t *testing.T) {
				img, corners := raster.Render(zint.Scene{Module: 3, Angle: angle})
				if got := r.Read(matrix(img), nil, all); len(got) != 1 || got[0].Kind != c.kind || got[0].Text != c.text {
					t.Fatalf("binarized: read %+v, want one %v %q", got, c.kind, c.text)
				}
				got := r.Read(matrix(img), grayImage{img}, all)
				if len(got) != 1 || got[0].Kind != c.kind || got[0].Text != c.text {
					t.Fatalf("gray: read %+v, want one %v %q", got, c.kind, c.text)
				}
				// The corners as read lie near those drawn (the text zint
				// prints below POSTNET is not part of the symbol).
				for i, p := range got[0].Corners {
					dx, dy := p[0]-corners[i][0], p[1]-corners[i][1]
					if dx*dx+dy*dy > 30*30 {
						t.Errorf("corner %d at %.0f, drawn at %.0f", i, p, corners[i])
					}
				}
			})
		}
	}
}

// TestHugeRow: a 25-megapixel row of alternating pixels keeps the row
// buffers bounded and reads nothing.
func TestHugeRow(t *testing.T) {
	const w = 25_000_000
	m, _ := gozxing.NewBitMatrix(w, 1)
	for x := 0; x < w; x += 2 {
		m.Set(x, 0)
	}
	var r Reader
	if got := r.Read(m, nil, NewKinds(POSTNET, IMB)); len(got) != 0 {
		t.Fatalf("read %v", got)
	}
	if c := cap(r.cur) + cap(r.prev); c > 2*maxRowRuns+64 {
		t.Errorf("row buffers grew to %d runs", c)
	}
}

// TestRunMoments: a run's second moment, summed in closed form, is
// exactly the sum over its pixels, for runs up to an image's width.
func TestRunMoments(t *testing.T) {
	var r Reader
	for _, x0 := range []int{0, 1, 7, 255, 1000, 4095, 8191} {
		for _, n := range []int{1, 2, 3, 10, 33, 640, 4096} {
			m, _ := gozxing.NewBitMatrix(x0+n+1, 1)
			for x := x0; x < x0+n; x++ {
				m.Set(x, 0)
			}
			bs := r.blobs(m, 1)
			want := 0.0
			for x := x0; x < x0+n; x++ {
				c := float64(x) + 0.5
				want += c * c
			}
			if len(bs) != 1 || bs[0].sxx != want {
				t.Errorf("run [%d, %d): blobs %+v, want one of sxx %v", x0, x0+n, bs, want)
			}
		}
	}
}

// TestMomentsCorrectlyRounded: a blob's moments are its pixels' sums
// correctly rounded, also where the sums pass what floats added run by
// run hold exactly (a dark image 16383 pixels wide and 2000 high: its
// Σx² is past 2^51, in quarters): the labelling sums in integers.
func TestMomentsCorrectlyRounded(t *testing.T) {
	const w, h = 16383, 2000
	m, _ := gozxing.NewBitMatrix(w, h)
	if err := m.SetRegion(0, 0, w, h); err != nil {
		t.Fatal(err)
	}
	var r Reader
	bs := r.blobs(m, 1)
	if len(bs) != 1 {
		t.Fatalf("%d blobs, want 1", len(bs))
	}
	// The sums of the doubled centres 2x+1 and 2y+1 and their products,
	// over the pixels, exactly, and scaled back.
	var s1x, s2x, s1y, s2y big.Int
	for x := int64(0); x < w; x++ {
		c := big.NewInt(2*x + 1)
		s1x.Add(&s1x, c)
		s2x.Add(&s2x, c.Mul(c, c))
	}
	for y := int64(0); y < h; y++ {
		c := big.NewInt(2*y + 1)
		s1y.Add(&s1y, c)
		s2y.Add(&s2y, c.Mul(c, c))
	}
	exact := func(a, b *big.Int, scale int64) float64 {
		f, _ := new(big.Rat).SetFrac(new(big.Int).Mul(a, b), big.NewInt(scale)).Float64()
		return f
	}
	nw, nh := big.NewInt(w), big.NewInt(h)
	want := sums{n: w * h, sx: exact(&s1x, nh, 2), sy: exact(&s1y, nw, 2),
		sxx: exact(&s2x, nh, 4), syy: exact(&s2y, nw, 4), sxy: exact(&s1x, &s1y, 4)}
	if bs[0].sums != want {
		t.Errorf("moments %+v, want %+v", bs[0].sums, want)
	}
}

// TestPieceOfSymbolNotRead: where blur or small modules break a symbol's
// chain in parts and the bars probed beyond one part stop short of the
// symbol's ends, that part may read on its own (a KIX code has no check:
// any run of its whole characters reads), beside the symbol read whole
// from another part: only the whole is read.
func TestPieceOfSymbolNotRead(t *testing.T) {
	raster := zint.Image(t, "-b", "KIX", "-d", "2500GG30250X99")
	img, _ := raster.Render(zint.Scene{Module: 1.5, Angle: 30})
	bm, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(gozxing.NewLuminanceSourceFromImage(img)))
	if err != nil {
		t.Fatal(err)
	}
	m, err := bm.GetBlackMatrix()
	if err != nil {
		t.Fatal(err)
	}
	var r Reader
	got := r.Read(m, grayImage{img}, NewKinds(POSTNET, PLANET, IMB, AusPost, RM4SCC, KIX))
	if len(got) != 1 || got[0].Kind != KIX || got[0].Text != "2500GG30250X99" {
		t.Errorf("read %+v, want KIX %q alone", got, "2500GG30250X99")
	}
}
