//go:build !nocv && (gocv_videoio || !gocv_specific_modules)

package capture

import (
	"time"

	"gocv.io/x/gocv"

	"github.com/scannerd/scannerd/scanner"
)

// CaptureMats returns the Mats an OpenCV source reads frames into.
func CaptureMats(s Source) []gocv.Mat {
	cv := s.(*cvSource)
	return []gocv.Mat{cv.raw, cv.gray, cv.color}
}

// ReadsRawJPEG reports whether an open OpenCV source reads its frames as
// JPEG files, decoded by capture itself.
func ReadsRawJPEG(s Source) bool { return s.(*cvSource).rawJPEG }

// JPEGBuffersZeroed reports whether an OpenCV source keeps JPEG buffers
// for encoded frames and every one it keeps holds only zeros.
func JPEGBuffersZeroed(s Source) (kept int, zeroed bool) {
	b := &s.(*cvSource).jpegs
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, buf := range b.free {
		for _, v := range buf[:cap(buf)] {
			if v != 0 {
				return len(b.free), false
			}
		}
	}
	return len(b.free), true
}

// EncodedJPEG hands an open OpenCV source's encoded-frame path the bytes of
// one Motion-JPEG frame, as its reads do.
func EncodedJPEG(s Source, data []byte, pool *scanner.PlanePool) (*scanner.Frame, error) {
	return s.(*cvSource).encodedJPEG(data, pool, time.Now())
}
