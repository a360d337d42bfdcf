//go:build !nocv

package capture

// #cgo !customenv pkg-config: libdeflate
// #cgo CFLAGS: -O3 -DNDEBUG
// #include "pngread.h"
import "C"

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image/color"
	"unsafe"

	"github.com/scannerd/scannerd/scanner"
)

// errPNGElsewhere says a PNG is valid as far as the reader looked but of a
// kind it leaves to OpenCV's decoder: interlaced, or with data after its
// image stream that Go's decoder may or may not accept.
var errPNGElsewhere = errors.New("png: left to another decoder")

// The stages of a PNG's chunk sequence (the PNG specification, 2nd
// edition, 5.6): which critical chunks have been seen, in order.
const (
	pngStart = iota
	pngSeenIHDR
	pngSeenPLTE
	pngSeenTRNS
	pngSeenIDAT
	pngSeenIEND
)

// PNG colour types beside pngGray and pngPalette (11.2.2).
const (
	pngRGB       = 2
	pngGrayAlpha = 4
	pngRGBA      = 6
)

// pngFile is what a PNG's chunks say: its header, palette, transparency
// and the data of its first run of IDAT chunks.
type pngFile struct {
	width, height    int
	depth, colorType byte
	interlaced       bool
	plte, trns       []byte
	idat             [][]byte
}

// samples is the number of samples a pixel of the colour type has.
func (p *pngFile) samples() int {
	switch p.colorType {
	case pngRGB:
		return 3
	case pngGrayAlpha:
		return 2
	case pngRGBA:
		return 4
	}
	return 1
}

func pngError(format string, a ...any) error {
	return fmt.Errorf("%w: png: %s", scanner.ErrBadImage, fmt.Sprintf(format, a...))
}

// parsePNG walks a PNG's chunks from its signature to IEND, checking each
// one's length and CRC and the order and contents of the critical ones as
// Go's image/png does: an error here is an image Go's decoder rejects too.
// Chunks after IEND are not read, nor are ancillary chunks interpreted
// but tRNS.
func parsePNG(data []byte) (*pngFile, error) {
	const signature = "\x89PNG\r\n\x1a\n"
	if len(data) < len(signature) || string(data[:len(signature)]) != signature {
		return nil, pngError("not a PNG file")
	}
	p := &pngFile{}
	stage := pngStart
	rest := data[len(signature):]
	for stage != pngSeenIEND {
		if len(rest) < 12 {
			return nil, pngError("truncated before IEND")
		}
		n, kind := binary.BigEndian.Uint32(rest), string(rest[4:8])
		if n > 0x7fffffff || uint64(n) > uint64(len(rest)-12) {
			return nil, pngError("%q chunk of %d bytes is cut off", kind, n)
		}
		body := rest[8 : 8+n]
		if crc32.ChecksumIEEE(rest[4:8+n]) != binary.BigEndian.Uint32(rest[8+n:]) {
			return nil, pngError("%q chunk has a wrong CRC", kind)
		}
		rest = rest[12+n:]
		var err error
		switch kind {
		case "IHDR":
			if stage != pngStart {
				return nil, pngError("IHDR out of order")
			}
			stage, err = pngSeenIHDR, p.header(body)
		case "PLTE":
			if stage != pngSeenIHDR {
				return nil, pngError("PLTE out of order")
			}
			stage, err = pngSeenPLTE, p.palette(body)
		case "tRNS":
			switch {
			case p.colorType == pngPalette && stage != pngSeenPLTE,
				p.colorType == pngRGB && stage != pngSeenIHDR && stage != pngSeenPLTE,
				p.colorType != pngPalette && p.colorType != pngRGB && stage != pngSeenIHDR:
				return nil, pngError("tRNS out of order")
			}
			stage, err = pngSeenTRNS, p.transparency(body)
		case "IDAT":
			if stage < pngSeenIHDR || stage == pngSeenIHDR && p.colorType == pngPalette {
				return nil, pngError("IDAT out of order")
			}
			if stage == pngSeenIDAT {
				break // IDAT chunks after the first run are ignored, as by Go's decoder
			}
			stage = pngSeenIDAT
			p.idat = append(p.idat, body)
			// The run's next chunks, checked as they are taken.
			for len(rest) >= 12 && string(rest[4:8]) == "IDAT" {
				n := binary.BigEndian.Uint32(rest)
				if n > 0x7fffffff || uint64(n) > uint64(len(rest)-12) {
					return nil, pngError("IDAT chunk of %d bytes is cut off", n)
				}
				if crc32.ChecksumIEEE(rest[4:8+n]) != binary.BigEndian.Uint32(rest[8+n:]) {
					return nil, pngError("IDAT chunk has a wrong CRC")
				}
				p.idat = append(p.idat, rest[8:8+n])
				rest = rest[12+n:]
			}
		case "IEND":
			if stage != pngSeenIDAT {
				return nil, pngError("IEND out of order")
			}
			if n != 0 {
				return nil, pngError("IEND of %d bytes", n)
			}
			stage = pngSeenIEND
		}
		if err != nil {
			return nil, err
		}
	}
	return p, nil
}

