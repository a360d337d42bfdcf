package scanner

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"strings"

	"golang.org/x/image/bmp"
)

// Limits bound what an image file may cost. They are checked on the file
// size and on the header's dimensions before any pixel is decoded.
type Limits struct {
	MaxBytes  int64 // size of the encoded file
	MaxPixels int64 // width × height
}

// DefaultLimits admit a 16 MiB file of up to 25 megapixels (6000×4000 and a
// bit more), which bounds a decode to about 100 MiB of pixel memory.
var DefaultLimits = Limits{MaxBytes: 16 << 20, MaxPixels: 25_000_000}

type imageCodec struct {
	name   string
	magic  string
	config func(io.Reader) (image.Config, error)
	decode func(io.Reader) (image.Image, error)
}

// The formats read from files and uploads, recognised by their signature
// rather than through image's global registry.
var imageCodecs = [...]imageCodec{
	{"png", "\x89PNG\r\n\x1a\n", png.DecodeConfig, png.Decode},
	{"jpeg", "\xff\xd8", jpeg.DecodeConfig, jpeg.Decode},
	{"gif", "GIF8", gif.DecodeConfig, gif.Decode},
	{"bmp", "BM", bmp.DecodeConfig, bmp.Decode},
}

// ImageFormat names the format of an encoded image from its first bytes, or
// returns "" when it is none that scannerd reads.
func ImageFormat(data []byte) string {
	for _, c := range imageCodecs {
		if bytes.HasPrefix(data, []byte(c.magic)) {
			return c.name
		}
	}
	return ""
}

// ReadImage reads an encoded image (PNG, JPEG, GIF or BMP) of at most
// lim.MaxBytes from r and converts it to a gray frame from pool. The bytes
// it read are zeroed before it returns, as is every copy DecodeImage makes.
func ReadImage(r io.Reader, lim Limits, pool *PlanePool) (*Frame, error) {
	data, err := ReadEncoded(r, lim.MaxBytes, 0)
	defer clear(data)
	if err != nil {
		return nil, fmt.Errorf("read image: %w", err)
	}
	return DecodeImage(data, lim, pool)
}

// ReadEncoded reads r to its end, at most limit+1 bytes (so that a caller
// can tell a longer input), into one buffer it grows without leaving
// copies behind: each buffer it outgrows is zeroed. The caller zeroes the
// result once done with it. size, when above 0, is the expected length
// (an HTTP Content-Length); an *os.File (or anything with a Stat method)
// gives its own.
func ReadEncoded(r io.Reader, limit, size int64) ([]byte, error) {
	size++ // room to see the end
	if st, ok := r.(interface{ Stat() (fs.FileInfo, error) }); ok {
		if fi, err := st.Stat(); err == nil && fi.Mode().IsRegular() {
			size = fi.Size() + 1
		}
	}
	buf := make([]byte, 0, int(min(max(size, 512), limit+1)))
	for int64(len(buf)) <= limit {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), int(min(2*int64(cap(buf)), limit+1)))
			copy(grown, buf)
			clear(buf)
			buf = grown
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}

// DecodeImage converts an encoded image (PNG, JPEG, GIF or BMP) to a gray
// frame from pool. The header is checked against lim before the pixels are
// decoded, so a huge declared size costs nothing; truncated or corrupt data
// gives an error wrapping ErrBadImage.
//
// No copy of the pixels outlives the call but the frame: the decoded image
// is zeroed once converted, and, in a build that erases decoder memory
// (ErasesDecoderMemory), every buffer the format's decoder allocated is
// zeroed by the garbage collector once unreachable. data belongs to the
// caller, who zeroes it.
func DecodeImage(data []byte, lim Limits, pool *PlanePool) (*Frame, error) {
	codec, _, err := checkImage(data, lim)
	if err != nil {
		return nil, err
	}
	var f *Frame
	decodeErased(func() {
		var img image.Image
		img, err = codec.decode(bytes.NewReader(data))
		if err != nil {
			err = badImage(codec.name, err)
			return
		}
		defer wipeImage(img)
		b := img.Bounds()
		if b.Dx() <= 0 || b.Dy() <= 0 || int64(b.Dx())*int64(b.Dy()) > lim.MaxPixels {
			err = fmt.Errorf("%w: decoded %s has bounds %v", ErrBadImage, codec.name, b)
			return
		}
		f = pool.Get(b.Dx(), b.Dy())
		grayInto(f, img)
	})
	return f, err
}

