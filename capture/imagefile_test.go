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
	"testing"

	"golang.org/x/image/bmp"

	"github.com/scannerd/scannerd/capture"
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
