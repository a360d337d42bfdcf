package scanner_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/image/bmp"

	"github.com/scannerd/scannerd/internal/imagebomb"
	"github.com/scannerd/scannerd/scanner"
)

// pngHeader returns a PNG signature and IHDR chunk declaring w×h 8-bit gray
// pixels, followed by nothing: what an attacker sends to make a server
// allocate a huge image.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8] = 8 // bit depth; colour type 0 (gray), default compression/filter/interlace
	chunk := append([]byte("IHDR"), ihdr...)
	binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

func TestDecodeImageRefusesHugeHeaderWithoutAllocating(t *testing.T) {
	data := pngHeader(60000, 60000)
	pool := scanner.NewPlanePool(0)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := scanner.DecodeImage(data, scanner.DefaultLimits, pool)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, scanner.ErrImageTooLarge) {
		t.Fatalf("60000×60000 PNG: err = %v, want ErrImageTooLarge", err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Errorf("refusing the header allocated %d bytes", n)
	}
	if pool.Stats().Gets != 0 {
		t.Error("a frame was taken for a refused image")
	}
}

// A 25,000,000×1 image is within the pixel limit, but the decoders keep
// buffers as long as a row: it took RSS to 2 GB. Its header is refused.
func TestDecodeImageRefusesAbsurdSides(t *testing.T) {
	pool := scanner.NewPlanePool(0)
	for _, size := range [][2]int{{25_000_000, 1}, {1, 25_000_000}, {scanner.MaxFrameSide + 1, 100}} {
		_, err := scanner.DecodeImage(pngHeader(uint32(size[0]), uint32(size[1])), scanner.DefaultLimits, pool)
		if !errors.Is(err, scanner.ErrImageTooLarge) {
			t.Errorf("%d×%d PNG: err = %v, want ErrImageTooLarge", size[0], size[1], err)
		}
	}
	if pool.Stats().Gets != 0 {
		t.Error("a frame was taken for a refused image")
	}
}

// A pool keeps free buffers of a few sizes only, however many sizes pass
// through it, and none at all when told so.
func TestPlanePoolKeepsFewSizes(t *testing.T) {
	for _, tc := range []struct{ maxFree, most int }{{2, 4 * 2}, {-1, 0}} {
		pool := scanner.NewPlanePool(tc.maxFree)
		for side := 10; side < 30; side++ {
			a, b := pool.Get(side, side), pool.Get(side, side)
			a.Purge()
			b.Purge()
		}
		if st := pool.Stats(); st.Free > tc.most || st.Outgoing != 0 {
			t.Errorf("NewPlanePool(%d) after 20 sizes: %+v, want at most %d free", tc.maxFree, st, tc.most)
		}
	}
}

func testImage() *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, 40, 30))
	for y := 0; y < 30; y++ {
		for x := 0; x < 40; x++ {
			img.Set(x, y, color.NRGBA{uint8(6 * x), uint8(8 * y), 100, 255})
		}
	}
	return img
}

func encodeAll(t testing.TB) map[string][]byte {
	img := testImage()
	out := map[string][]byte{}
	var b bytes.Buffer
	for name, enc := range map[string]func() error{
		"png":  func() error { return png.Encode(&b, img) },
		"jpeg": func() error { return jpeg.Encode(&b, img, &jpeg.Options{Quality: 95}) },
		"gif":  func() error { return gif.Encode(&b, img, nil) },
		"bmp":  func() error { return bmp.Encode(&b, img) },
	} {
		b.Reset()
		if err := enc(); err != nil {
			t.Fatal(err)
		}
		out[name] = bytes.Clone(b.Bytes())
	}
	return out
}

func TestDecodeImageFormats(t *testing.T) {
	pool := scanner.NewPlanePool(0)
	img := testImage()
	for name, data := range encodeAll(t) {
		t.Run(name, func(t *testing.T) {
			if got := scanner.ImageFormat(data); got != name {
				t.Errorf("ImageFormat = %q", got)
			}
			f, err := scanner.DecodeImage(data, scanner.DefaultLimits, pool)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Purge()
			if f.Width != 40 || f.Height != 30 {
				t.Fatalf("size %d×%d", f.Width, f.Height)
			}
			// (R+2G+B)/4 of the source, within what lossy formats change.
			tol := 2
			if name == "jpeg" || name == "gif" {
				tol = 24
			}
			for _, p := range []image.Point{{0, 0}, {39, 0}, {20, 15}, {39, 29}} {
				c := img.NRGBAAt(p.X, p.Y)
				want := (int(c.R) + 2*int(c.G) + int(c.B)) / 4
				if got := int(f.Pix[p.Y*f.Stride+p.X]); got < want-tol || got > want+tol {
					t.Errorf("pixel %v = %d, want %d±%d", p, got, want, tol)
				}
			}
		})
	}
	checkPurged(t, pool)
}

