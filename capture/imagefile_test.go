//go:build !nocv

package capture_test

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"syscall"
	"testing"
	"time"

	"golang.org/x/image/bmp"

	"github.com/scannerd/scannerd/capture"
	"github.com/scannerd/scannerd/internal/blackbox"
	"github.com/scannerd/scannerd/scanner"
)

func sampleImages(t testing.TB) map[string][]byte {
	gray := image.NewGray(image.Rect(0, 0, 48, 32))
	rgb := image.NewNRGBA(image.Rect(0, 0, 48, 32))
	// Opaque, so PNG stores three channels; a width that is no multiple
	// of four.
	opaque := image.NewNRGBA(image.Rect(0, 0, 47, 31))
	for y := 0; y < 32; y++ {
		for x := 0; x < 48; x++ {
			gray.SetGray(x, y, color.Gray{uint8(5 * x)})
			rgb.Set(x, y, color.NRGBA{uint8(5 * x), uint8(7 * y), 90, uint8(255 - 3*x)})
			opaque.Set(x, y, color.NRGBA{uint8(5 * x), uint8(7 * y), uint8(11 * (x + y)), 255})
		}
	}
	out := map[string][]byte{}
	var b bytes.Buffer
	for name, enc := range map[string]func() error{
		"gray.png": func() error { return png.Encode(&b, gray) },
		"rgba.png": func() error { return png.Encode(&b, rgb) },
		"rgb.png":  func() error { return png.Encode(&b, opaque) },
		"rgb.jpeg": func() error { return jpeg.Encode(&b, rgb, &jpeg.Options{Quality: 95}) },
		"rgb.bmp":  func() error { return bmp.Encode(&b, gray) },
		"pal.gif":  func() error { return gif.Encode(&b, gray, nil) },
	} {
		b.Reset()
		if err := enc(); err != nil {
			t.Fatal(err)
		}
		out[name] = bytes.Clone(b.Bytes())
	}
	return out
}

// TestDecodeImageMatchesGo: OpenCV's codecs give the engine the pixels
// Go's decoders give it, for every format.
func TestDecodeImageMatchesGo(t *testing.T) {
	pool := scanner.NewPlanePool(0)
	for name, data := range sampleImages(t) {
		t.Run(name, func(t *testing.T) {
			want, err := scanner.DecodeImage(data, scanner.DefaultLimits, pool)
			if err != nil {
				t.Fatal(err)
			}
			defer want.Purge()
			got, err := capture.DecodeImage(data, scanner.DefaultLimits, pool)
			if err != nil {
				t.Fatal(err)
			}
			defer got.Purge()
			if got.Width != want.Width || got.Height != want.Height {
				t.Fatalf("%d×%d, want %d×%d", got.Width, got.Height, want.Width, want.Height)
			}
			tol := 0
			if name == "rgb.jpeg" {
				tol = 3 // two IDCT implementations
			}
			for i := range want.Pix {
				if d := int(got.Pix[i]) - int(want.Pix[i]); d > tol || d < -tol {
					t.Fatalf("pixel %d: %d, Go's decoder gives %d", i, got.Pix[i], want.Pix[i])
				}
			}
		})
	}
}

func TestDecodeImageBadInput(t *testing.T) {
	pool := scanner.NewPlanePool(0)
	imgs := sampleImages(t)
	for name, tc := range map[string]struct {
		data []byte
		want error
	}{
		"text":           {[]byte("not an image at all"), scanner.ErrUnsupportedImage},
		"truncated png":  {imgs["rgba.png"][:len(imgs["rgba.png"])/2], scanner.ErrBadImage},
		"truncated jpeg": {imgs["rgb.jpeg"][:40], scanner.ErrBadImage},
	} {
		if _, err := capture.DecodeImage(tc.data, scanner.DefaultLimits, pool); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", name, err, tc.want)
		}
	}
	if _, err := capture.DecodeImage(imgs["gray.png"], scanner.Limits{MaxBytes: 1 << 20, MaxPixels: 100}, pool); !errors.Is(err, scanner.ErrImageTooLarge) {
		t.Errorf("over the pixel limit: %v", err)
	}
	if st := pool.Stats(); st.Outgoing != 0 {
		t.Errorf("frames left: %+v", st)
	}
}

