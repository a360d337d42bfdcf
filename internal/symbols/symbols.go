// Package symbols draws barcodes into gray images: the demo camera renders
// moving symbols with it, and tests make the images they decode with it.
// Symbols come from gozxing's writers (EncodeWith takes any other writer:
// internal/symboltest brings the test encoders for Aztec Code and GS1
// DataBar, which gozxing cannot write and the daemon never shows); drawing
// supports any scale and rotation, contrast, blur and noise, so tests can
// show what the engine reads in conditions a camera produces.
package symbols

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/datamatrix"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/scannerd/scannerd/scanner"
)

// ErrNoWriter: there is no encoder for the symbology.
var ErrNoWriter = errors.New("no encoder for this symbology")

// Symbol is an encoded barcode as a grid of modules (true is dark), without
// quiet zone. A 1D code has its bars repeated over Height rows.
type Symbol struct {
	Symbology scanner.Symbology
	Text      string
	Width     int
	Height    int
	dark      []bool
}

// Dark reports whether module (x, y) is dark.
func (s *Symbol) Dark(x, y int) bool {
	if x < 0 || y < 0 || x >= s.Width || y >= s.Height {
		return false
	}
	return s.dark[y*s.Width+x]
}

// Quiet returns the quiet zone the symbology needs, in modules.
func (s *Symbol) Quiet() int {
	if s.Symbology.Is2D() {
		return 4
	}
	return 10
}

var writers = map[scanner.Symbology]struct {
	w      func() gozxing.Writer
	format gozxing.BarcodeFormat
	height int // least height of a 1D code, in modules (0: 24)
}{
	scanner.QRCode:     {w: func() gozxing.Writer { return qrcode.NewQRCodeWriter() }, format: gozxing.BarcodeFormat_QR_CODE},
	scanner.DataMatrix: {w: func() gozxing.Writer { return datamatrix.NewDataMatrixWriter() }, format: gozxing.BarcodeFormat_DATA_MATRIX},
	scanner.EAN13:      {w: oned.NewEAN13Writer, format: gozxing.BarcodeFormat_EAN_13},
	scanner.EAN8:       {w: oned.NewEAN8Writer, format: gozxing.BarcodeFormat_EAN_8},
	scanner.UPCA:       {w: oned.NewUPCAWriter, format: gozxing.BarcodeFormat_UPC_A},
	scanner.UPCE:       {w: oned.NewUPCEWriter, format: gozxing.BarcodeFormat_UPC_E},
	scanner.Code39:     {w: oned.NewCode39Writer, format: gozxing.BarcodeFormat_CODE_39},
	scanner.Code93:     {w: oned.NewCode93Writer, format: gozxing.BarcodeFormat_CODE_93},
	scanner.Code128:    {w: oned.NewCode128Writer, format: gozxing.BarcodeFormat_CODE_128},
	scanner.Codabar:    {w: oned.NewCodaBarWriter, format: gozxing.BarcodeFormat_CODABAR},
	scanner.ITF:        {w: oned.NewITFWriter, format: gozxing.BarcodeFormat_ITF},
}

// Encode encodes text as sym. 1D codes get bars a quarter as tall as the
// code is wide (at least 24 modules).
func Encode(sym scanner.Symbology, text string) (*Symbol, error) {
	return EncodeWithHints(sym, text, nil)
}

// EncodeWithHints encodes text as sym with writer hints on top of the
// defaults, such as gozxing.EncodeHintType_DATA_MATRIX_SHAPE.
func EncodeWithHints(sym scanner.Symbology, text string, extra map[gozxing.EncodeHintType]interface{}) (*Symbol, error) {
	wr, ok := writers[sym]
	if !ok {
		return nil, fmt.Errorf("%w: %v", ErrNoWriter, sym)
	}
	return EncodeWith(sym, text, wr.w(), wr.format, wr.height, extra)
}

