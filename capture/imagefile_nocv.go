//go:build nocv

package capture

import "github.com/scannerd/scannerd/scanner"

// DecodeImage converts an encoded image file to a gray frame from pool;
// without OpenCV it is scanner.DecodeImage.
func DecodeImage(data []byte, lim scanner.Limits, pool *scanner.PlanePool) (*scanner.Frame, error) {
	return scanner.DecodeImage(data, lim, pool)
}
