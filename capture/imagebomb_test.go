//go:build !nocv

package capture_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/scannerd/scannerd/capture"
	"github.com/scannerd/scannerd/internal/imagebomb"
	"github.com/scannerd/scannerd/scanner"
)

// Files that scanctl decode handed to OpenCV, which made a buffer for
// their pixels (172 to 368 MB) before finding the data missing, and
// printed libpng's or libjpeg's complaint: the header check refuses them
// first, before a frame is taken (the frame OpenCV would decode into).
func TestDecodeImageRefusesBombsBeforeOpenCV(t *testing.T) {
	lim := scanner.Limits{MaxBytes: 256 << 20, MaxPixels: 100_000_000} // scanctl decode's
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"png 5000×5000 16-bit RGBA", imagebomb.PNG(5000, 5000, 16, imagebomb.RGBA, false, 64<<10),
			"bytes of image data cannot hold the 200005000 of 5000×5000 pixels"},
		{"png 10000×10000 RGB interlaced", imagebomb.PNG(10000, 10000, 8, imagebomb.RGB, true, 16),
			"bytes of image data cannot hold the 300018750 of 10000×10000 pixels"},
		{"bmp 10000×10000 header only", imagebomb.BMP(10000, 10000),
			"bmp: 0 bytes of pixel data cannot hold the 300000000 of 10000×10000 pixels"},
		{"progressive jpeg 10000×10000", imagebomb.ProgressiveJPEG(10000, 10000),
			"bytes cannot hold the 1562500 blocks of 10000×10000 pixels"},
	} {
		sent := bytes.Clone(tc.data)
		for _, decode := range []struct {
			name string
			fn   func([]byte, scanner.Limits, *scanner.PlanePool) (*scanner.Frame, int, error)
		}{{"DecodeImage", capture.DecodeImageWiped}, {"OpenCV", capture.DecodeImageOpenCV}} {
			pool := scanner.NewPlanePool(0)
			_, _, err := decode.fn(tc.data, lim, pool)
			if !errors.Is(err, scanner.ErrBadImage) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s, %s: %v, want %q", tc.name, decode.name, err, tc.want)
			}
			if pool.Stats().Gets != 0 {
				t.Errorf("%s, %s: a frame was taken", tc.name, decode.name)
			}
		}
		if !bytes.Equal(tc.data, sent) {
			t.Errorf("%s: the data changed", tc.name)
		}
	}
}