// header reads IHDR (11.2.2).
func (p *pngFile) header(b []byte) error {
	if len(b) != 13 {
		return pngError("IHDR of %d bytes", len(b))
	}
	w, h := int32(binary.BigEndian.Uint32(b)), int32(binary.BigEndian.Uint32(b[4:]))
	if w <= 0 || h <= 0 {
		return pngError("%d×%d pixels", w, h)
	}
	p.width, p.height, p.depth, p.colorType = int(w), int(h), b[8], b[9]
	if b[10] != 0 || b[11] != 0 {
		return pngError("compression method %d, filter method %d", b[10], b[11])
	}
	if b[12] > 1 {
		return pngError("interlace method %d", b[12])
	}
	p.interlaced = b[12] == 1
	ok := false
	switch p.colorType {
	case pngGray:
		ok = p.depth == 1 || p.depth == 2 || p.depth == 4 || p.depth == 8 || p.depth == 16
	case pngPalette:
		ok = p.depth == 1 || p.depth == 2 || p.depth == 4 || p.depth == 8
	case pngRGB, pngGrayAlpha, pngRGBA:
		ok = p.depth == 8 || p.depth == 16
	}
	if !ok {
		return pngError("bit depth %d with colour type %d", p.depth, p.colorType)
	}
	return nil
}

// palette reads PLTE (11.2.3), which a truecolour image may carry as a
// suggestion and a gray one may not.
func (p *pngFile) palette(b []byte) error {
	entries := len(b) / 3
	if len(b)%3 != 0 || entries == 0 || entries > 256 || entries > 1<<p.depth {
		return pngError("PLTE of %d bytes", len(b))
	}
	switch p.colorType {
	case pngPalette:
		p.plte = b
	case pngRGB, pngRGBA:
	default:
		return pngError("PLTE in an image of colour type %d", p.colorType)
	}
	return nil
}

// transparency reads tRNS (11.3.2).
func (p *pngFile) transparency(b []byte) error {
	ok := false
	switch p.colorType {
	case pngGray:
		ok = len(b) == 2
	case pngRGB:
		ok = len(b) == 6
	case pngPalette:
		ok = len(b) <= 256
	}
	if !ok {
		return pngError("tRNS of %d bytes in an image of colour type %d", len(b), p.colorType)
	}
	p.trns = b
	return nil
}

// layout describes the image data to the C side: how its rows turn gray
// the way scanner.DecodeImage turns the image Go's decoder makes of them.
func (p *pngFile) layout() C.scannerd_png_layout {
	l := C.scannerd_png_layout{
		width:  C.int(p.width),
		height: C.int(p.height),
		bits:   C.int(int(p.depth) * p.samples()),
	}
	trns := func(i int) C.uint16_t { return C.uint16_t(binary.BigEndian.Uint16(p.trns[2*i:])) }
	if p.trns != nil {
		l.transparent = 1
	}
	switch {
	case p.colorType == pngPalette:
		l.layout = C.SCANNERD_PNG_LUT
		for i := range l.lut {
			c := color.NRGBA{A: 0xff}
			if 3*i < len(p.plte) {
				c.R, c.G, c.B = p.plte[3*i], p.plte[3*i+1], p.plte[3*i+2]
			}
			if i < len(p.trns) {
				c.A = p.trns[i]
			}
			l.lut[i] = C.uint8_t(luminance(c))
		}
	case p.colorType == pngGray && p.depth == 8 && p.trns == nil:
		l.layout = C.SCANNERD_PNG_GRAY8
	case p.colorType == pngGray && p.depth <= 8:
		// Go's decoder widens the samples to 8 bits, compares the shade
		// widened the same way in a byte, and gives NRGBA when tRNS is
		// there, which is either opaque or white.
		l.layout = C.SCANNERD_PNG_LUT
		levels := 1 << int(p.depth)
		scale := byte(0xff / (levels - 1))
		for v := range levels {
			l.lut[v] = C.uint8_t(byte(v) * scale)
			if p.trns != nil && byte(v)*scale == p.trns[1]*scale {
				l.lut[v] = 0xff
			}
		}
	case p.colorType == pngGray:
		l.layout = C.SCANNERD_PNG_GRAY16
		if p.trns != nil {
			l.trns[0] = trns(0)
		}
	case p.colorType == pngRGB:
		l.layout = C.SCANNERD_PNG_RGB8
		if p.depth == 16 {
			l.layout = C.SCANNERD_PNG_RGB16
		}
		if p.trns != nil {
			for i := range 3 {
				l.trns[i] = trns(i)
				if p.depth == 8 {
					l.trns[i] &= 0xff // Go's decoder compares the low bytes
				}
			}
		}
	case p.colorType == pngGrayAlpha:
		l.layout = C.SCANNERD_PNG_GA8
		if p.depth == 16 {
			l.layout = C.SCANNERD_PNG_GA16
		}
	case p.colorType == pngRGBA:
		l.layout = C.SCANNERD_PNG_RGBA8
		if p.depth == 16 {
			l.layout = C.SCANNERD_PNG_RGBA16
		}
	}
	return l
}

