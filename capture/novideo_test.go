//go:build nocv || (gocv_specific_modules && !gocv_videoio)

package capture_test

import (
	"errors"
	"testing"

	"github.com/scannerd/scannerd/capture"
)

// A build without OpenCV's video input (nocv, or scanctl's tags) refuses
// camera, file, gst and rtsp sources with ErrNoOpenCV, and still opens
// the sources it has.
func TestOpenCVSourcesNeedVideoIO(t *testing.T) {
	for _, url := range []string{"camera:0", "file:/tmp/clip.avi", "gst:videotestsrc ! appsink", "rtsp://camera.example/stream"} {
		_, err := capture.New(capture.Spec{Name: "s", URL: url}, capture.Env{})
		if !errors.Is(err, capture.ErrNoOpenCV) {
			t.Errorf("%s: %v, want %v", url, err, capture.ErrNoOpenCV)
		}
	}
	if _, err := capture.New(capture.Spec{Name: "d", URL: "demo"}, capture.Env{}); err != nil {
		t.Errorf("demo: %v", err)
	}
}
