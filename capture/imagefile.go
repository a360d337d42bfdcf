//go:build !nocv

package capture

// #cgo !customenv,!opencvstatic pkg-config: opencv4
// #cgo CXXFLAGS: --std=c++11 -O3 -DNDEBUG
// #include "imagefile.h"
import "C"

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"unsafe"

	"gocv.io/x/gocv"

	"github.com/scannerd/scannerd/scanner"
)

// DecodeImage converts an encoded image file to a gray frame from pool
// with decoders several times faster than Go's on large images: PNGs
// with capture's own reader (decodePNG, libdeflate), BMPs and the PNGs
// it leaves (interlaced) with OpenCV's codecs (libpng). The header is
// checked against lim by scanner.CheckImage first, as scanner.DecodeImage
// does; GIF, which OpenCV does not read, and 16-bit images OpenCV gets go
// to scanner.DecodeImage.
//
// So does a JPEG file, as the daemon reads it: libjpeg only warns on
// stderr about a file that is cut short or corrupt and fills the rest in
// grey, where Go's decoder refuses it, and a damaged photo must be an
// error, the same one the daemon gives for the same bytes. (A
// Motion-JPEG video's frames, which a damaged one costs nothing but
// itself, keep libjpeg-turbo: decodeImage.)
//
// cv::imdecode reads data where it lies and writes into the frame's
// plane: a JPEG as its luma channel, as Go's decoder gives it, a gray PNG
// or BMP as it is; colour images decode into a buffer that is turned gray
// the way scanner.DecodeImage does ((R+2G+B)/4 over white), so both
// decoders hand the engine the same pixels, and zeroed before it is
// freed, as is every buffer OpenCV allocates for the pixels, whether the
// decode succeeds or not; the PNG reader zeroes its buffers likewise.
// data belongs to the caller, who zeroes it. The codec libraries' own
// working memory (libpng's rows, zlib's window, libjpeg's buffers,
// libdeflate's code tables) is freed without being zeroed: for local
// files (scanctl decode); files the daemon reads and uploads go through
// the pure-Go decoder, whose buffers runtime/secret erases.
func DecodeImage(data []byte, lim scanner.Limits, pool *scanner.PlanePool) (*scanner.Frame, error) {
	if bytes.HasPrefix(data, []byte(jpegMagic)) {
		return scanner.DecodeImage(data, lim, pool)
	}
	f, _, err := decodeImage(data, lim, pool)
	return f, err
}

// jpegMagic begins every JPEG file (the SOI marker).
const jpegMagic = "\xff\xd8"

// decodeImage is DecodeImage, with libjpeg-turbo for JPEGs (called
// directly, decodeJPEGLuma, not through OpenCV), also returning how many
// bytes of the buffers that held pixels it zeroed.
func decodeImage(data []byte, lim scanner.Limits, pool *scanner.PlanePool) (*scanner.Frame, int, error) {
	format, cfg, err := scanner.CheckImage(data, lim)
	if err != nil {
		return nil, 0, err
	}
	return decodeChecked(data, format, cfg, lim, pool)
}

// decodeChecked is decodeImage for data that has passed
// scanner.CheckImage, which found format and cfg.
func decodeChecked(data []byte, format string, cfg image.Config, lim scanner.Limits, pool *scanner.PlanePool) (*scanner.Frame, int, error) {
	switch format {
	case "png":
		f, wiped, err := decodePNG(data, pool)
		if err != errPNGElsewhere {
			return f, wiped, err
		}
	case "jpeg":
		if f, ok, err := decodeJPEGLuma(data, cfg, pool); ok {
			return f, 0, err
		}
	}
	return decodeOpenCV(data, format, cfg, lim, pool)
}

// decodeOpenCV decodes an image that has passed scanner.CheckImage with
// OpenCV's codecs, or with scanner.DecodeImage where those would give
// other pixels than Go's decoders.
func decodeOpenCV(data []byte, format string, cfg image.Config, lim scanner.Limits, pool *scanner.PlanePool) (*scanner.Frame, int, error) {
	if format == "gif" {
		f, err := scanner.DecodeImage(data, lim, pool)
		return f, 0, err
	}
	flags, palette := C.int(gocv.IMReadUnchanged), C.int(0)
	switch format {
	case "jpeg":
		// Its luma, as Go's decoder gives it: the header's size, not
		// turned by an EXIF orientation Go's decoder does not apply.
		flags = C.int(gocv.IMReadGrayScale | gocv.IMReadIgnoreOrientation)
	case "png":
		colorType, transparent := pngLayout(data)
		if colorType == pngGray && transparent {
			// OpenCV ignores a gray image's transparent shade, which Go's
			// decoder composites over white.
			f, err := scanner.DecodeImage(data, lim, pool)
			return f, 0, err
		}
		if colorType == pngPalette {
			palette = 1
		}
	case "bmp":
		if len(data) > 29 && binary.LittleEndian.Uint16(data[28:]) <= 8 {
			palette = 1 // 1 to 8 bits a pixel index a palette
		}
	}
	f := pool.Get(cfg.Width, cfg.Height)
	var wiped C.size_t
	var err error
	rc := C.scannerd_decode_gray((*C.uchar)(unsafe.Pointer(&data[0])), C.size_t(len(data)), flags, palette,
		(*C.uchar)(unsafe.Pointer(&f.Pix[0])), C.int(f.Width), C.int(f.Height), C.int(f.Stride), &wiped)
	switch rc {
	case C.SCANNERD_DECODED:
		return f, int(wiped), nil
	case C.SCANNERD_UNSUPPORTED:
		// 16-bit images and the like: the Go decoder handles every kind.
		f.Purge()
		g, err := scanner.DecodeImage(data, lim, pool)
		return g, int(wiped), err
	case C.SCANNERD_WRONG_SIZE:
		err = fmt.Errorf("%w: %s decoded to another size than its header's %d×%d", scanner.ErrBadImage, format, cfg.Width, cfg.Height)
	default:
		err = fmt.Errorf("%w: %s: OpenCV could not decode it", scanner.ErrBadImage, format)
	}
	f.Purge()
	return nil, int(wiped), err
}

// PNG colour types (the PNG specification, 11.2.2).
const (
	pngGray    = 0
	pngPalette = 3
)

// pngLayout returns a PNG's colour type, from its header, and whether a
// tRNS chunk gives it transparency: the chunks before the image data are
// walked. data has passed scanner.CheckImage, so the header is whole.
func pngLayout(data []byte) (colorType byte, transparent bool) {
	colorType = data[25] // signature 8, IHDR length and type 8, width and height 8, depth 1
	for at := 8; at+8 <= len(data); {
		n, kind := binary.BigEndian.Uint32(data[at:]), data[at+4:at+8]
		if bytes.Equal(kind, []byte("IDAT")) || n > uint32(len(data)) {
			break
		}
		if bytes.Equal(kind, []byte("tRNS")) {
			return colorType, true
		}
		at += 12 + int(n)
	}
	return colorType, false
}