// luminance is scanner.DecodeImage's gray of a palette colour: (R+2G+B)/4
// over white, on 16-bit premultiplied channels.
func luminance(c color.Color) uint8 {
	r, g, b, a := c.RGBA()
	return uint8(min(0xffff, (r+2*g+b)/4+0xffff-a) >> 8)
}

// decodePNG reads a PNG (which scanner.CheckImage has passed against
// limits) into a gray frame from pool: its chunks walked in Go, its image
// data inflated in one call with libdeflate into a buffer of exactly the
// rows' size, unfiltered and turned gray in C. It gives the frame Go's
// decoder and scanner.DecodeImage give, or the error Go's decoder gives
// (wrapping scanner.ErrBadImage), or errPNGElsewhere. The buffers that
// hold image bytes (the rows, and the compressed data when it spans IDAT
// chunks) are zeroed before they are freed; wiped counts their bytes.
func decodePNG(data []byte, pool *scanner.PlanePool) (f *scanner.Frame, wiped int, err error) {
	p, err := parsePNG(data)
	if err != nil {
		return nil, 0, err
	}
	if p.interlaced {
		return nil, 0, errPNGElsewhere
	}
	n := 0
	for _, c := range p.idat {
		n += len(c)
	}
	if n == 0 {
		return nil, 0, pngError("no image data")
	}
	// A bomb of few bytes declaring many pixels is refused before the
	// rows' buffer is allocated.
	// scanner.CheckImage has counted every IDAT chunk; this reader takes
	// the first run of them only.
	if need := scanner.PNGImageBytes(p.width, p.height, int(p.depth), p.samples(), false); need > scanner.MaxDeflateRatio*uint64(n) {
		return nil, 0, pngError("%d bytes of image data cannot hold the %d of %d×%d pixels", n, need, p.width, p.height)
	}
	z := p.idat[0]
	if len(p.idat) > 1 {
		z = make([]byte, 0, n)
		for _, c := range p.idat {
			z = append(z, c...)
		}
		defer func() { clear(z); wiped += len(z) }()
	}
	l := p.layout()
	f = pool.Get(p.width, p.height)
	var used, cleared C.size_t
	rc := C.scannerd_png_gray((*C.uint8_t)(unsafe.Pointer(&z[0])), C.size_t(len(z)), &l,
		(*C.uint8_t)(unsafe.Pointer(&f.Pix[0])), C.size_t(f.Stride), &used, &cleared)
	wiped = int(cleared)
	switch rc {
	case C.SCANNERD_PNG_DECODED:
		if !endsAChunk(p.idat, int(used)) {
			err = errPNGElsewhere
		}
	case C.SCANNERD_PNG_SHORT:
		err = pngError("not enough image data for %d×%d pixels", p.width, p.height)
	case C.SCANNERD_PNG_TOO_MUCH:
		err = pngError("more image data than %d×%d pixels", p.width, p.height)
	case C.SCANNERD_PNG_BAD_FILTER:
		err = pngError("a row of an unknown filter type")
	case C.SCANNERD_PNG_NO_MEMORY:
		err = fmt.Errorf("png: out of memory for %d×%d pixels", p.width, p.height)
	default:
		err = pngError("corrupt image data (zlib)")
	}
	if err != nil {
		f.Purge()
		return nil, wiped, err
	}
	return f, wiped, nil
}

// usePNGBaselineLoops makes the PNG reader unfilter rows with the loops
// built for the baseline CPU only (on), or with the fastest the CPU runs:
// tests compare both with Go's decoder.
func usePNGBaselineLoops(on bool) {
	C.scannerd_png_baseline = 0
	if on {
		C.scannerd_png_baseline = 1
	}
}

// endsAChunk says the zlib stream, used bytes of the IDAT chunks' data,
// ends where one of them ends: the chunks after it (empty or not) Go's
// decoder ignores; bytes after it in its own chunk it may or may not
// reject, depending on how far it read ahead.
func endsAChunk(idat [][]byte, used int) bool {
	for _, c := range idat {
		used -= len(c)
		if used <= 0 {
			return used == 0
		}
	}
	return false
}