// wipeImage zeroes the pixels of a decoded image.
func wipeImage(img image.Image) {
	switch m := img.(type) {
	case *image.Gray:
		clear(m.Pix)
	case *image.Gray16:
		clear(m.Pix)
	case *image.RGBA:
		clear(m.Pix)
	case *image.RGBA64:
		clear(m.Pix)
	case *image.NRGBA:
		clear(m.Pix)
	case *image.NRGBA64:
		clear(m.Pix)
	case *image.CMYK:
		clear(m.Pix)
	case *image.Alpha:
		clear(m.Pix)
	case *image.Alpha16:
		clear(m.Pix)
	case *image.Paletted:
		clear(m.Pix)
		clear(m.Palette)
	case *image.YCbCr:
		clear(m.Y)
		clear(m.Cb)
		clear(m.Cr)
	case *image.NYCbCrA:
		clear(m.Y)
		clear(m.Cb)
		clear(m.Cr)
		clear(m.A)
	}
}

// CheckImage reads an encoded image's format and size from its header and
// checks them against lim, and the size of its data against the pixels
// the header declares (a decompression bomb is refused), without decoding
// pixels: what DecodeImage does first, for other decoders to do the same.
func CheckImage(data []byte, lim Limits) (format string, cfg image.Config, err error) {
	codec, cfg, err := checkImage(data, lim)
	if err != nil {
		return "", cfg, err
	}
	return codec.name, cfg, nil
}