func TestDecodeImageBadInput(t *testing.T) {
	pool := scanner.NewPlanePool(0)
	all := encodeAll(t)
	cases := map[string]struct {
		data []byte
		lim  scanner.Limits
		want error
	}{
		"empty":           {nil, scanner.DefaultLimits, scanner.ErrBadImage},
		"text":            {[]byte("hello, world"), scanner.DefaultLimits, scanner.ErrUnsupportedImage},
		"webp":            {[]byte("RIFF\x00\x00\x00\x00WEBPVP8 "), scanner.DefaultLimits, scanner.ErrUnsupportedImage},
		"truncated png":   {all["png"][:len(all["png"])/2], scanner.DefaultLimits, scanner.ErrBadImage},
		"truncated jpeg":  {all["jpeg"][:len(all["jpeg"])/2], scanner.DefaultLimits, scanner.ErrBadImage},
		"truncated gif":   {all["gif"][:len(all["gif"])/2], scanner.DefaultLimits, scanner.ErrBadImage},
		"truncated bmp":   {all["bmp"][:len(all["bmp"])/2], scanner.DefaultLimits, scanner.ErrBadImage},
		"rle8 bmp":        {[]byte(imagebomb.RLE8BMP), scanner.DefaultLimits, scanner.ErrUnsupportedImage},
		"header only":     {all["png"][:20], scanner.DefaultLimits, scanner.ErrBadImage},
		"zero size":       {pngHeader(0, 10), scanner.DefaultLimits, scanner.ErrBadImage},
		"too many bytes":  {all["png"], scanner.Limits{MaxBytes: 100, MaxPixels: 1 << 20}, scanner.ErrImageTooLarge},
		"too many pixels": {all["png"], scanner.Limits{MaxBytes: 1 << 20, MaxPixels: 1000}, scanner.ErrImageTooLarge},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f, err := scanner.DecodeImage(tc.data, tc.lim, pool)
			if !errors.Is(err, tc.want) {
				f.Purge()
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			// The message names the format once ("bad image: png: …").
			for _, format := range []string{"png", "jpeg", "gif", "bmp"} {
				if strings.Count(err.Error(), format+":") > 1 {
					t.Errorf("format named twice: %v", err)
				}
			}
		})
	}
	checkPurged(t, pool)
}

// FuzzDecodeImage feeds arbitrary bytes through what an upload goes
// through: header check, pixel decode, and the decoder itself, with the
// default symbologies and with every one (an upload may ask for any).
func FuzzDecodeImage(f *testing.F) {
	all := encodeAll(f)
	for _, name := range []string{"png", "jpeg", "gif", "bmp"} {
		f.Add(all[name])
	}
	f.Add(pngHeader(60000, 60000))
	lim := scanner.Limits{MaxBytes: 1 << 20, MaxPixels: 1 << 18}
	f.Fuzz(func(t *testing.T, data []byte) {
		pool := scanner.NewPlanePool(0)
		fr, err := scanner.DecodeImage(data, lim, pool)
		if err != nil {
			if !errors.Is(err, scanner.ErrBadImage) && !errors.Is(err, scanner.ErrImageTooLarge) &&
				!errors.Is(err, scanner.ErrUnsupportedImage) {
				t.Fatalf("unclassified error: %v", err)
			}
			return
		}
		if int64(fr.Width)*int64(fr.Height) > lim.MaxPixels {
			t.Fatalf("decoded %d×%d beyond the limit", fr.Width, fr.Height)
		}
		scanner.DecodeFrame(fr, scanner.Options{TryHarder: true, TryInverted: true, TryRotated: true})
		scanner.DecodeFrame(fr, scanner.Options{Symbologies: scanner.AllSymbologies(), TryHarder: true, TryInverted: true, TryRotated: true})
		fr.Purge()
		if pool.Stats().Outgoing != 0 {
			t.Fatal("frame not returned")
		}
	})
}
