package scanner

import (
	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/scanner/internal/bitrow"
	"github.com/scannerd/scannerd/scanner/internal/guard"
	"github.com/scannerd/scannerd/scanner/postal"
)

// postalSymbologies maps the postal reader's kinds to symbologies.
var postalSymbologies = [...]Symbology{
	postal.POSTNET: POSTNET, postal.PLANET: PLANET, postal.IMB: USPSIMB,
	postal.AusPost: AustraliaPost, postal.RM4SCC: RM4SCC, postal.KIX: KIX,
}

// allPostal is the set of the postal symbologies.
const allPostal = 1<<POSTNET | 1<<PLANET | 1<<USPSIMB | 1<<AustraliaPost | 1<<RM4SCC | 1<<KIX

// postalReader reads the postal codes, all of them in one search of the
// image; its results carry their kind for symbologyOfPostal.
func postalReader() areaReader {
	r := &postal.Reader{}
	img := &rowsImage{}
	gray := &lazyGray{} // the pass's, as an interface: one kept, not one a pass
	all := postal.NewKinds(postal.POSTNET, postal.PLANET, postal.IMB, postal.AusPost, postal.RM4SCC, postal.KIX)
	return areaReader{syms: allPostal, symOf: symbologyOfPostal, corners: cornersAsGiven, promising: r.Promising,
		readGray: func(src gozxing.LuminanceSource, bm *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}, want int) (out []*gozxing.Result) {
			var err error
			defer guard.Recover("postal", &out, &err)
			m, err := guard.Matrix("postal", bm)
			if err != nil {
				return nil
			}
			img.of(m, hints)
			defer img.done()
			gray.of(src)
			defer gray.done()
			for _, s := range r.Read(img, gray, all) {
				pts := make([]gozxing.ResultPoint, 4)
				for i, c := range s.Corners {
					pts[i] = gozxing.NewResultPoint(c[0], c[1])
				}
				res := gozxing.NewResult(s.Text, nil, pts, gozxing.BarcodeFormat(-1))
				res.PutMetadata(gozxing.ResultMetadataType_OTHER, s.Kind)
				out = append(out, res)
				if want > 0 && len(out) == want {
					break
				}
			}
			return out
		}}
}

// rowsImage is a binarized image for the postal reader, which copies each
// of its rows: from the rows the engine shares (hint.Rows) when they are
// of it, a copy of a copy made already, cheaper than one out of the
// matrix.
type rowsImage struct {
	*gozxing.BitMatrix
	rows bitrow.Rows
}

var _ postal.Image = (*rowsImage)(nil)

// of makes m the image, its rows read from those hints share.
func (m *rowsImage) of(bm *gozxing.BitMatrix, hints map[gozxing.DecodeHintType]interface{}) {
	m.BitMatrix = bm
	m.rows.Of(bm, hints)
}

// done forgets the image.
func (m *rowsImage) done() {
	m.rows.Done()
	m.BitMatrix = nil
}

// GetRow is BitMatrix.GetRow: row y in row (made when it is nil or
// narrower than the image), its words past the image's cleared.
func (m *rowsImage) GetRow(y int, row *gozxing.BitArray) *gozxing.BitArray {
	if !m.rows.Shared() {
		return m.BitMatrix.GetRow(y, row)
	}
	if w := m.GetWidth(); row == nil || row.GetSize() < w {
		row = gozxing.NewBitArray(w)
	}
	words := row.GetBitArray()
	clear(words[copy(words, m.rows.Row(y)):])
	return row
}

// symbologyOfPostal names a postal result.
func symbologyOfPostal(res *gozxing.Result) Symbology {
	k, _ := res.GetResultMetadata()[gozxing.ResultMetadataType_OTHER].(postal.Kind)
	if int(k) < len(postalSymbologies) {
		return postalSymbologies[k]
	}
	return Unknown
}

// cornersAsGiven reads four result points given as top-left, top-right,
// bottom-right, bottom-left.
func cornersAsGiven(res *gozxing.Result) ([4]Point, bool) {
	p := res.GetResultPoints()
	if len(p) < 4 {
		return [4]Point{}, false
	}
	var out [4]Point
	for i := range out {
		out[i] = Point{p[i].GetX(), p[i].GetY()}
	}
	return out, true
}

// lazyGray is a pass's gray view for the postal reader, fetched in whole
// the first time a pixel is asked for (most frames have no postal chain
// to measure). The view's matrix is the frame's own bytes or the
// decoder's scratch, which is wiped after each frame.
type lazyGray struct {
	src  gozxing.LuminanceSource
	pix  []byte
	w, h int
}

var _ postal.Gray = (*lazyGray)(nil)

var _ postal.Plane = (*lazyGray)(nil)

// of makes src the view, none of its pixels fetched.
func (g *lazyGray) of(src gozxing.LuminanceSource) { *g = lazyGray{src: src} }

// done forgets the view and its pixels.
func (g *lazyGray) done() { *g = lazyGray{} }

// Plane returns the view's pixels, fetching them the first time.
func (g *lazyGray) Plane() ([]byte, int, int) {
	if g.pix == nil {
		g.pix, g.w, g.h = g.src.GetMatrix(), g.src.GetWidth(), g.src.GetHeight()
	}
	return g.pix, g.w, g.h
}

// At returns the gray level at (x, y), white outside the view.
func (g *lazyGray) At(x, y int) uint8 {
	if g.pix == nil {
		g.Plane()
	}
	if x < 0 || y < 0 || x >= g.w || y >= g.h {
		return 255
	}
	return g.pix[y*g.w+x]
}

var _ postal.RowLengths = (*rowsImage)(nil)

// RowLengths lends row y's run lengths: those the engine measures once
// for every reader of its shared rows, else measured into buf.
func (m *rowsImage) RowLengths(y int, buf []int) (l, spare []int) {
	return m.rows.Lengths(y, buf)
}
