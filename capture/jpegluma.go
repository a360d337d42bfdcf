//go:build !nocv

package capture

// #cgo !customenv pkg-config: libjpeg
// #cgo CFLAGS: -O3 -DNDEBUG
// #include "jpegluma.h"
import "C"

import (
	"fmt"
	"image"
	"unsafe"

	"github.com/scannerd/scannerd/scanner"
)

// decodeJPEGLuma decodes a JPEG file that has passed scanner.CheckImage
// (cfg its header) into a plane from pool with libjpeg, called as OpenCV's
// cv::imdecode calls it for the file's luma (jpegluma.c), so that the
// frame is the one decodeOpenCV makes. It returns ok false, and no frame,
// for a file it leaves to decodeOpenCV.
//
// OpenCV's codecs are not touched on the way: the first cv::imdecode in a
// process builds OpenCV's table of image decoders, and Debian's OpenCV
// then registers every GDAL driver, which keeps about 9 MiB of libgdal's
// code resident for the daemon's life (README.md, Measured). A daemon
// reading Motion-JPEG files never needs the rest of that table.
func decodeJPEGLuma(data []byte, cfg image.Config, pool *scanner.PlanePool) (f *scanner.Frame, ok bool, err error) {
	f = pool.Get(cfg.Width, cfg.Height)
	rc := C.scannerd_jpeg_luma((*C.uchar)(unsafe.Pointer(&data[0])), C.size_t(len(data)),
		(*C.uchar)(unsafe.Pointer(&f.Pix[0])), C.int(f.Width), C.int(f.Height), C.int(f.Stride))
	switch rc {
	case C.SCANNERD_JPEG_DECODED:
		return f, true, nil
	case C.SCANNERD_JPEG_ELSEWHERE:
		f.Purge()
		return nil, false, nil
	case C.SCANNERD_JPEG_WRONG_SIZE:
		err = fmt.Errorf("%w: jpeg decoded to another size than its header's %d×%d", scanner.ErrBadImage, cfg.Width, cfg.Height)
	default:
		err = fmt.Errorf("%w: jpeg: libjpeg could not decode it", scanner.ErrBadImage)
	}
	f.Purge()
	return nil, true, err
}
