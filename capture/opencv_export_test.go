//go:build !nocv

package capture

import (
	"github.com/scannerd/scannerd/scanner"
)

// DecodeImageWiped is DecodeImage, also returning how many bytes of the
// buffers that held pixels (OpenCV's, the PNG reader's) it zeroed before
// freeing them.
var DecodeImageWiped = decodeImage

// DecodeImageOpenCV is DecodeImageWiped without the PNG reader: PNGs go
// to OpenCV's codecs, as they all did before it.
func DecodeImageOpenCV(data []byte, lim scanner.Limits, pool *scanner.PlanePool) (*scanner.Frame, int, error) {
	format, cfg, err := scanner.CheckImage(data, lim)
	if err != nil {
		return nil, 0, err
	}
	return decodeOpenCV(data, format, cfg, lim, pool)
}

// DecodePNG runs the PNG reader alone on a PNG that has passed
// scanner.CheckImage; elsewhere says it left the file to OpenCV.
func DecodePNG(data []byte, pool *scanner.PlanePool) (f *scanner.Frame, elsewhere bool, err error) {
	f, _, err = decodePNG(data, pool)
	if err == errPNGElsewhere {
		return nil, true, nil
	}
	return f, false, err
}

// UsePNGBaselineLoops makes the PNG reader use the loops built for the
// baseline CPU only, or not.
var UsePNGBaselineLoops = usePNGBaselineLoops