// EncodeWith encodes text as sym with w, a writer of format: for
// symbologies gozxing cannot write. A 1D code's bars are at least
// minHeight modules tall.
func EncodeWith(sym scanner.Symbology, text string, w gozxing.Writer, format gozxing.BarcodeFormat, minHeight int, extra map[gozxing.EncodeHintType]interface{}) (*Symbol, error) {
	hints := map[gozxing.EncodeHintType]interface{}{gozxing.EncodeHintType_MARGIN: 0}
	if sym == scanner.QRCode {
		hints[gozxing.EncodeHintType_ERROR_CORRECTION] = "M"
	}
	for k, v := range extra {
		hints[k] = v
	}
	h := 0
	if !sym.Is2D() {
		h = 1
	}
	m, err := w.Encode(text, format, 0, h, hints)
	if err != nil {
		return nil, fmt.Errorf("encode %v %q: %w", sym, text, err)
	}
	s := &Symbol{Symbology: sym, Text: text, Width: m.GetWidth(), Height: m.GetHeight()}
	if !sym.Is2D() {
		s.Height = max(24, minHeight, s.Width/4)
	}
	s.dark = make([]bool, s.Width*s.Height)
	for y := 0; y < s.Height; y++ {
		for x := 0; x < s.Width; x++ {
			s.dark[y*s.Width+x] = m.Get(x, min(y, m.GetHeight()-1))
		}
	}
	return s, nil
}

// Canvas is a gray image to draw symbols on.
type Canvas struct {
	Pix           []byte
	Width, Height int
}

// NewCanvas returns a canvas filled with the gray level bg.
func NewCanvas(width, height int, bg uint8) *Canvas {
	c := &Canvas{Pix: make([]byte, width*height), Width: width, Height: height}
	for i := range c.Pix {
		c.Pix[i] = bg
	}
	return c
}

// Placement says where and how a symbol is drawn: its centre, the size of
// one module in pixels, the rotation in degrees (counter-clockwise on
// screen), and the gray levels of dark and light modules.
type Placement struct {
	CX, CY      float64
	Module      float64
	Angle       float64
	Dark, Light uint8
}

// Draw paints s with its quiet zone at p and returns the symbol's corners
// (top-left, top-right, bottom-right, bottom-left of the symbol as drawn).
// Each pixel takes the average of 4×4 samples, so edges are anti-aliased as
// a lens would make them.
func (c *Canvas) Draw(s *Symbol, p Placement) [4]scanner.Point {
	if p.Light == 0 && p.Dark == 0 {
		p.Light = 255
	}
	q := float64(s.Quiet())
	hw, hh := float64(s.Width)/2, float64(s.Height)/2
	sin, cos := math.Sincos(-p.Angle * math.Pi / 180)
	toCanvas := func(u, v float64) scanner.Point { // module coords from the centre
		x, y := u*p.Module, v*p.Module
		return scanner.Point{X: p.CX + x*cos - y*sin, Y: p.CY + x*sin + y*cos}
	}
	corners := [4]scanner.Point{toCanvas(-hw, -hh), toCanvas(hw, -hh), toCanvas(hw, hh), toCanvas(-hw, hh)}
	reach := math.Hypot(hw+q, hh+q) * p.Module
	x0, x1 := max(0, int(p.CX-reach)), min(c.Width-1, int(p.CX+reach)+1)
	y0, y1 := max(0, int(p.CY-reach)), min(c.Height-1, int(p.CY+reach)+1)
	const n = 4
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			inside, dark := 0, 0
			for sy := 0; sy < n; sy++ {
				for sx := 0; sx < n; sx++ {
					dx := float64(x) + (float64(sx)+0.5)/n - p.CX
					dy := float64(y) + (float64(sy)+0.5)/n - p.CY
					u := (dx*cos+dy*sin)/p.Module + hw
					v := (-dx*sin+dy*cos)/p.Module + hh
					if u < -q || v < -q || u >= float64(s.Width)+q || v >= float64(s.Height)+q {
						continue
					}
					inside++
					if s.Dark(int(math.Floor(u)), int(math.Floor(v))) {
						dark++
					}
				}
			}
			if inside == 0 {
				continue
			}
			old := float64(c.Pix[y*c.Width+x])
			val := (float64(dark)*float64(p.Dark) + float64(inside-dark)*float64(p.Light)) / float64(inside)
			a := float64(inside) / (n * n)
			c.Pix[y*c.Width+x] = uint8(math.Round(val*a + old*(1-a)))
		}
	}
	return corners
}

// Noise adds uniform noise of the given amplitude to every pixel.
func (c *Canvas) Noise(rng *rand.Rand, amplitude int) {
	if amplitude <= 0 {
		return
	}
	for i, v := range c.Pix {
		n := int(v) + rng.IntN(2*amplitude+1) - amplitude
		c.Pix[i] = uint8(min(255, max(0, n)))
	}
}

// Frame copies the canvas into a frame from pool.
func (c *Canvas) Frame(pool *scanner.PlanePool) *scanner.Frame {
	f := pool.Get(c.Width, c.Height)
	copy(f.Pix, c.Pix)
	return f
}