// FuzzDecodeImageOpenCV: whatever a file holds, OpenCV's codecs behind the
// header check give a frame or an error.
func FuzzDecodeImageOpenCV(f *testing.F) {
	for _, data := range sampleImages(f) {
		f.Add(data)
	}
	lim := scanner.Limits{MaxBytes: 1 << 20, MaxPixels: 1 << 18}
	f.Fuzz(func(t *testing.T, data []byte) {
		pool := scanner.NewPlanePool(0)
		fr, err := capture.DecodeImage(data, lim, pool)
		if err == nil {
			fr.Purge()
		}
		if pool.Stats().Outgoing != 0 {
			t.Fatal("frame left behind")
		}
	})
}

// TestDecodeImageMatchesGoOnBlackbox: over the real photos and scans of
// the shared set (all PNGs), the PNG reader and OpenCV's codecs each give
// the engine exactly the gray plane Go's decoders give it.
func TestDecodeImageMatchesGoOnBlackbox(t *testing.T) {
	pool := scanner.NewPlanePool(0)
	opencv := func(data []byte, lim scanner.Limits, pool *scanner.PlanePool) (*scanner.Frame, error) {
		f, _, err := capture.DecodeImageOpenCV(data, lim, pool)
		return f, err
	}
	for _, img := range blackbox.Load(t) {
		data, err := os.ReadFile(img.Path)
		if err != nil {
			t.Fatal(err)
		}
		want, err := scanner.DecodeImage(data, scanner.DefaultLimits, pool)
		if err != nil {
			t.Errorf("%s: Go: %v", img.Rel, err)
			continue
		}
		for _, dec := range []struct {
			name   string
			decode func([]byte, scanner.Limits, *scanner.PlanePool) (*scanner.Frame, error)
		}{{"capture.DecodeImage", capture.DecodeImage}, {"OpenCV", opencv}} {
			got, err := dec.decode(data, scanner.DefaultLimits, pool)
			if err != nil {
				t.Errorf("%s: %s: %v", img.Rel, dec.name, err)
				continue
			}
			if got.Width != want.Width || got.Height != want.Height {
				t.Errorf("%s: %s: %d×%d, Go's decoder gives %d×%d", img.Rel, dec.name, got.Width, got.Height, want.Width, want.Height)
			} else if i := firstDifference(got, want); i >= 0 {
				t.Errorf("%s: %s: pixel %d is %d, Go's decoder gives %d", img.Rel, dec.name, i, got.Pix[i], want.Pix[i])
			}
			got.Purge()
		}
		want.Purge()
	}
}

func firstDifference(a, b *scanner.Frame) int {
	for y := 0; y < a.Height; y++ {
		ra, rb := a.Pix[y*a.Stride:y*a.Stride+a.Width], b.Pix[y*b.Stride:y*b.Stride+b.Width]
		for x := range ra {
			if ra[x] != rb[x] {
				return y*a.Width + x
			}
		}
	}
	return -1
}

// TestDecodeImageZeroesOpenCVBuffers: through OpenCV's codecs (which
// PNGs reach when the PNG reader leaves them to it), a gray image decodes
// straight into the frame, with no buffer between; a colour one decodes
// into a buffer that is zeroed before it is freed, also when the file
// breaks off mid-image (OpenCV then frees the half-written image itself).
// The encoded bytes are left as they were, for their owner to zero.
func TestDecodeImageZeroesOpenCVBuffers(t *testing.T) {
	t.Parallel()
	imgs := sampleImages(t)
	// A colour PNG that breaks off in its pixels: each row is decoded
	// before the error comes.
	noisy := image.NewNRGBA(image.Rect(0, 0, 64, 64))
	for i := range noisy.Pix {
		noisy.Pix[i] = byte(i*7919>>3) | 3
	}
	for i := 3; i < len(noisy.Pix); i += 4 {
		noisy.Pix[i] = 255
	}
	var b bytes.Buffer
	if err := png.Encode(&b, noisy); err != nil {
		t.Fatal(err)
	}
	broken := b.Bytes()[:b.Len()*3/4]
	pool := scanner.NewPlanePool(0)
	for _, tc := range []struct {
		name   string
		data   []byte
		wiped  int
		broken bool
	}{
		{"gray.png", imgs["gray.png"], 0, false},
		{"rgb.jpeg", imgs["rgb.jpeg"], 0, false}, // its luma, straight into the frame
		{"rgb.png", imgs["rgb.png"], 47 * 31 * 3, false},
		{"rgba.png", imgs["rgba.png"], 48 * 32 * 4, false},
		{"cut-off rgb.png", broken, 64 * 64 * 3, true},
	} {
		data := bytes.Clone(tc.data)
		f, wiped, err := capture.DecodeImageOpenCV(data, scanner.DefaultLimits, pool)
		if tc.broken != (err != nil) {
			t.Fatalf("%s: err = %v", tc.name, err)
		}
		if err == nil {
			f.Purge()
		}
		if wiped != tc.wiped {
			t.Errorf("%s: %d bytes of OpenCV's buffers zeroed, want %d", tc.name, wiped, tc.wiped)
		}
		if !bytes.Equal(data, tc.data) {
			t.Errorf("%s: the encoded bytes changed", tc.name)
		}
	}
	if st := pool.Stats(); st.Outgoing != 0 {
		t.Errorf("frames left: %+v", st)
	}
}

