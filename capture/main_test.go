package capture_test

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

// TestMain quiets OpenCV and fails the package's tests if a goroutine
// outlives them.
func TestMain(m *testing.M) {
	os.Setenv("OPENCV_LOG_LEVEL", "ERROR")
	goleak.VerifyTestMain(m)
}
