package scanner_test

import (
	"bytes"
	"errors"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"golang.org/x/image/bmp"

	"github.com/scannerd/scannerd/internal/imagebomb"
	"github.com/scannerd/scannerd/scanner"
)

// A decompression bomb is refused by the header check, before a frame or
// the decoder's image is made, with an error that says why; its bytes are
// left as they were.
func TestDecodeImageRefusesBombs(t *testing.T) {
	lim := scanner.Limits{MaxBytes: 1 << 20, MaxPixels: 100_000_000}
	for _, tc := range imagebomb.Known() {
		t.Run(tc.Name, func(t *testing.T) {
			if len(tc.Data) > 200 {
				t.Fatalf("the bomb is %d bytes", len(tc.Data))
			}
			sent := bytes.Clone(tc.Data)
			if _, _, err := scanner.CheckImage(tc.Data, lim); !errors.Is(err, scanner.ErrBadImage) || !strings.Contains(err.Error(), tc.Want) {
				t.Errorf("CheckImage: %v, want %q", err, tc.Want)
			}
			pool := scanner.NewPlanePool(0)
			if _, err := scanner.DecodeImage(tc.Data, lim, pool); !errors.Is(err, scanner.ErrBadImage) || !strings.Contains(err.Error(), tc.Want) {
				t.Errorf("DecodeImage: %v, want %q", err, tc.Want)
			}
			if pool.Stats().Gets != 0 {
				t.Error("a frame was taken for a bomb")
			}
			if !bytes.Equal(tc.Data, sent) {
				t.Error("the data changed")
			}
		})
	}
}

// The bound is what each format's best compression reaches, so images as
// small as their encoders make them are read: blank images from Go's
// encoders at their strongest, and PNGs whose image data is exactly as
// long as the header asks, deflated as far as zlib goes (zeros), where
// the size the check computes must match the decoder's to the byte.
func TestDecodeImageReadsWellCompressedImages(t *testing.T) {
	blank := image.NewGray(image.Rect(0, 0, 800, 600))
	files := map[string][]byte{}
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&b, blank); err != nil {
		t.Fatal(err)
	}
	files["blank png"] = bytes.Clone(b.Bytes())
	b.Reset()
	if err := jpeg.Encode(&b, blank, &jpeg.Options{Quality: 1}); err != nil {
		t.Fatal(err)
	}
	files["blank jpeg"] = bytes.Clone(b.Bytes())
	b.Reset()
	if err := bmp.Encode(&b, image.NewGray(image.Rect(0, 0, 13, 7))); err != nil {
		t.Fatal(err)
	}
	files["bmp with padded rows"] = bytes.Clone(b.Bytes())
	b.Reset()
	if err := gif.Encode(&b, blank, nil); err != nil {
		t.Fatal(err)
	}
	files["blank gif"] = bytes.Clone(b.Bytes())
	files["gif 700×500"] = imagebomb.GIF(700, 500, 700*500)
	files["gif 1×1"] = imagebomb.GIF(1, 1, 1)
	for _, c := range []struct {
		w, h             int
		depth, colorType byte
		interlaced       bool
	}{
		{700, 500, 8, imagebomb.Gray, false},
		{397, 301, 16, imagebomb.RGBA, false},
		{500, 300, 8, imagebomb.RGB, true},
		{13, 5, 1, imagebomb.Gray, true}, // passes of one column, and empty ones
		{3, 2, 16, imagebomb.RGBA, true},
	} {
		samples := map[byte]int{imagebomb.Gray: 1, imagebomb.RGB: 3, imagebomb.RGBA: 4}[c.colorType]
		need := scanner.PNGImageBytes(c.w, c.h, int(c.depth), samples, c.interlaced)
		name := "png " + image.Rect(0, 0, c.w, c.h).Size().String()
		if c.interlaced {
			name += " interlaced"
		}
		files[name] = imagebomb.PNG(uint32(c.w), uint32(c.h), c.depth, c.colorType, c.interlaced, int(need))
	}
	pool := scanner.NewPlanePool(0)
	for name, data := range files {
		f, err := scanner.DecodeImage(data, scanner.DefaultLimits, pool)
		if err != nil {
			t.Errorf("%s (%d bytes): %v", name, len(data), err)
			continue
		}
		f.Purge()
	}
	checkPurged(t, pool)
}

func TestDecodeMemory(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		want int64
	}{
		{"16-bit RGBA png", imagebomb.PNG(50, 40, 16, imagebomb.RGBA, false, 1), 9 * 2000},
		{"8-bit gray png", imagebomb.PNG(50, 40, 8, imagebomb.Gray, false, 1), 2 * 2000},
		{"24-bit bmp", imagebomb.BMP(50, 40), 5 * 2000},
	} {
		cfg, _, err := image.DecodeConfig(bytes.NewReader(tc.data))
		if err != nil {
			t.Fatal(err)
		}
		if got := scanner.DecodeMemory(cfg); got != tc.want {
			t.Errorf("%s: %d bytes, want %d", tc.name, got, tc.want)
		}
	}
}

// TestGIFLZWBound: the bound is 4096 pixels for every 12 bits of codes,
// the most a code can stand for, and the check refuses an image just over
// it (2731 pixels in one byte of codes) and passes one at it, whatever
// its shape.
func TestGIFLZWBound(t *testing.T) {
	if got := scanner.GIFLZWPixels(3); got != 8192 {
		t.Errorf("GIFLZWPixels(3) = %d, want 8192: 4096 pixels for each 12 bits", got)
	}
	lim := scanner.Limits{MaxBytes: 1 << 20, MaxPixels: 1 << 30}
	// One byte of data (a clear code and the end code, 3 bits each):
	// at most 2730 pixels.
	for _, tc := range []struct {
		w, h uint16
		ok   bool
	}{{2730, 1, true}, {2731, 1, false}, {65, 42, true}, {1, 2731, false}} {
		data := imagebomb.GIF(tc.w, tc.h, 0)
		_, _, err := scanner.CheckImage(data, lim)
		if (err == nil) != tc.ok || err != nil && !strings.Contains(err.Error(), "1 bytes of image data") {
			t.Errorf("%d×%d of one byte of codes: %v, want refused %v", tc.w, tc.h, err, !tc.ok)
		}
	}
}

// FuzzCheckGIF: a GIF Go's decoder reads whole is never refused as a
// bomb: the bound is LZW's best, so any refusal of a readable image is a
// bound wrong.
func FuzzCheckGIF(f *testing.F) {
	f.Add(imagebomb.GIF(40, 30, 1200))
	f.Add(imagebomb.GIF(40, 30, 5))
	f.Add(imagebomb.GIF(1, 1, 1))
	var b bytes.Buffer
	gif.Encode(&b, testImage(), nil)
	f.Add(b.Bytes())
	lim := scanner.Limits{MaxBytes: 1 << 20, MaxPixels: 1 << 20}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := gif.DecodeConfig(bytes.NewReader(data))
		if err != nil || cfg.Width*cfg.Height > 1<<20 {
			return
		}
		if _, err := gif.Decode(bytes.NewReader(data)); err != nil {
			return
		}
		if _, _, err := scanner.CheckImage(data, lim); err != nil {
			t.Fatalf("a GIF Go's decoder reads (%d×%d screen) is refused: %v", cfg.Width, cfg.Height, err)
		}
	})
}