func checkImage(data []byte, lim Limits) (*imageCodec, image.Config, error) {
	if int64(len(data)) > lim.MaxBytes {
		return nil, image.Config{}, fmt.Errorf("%w: more than %d bytes", ErrImageTooLarge, lim.MaxBytes)
	}
	if len(data) == 0 {
		return nil, image.Config{}, errEmptyImage
	}
	var codec *imageCodec
	for i := range imageCodecs {
		if bytes.HasPrefix(data, []byte(imageCodecs[i].magic)) {
			codec = &imageCodecs[i]
		}
	}
	if codec == nil {
		return nil, image.Config{}, ErrUnsupportedImage
	}
	cfg, err := codec.config(bytes.NewReader(data))
	if errors.Is(err, bmp.ErrUnsupported) {
		// A valid BMP of a kind the reader does not take (run-length
		// encoded, say): unsupported, not corrupt.
		return nil, cfg, errUnsupportedBMP
	}
	if err != nil {
		return nil, cfg, badImage(codec.name+" header", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, cfg, fmt.Errorf("%w: %s of %d×%d pixels", ErrBadImage, codec.name, cfg.Width, cfg.Height)
	}
	if int64(cfg.Width)*int64(cfg.Height) > lim.MaxPixels {
		return nil, cfg, fmt.Errorf("%w: %d×%d is more than %d pixels", ErrImageTooLarge, cfg.Width, cfg.Height, lim.MaxPixels)
	}
	if cfg.Width > MaxFrameSide || cfg.Height > MaxFrameSide {
		return nil, cfg, fmt.Errorf("%w: %d×%d has a side longer than %d pixels", ErrImageTooLarge, cfg.Width, cfg.Height, MaxFrameSide)
	}
	if err := checkImageData(codec.name, data, cfg); err != nil {
		return nil, cfg, err
	}
	return codec, cfg, nil
}

// grayInto writes img's luminance into f, which has img's size. Colour
// becomes (R+2G+B)/4, as ZXing computes it, composited over white where the
// image is transparent.
func grayInto(f *Frame, img image.Image) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	switch m := img.(type) {
	case *image.Gray:
		for y := 0; y < h; y++ {
			copy(f.Pix[y*f.Stride:y*f.Stride+w], m.Pix[y*m.Stride:])
		}
	case *image.YCbCr:
		for y := 0; y < h; y++ {
			copy(f.Pix[y*f.Stride:y*f.Stride+w], m.Y[y*m.YStride:])
		}
	case *image.NRGBA:
		for y := 0; y < h; y++ {
			src := m.Pix[y*m.Stride : y*m.Stride+4*w]
			dst := f.Pix[y*f.Stride : y*f.Stride+w]
			for x := range dst {
				p := src[4*x : 4*x+4 : 4*x+4]
				lum := (uint32(p[0]) + 2*uint32(p[1]) + uint32(p[2])) / 4
				a := uint32(p[3])
				dst[x] = uint8((lum*a + 255*(255-a)) / 255)
			}
		}
	case *image.RGBA: // premultiplied: over white adds the uncovered share
		for y := 0; y < h; y++ {
			src := m.Pix[y*m.Stride : y*m.Stride+4*w]
			dst := f.Pix[y*f.Stride : y*f.Stride+w]
			for x := range dst {
				p := src[4*x : 4*x+4 : 4*x+4]
				lum := (uint32(p[0]) + 2*uint32(p[1]) + uint32(p[2])) / 4
				dst[x] = uint8(min(255, lum+255-uint32(p[3])))
			}
		}
	case *image.Paletted:
		var lut [256]uint8
		for i, c := range m.Palette {
			lut[i] = luminanceOf(c.RGBA())
		}
		for y := 0; y < h; y++ {
			src := m.Pix[y*m.Stride : y*m.Stride+w]
			dst := f.Pix[y*f.Stride : y*f.Stride+w]
			for x, v := range src {
				dst[x] = lut[v]
			}
		}
	default:
		for y := 0; y < h; y++ {
			dst := f.Pix[y*f.Stride : y*f.Stride+w]
			for x := range dst {
				dst[x] = luminanceOf(img.At(b.Min.X+x, b.Min.Y+y).RGBA())
			}
		}
	}
}

// luminanceOf takes 16-bit premultiplied channels, as color.Color.RGBA gives.
func luminanceOf(r, g, b, a uint32) uint8 {
	lum := (r + 2*g + b) / 4
	return uint8(min(0xffff, lum+0xffff-a) >> 8)
}

// errUnsupportedBMP: the BMP reader takes uncompressed BMPs of 1, 2, 4,
// 8, 24 and 32 bits a pixel (32 also with the default BI_BITFIELDS
// masks); a compressed one (RLE4, RLE8, embedded JPEG or PNG), 16-bit or
// with other masks is refused as a format it does not read.
var errUnsupportedBMP = fmt.Errorf("%w: bmp: a compressed (RLE, JPEG, PNG), 16-bit or bit-field BMP; only uncompressed BMPs of 1, 2, 4, 8, 24 or 32 bits a pixel are read", ErrUnsupportedImage)

// errEmptyImage: no bytes at all say nothing of a format; the file (or
// upload) is empty, which is what to tell.
var errEmptyImage = fmt.Errorf("%w: empty file (0 bytes)", ErrBadImage)

// badImage wraps a codec's error in ErrBadImage, naming the codec once:
// the standard library's codecs already begin their errors with it.
func badImage(what string, err error) error {
	name, _, _ := strings.Cut(what, " ")
	if strings.HasPrefix(err.Error(), name+": ") {
		return fmt.Errorf("%w: %w", ErrBadImage, err)
	}
	return fmt.Errorf("%w: %s: %w", ErrBadImage, what, err)
}
