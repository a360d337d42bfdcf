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
	for _, tc := range imagebomb.Known() {
		sent := bytes.Clone(tc.Data)
		for _, decode := range []struct {
			name string
			fn   func([]byte, scanner.Limits, *scanner.PlanePool) (*scanner.Frame, int, error)
		}{{"DecodeImage", capture.DecodeImageWiped}, {"OpenCV", capture.DecodeImageOpenCV}} {
			pool := scanner.NewPlanePool(0)
			_, _, err := decode.fn(tc.Data, lim, pool)
			if !errors.Is(err, scanner.ErrBadImage) || !strings.Contains(err.Error(), tc.Want) {
				t.Errorf("%s, %s: %v, want %q", tc.Name, decode.name, err, tc.Want)
			}
			if pool.Stats().Gets != 0 {
				t.Errorf("%s, %s: a frame was taken", tc.Name, decode.name)
			}
		}
		if !bytes.Equal(tc.Data, sent) {
			t.Errorf("%s: the data changed", tc.Name)
		}
	}
}