// cpuTime is the CPU time the process has used (user and system): on a
// shared machine a steadier measure of a decoder's cost than ns/op.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkDecodeImageBlackbox decodes every image of the shared set: as
// scanctl decode does (capture.DecodeImage: PNGs through the PNG reader,
// the rest through OpenCV's codecs), with OpenCV's codecs alone (as
// before the PNG reader), and with Go's (as the daemon does for files and
// uploads); ns/op and cpu-ms/op are per image.
func BenchmarkDecodeImageBlackbox(b *testing.B) {
	imgs := blackbox.Load(b)
	files := make([][]byte, len(imgs))
	for i, img := range imgs {
		data, err := os.ReadFile(img.Path)
		if err != nil {
			b.Fatal(err)
		}
		files[i] = data
	}
	pool := scanner.NewPlanePool(0)
	opencv := func(data []byte, lim scanner.Limits, pool *scanner.PlanePool) (*scanner.Frame, error) {
		f, _, err := capture.DecodeImageOpenCV(data, lim, pool)
		return f, err
	}
	for _, dec := range []struct {
		name   string
		decode func([]byte, scanner.Limits, *scanner.PlanePool) (*scanner.Frame, error)
	}{{"capture", capture.DecodeImage}, {"opencv", opencv}, {"go", scanner.DecodeImage}} {
		b.Run(dec.name, func(b *testing.B) {
			start := cpuTime(b)
			for i := 0; b.Loop(); i++ {
				f, err := dec.decode(files[i%len(files)], scanner.DefaultLimits, pool)
				if err != nil {
					b.Fatal(err)
				}
				f.Purge()
			}
			b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N)/1e6, "cpu-ms/op")
		})
	}
}

// TestDecodeImageRefusesCorruptJPEG: a JPEG cut short, missing its end
// marker or with garbage written into its middle is refused, with the
// error the daemon (scanner.DecodeImage) gives for the same bytes, where
// libjpeg would only warn on stderr and hand over a half-grey image.
func TestDecodeImageRefusesCorruptJPEG(t *testing.T) {
	t.Parallel()
	img := image.NewGray(image.Rect(0, 0, 160, 120))
	for i := range img.Pix {
		img.Pix[i] = byte(i*7919>>5) ^ byte(i/160*37)
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	whole := b.Bytes()
	garbage := bytes.Clone(whole)
	mid := len(garbage) / 2
	for i := 0; i < 4000 && mid+i < len(garbage)-2; i++ {
		garbage[mid+i] = byte((i*2654435761)>>13) | 1
	}
	pool := scanner.NewPlanePool(0)
	for name, data := range map[string][]byte{
		"60% of it":         whole[:len(whole)*6/10],
		"no EOI marker":     whole[:len(whole)-2],
		"garbage in middle": garbage,
	} {
		want, werr := scanner.DecodeImage(data, scanner.DefaultLimits, pool)
		if werr == nil {
			want.Purge()
			t.Fatalf("%s: Go's decoder takes it", name)
		}
		f, err := capture.DecodeImage(data, scanner.DefaultLimits, pool)
		if err == nil {
			f.Purge()
			t.Errorf("%s: decoded, want %v", name, werr)
			continue
		}
		if !errors.Is(err, scanner.ErrBadImage) || err.Error() != werr.Error() {
			t.Errorf("%s: err = %v, want %v", name, err, werr)
		}
	}
	if st := pool.Stats(); st.Outgoing != 0 {
		t.Errorf("frames left: %+v", st)
	}
}
