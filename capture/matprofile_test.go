//go:build matprofile && !nocv && (gocv_videoio || !gocv_specific_modules)

package capture_test

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"github.com/scannerd/scannerd/capture"
	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/scanner"
)

// TestMatProfileBackToZero runs OpenCV sources to their end and checks
// with gocv's Mat profile (built with -tags matprofile) that every Mat they
// made was closed.
func TestMatProfileBackToZero(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.avi")
	writeVideo(t, path, "MJPG", 10, []*symbols.Canvas{videoFrame(t, scanner.QRCode, "m1"), videoFrame(t, scanner.QRCode, "m2")})
	before := gocv.MatProfile.Count()
	collect(t, capture.Spec{Name: "file", URL: "file:" + path}, -1, 10*time.Second)
	collect(t, capture.Spec{Name: "gst", URL: "gst:videotestsrc num-buffers=3 ! videoconvert ! video/x-raw,format=BGR ! appsink"}, 6, 10*time.Second)
	if n := gocv.MatProfile.Count() - before; n != 0 {
		var b bytes.Buffer
		gocv.MatProfile.WriteTo(&b, 1)
		t.Errorf("%d Mats left open:\n%s", n, b.String())
	}
}
