//go:build !nocv

package capture

import (
	"fmt"

	"gocv.io/x/gocv"

	"github.com/scannerd/scannerd/scanner"
)

// DecodeImage converts an encoded image file to a gray frame from pool
// with OpenCV's codecs (libpng, libjpeg-turbo), which decode large photos
// several times faster than Go's. The header is checked against lim by
// scanner.CheckImage first, as scanner.DecodeImage does; GIF, which
// OpenCV does not read, goes to scanner.DecodeImage. For local files
// (scanctl decode); uploads from other processes go through the pure-Go
// decoder.
func DecodeImage(data []byte, lim scanner.Limits, pool *scanner.PlanePool) (*scanner.Frame, error) {
	format, cfg, err := scanner.CheckImage(data, lim)
	if err != nil {
		return nil, err
	}
	if format == "gif" {
		return scanner.DecodeImage(data, lim, pool)
	}
	// JPEG decodes straight to its luma channel, as Go's decoder gives it;
	// PNG and BMP keep their channels, turned gray below the way
	// scanner.DecodeImage does ((R+2G+B)/4 over white), so both decoders
	// hand the engine the same pixels.
	flag := gocv.IMReadUnchanged
	if format == "jpeg" {
		flag = gocv.IMReadGrayScale
	}
	m, err := gocv.IMDecode(data, flag)
	if err != nil || m.Empty() {
		m.Close()
		return nil, fmt.Errorf("%w: %s: OpenCV could not decode it", scanner.ErrBadImage, format)
	}
	defer func() {
		m.SetTo(gocv.NewScalar(0, 0, 0, 0))
		m.Close()
	}()
	w, h, ch := m.Cols(), m.Rows(), m.Channels()
	if w != cfg.Width || h != cfg.Height {
		return nil, fmt.Errorf("%w: %s decoded to %d×%d, its header says %d×%d", scanner.ErrBadImage, format, w, h, cfg.Width, cfg.Height)
	}
	if m.Type() != gocv.MatTypeCV8UC1 && m.Type() != gocv.MatTypeCV8UC3 && m.Type() != gocv.MatTypeCV8UC4 {
		// 16-bit images and the like: the Go decoder handles every kind.
		return scanner.DecodeImage(data, lim, pool)
	}
	pix, err := m.DataPtrUint8()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", scanner.ErrBadImage, err)
	}
	f := pool.Get(w, h)
	step := m.Step()
	for y := 0; y < h; y++ {
		src, dst := pix[y*step:y*step+w*ch], f.Pix[y*w:(y+1)*w]
		switch ch {
		case 1:
			copy(dst, src)
		case 3:
			grayBGR(dst, src)
		case 4:
			grayBGRA(dst, src)
		}
	}
	return f, nil
}

// grayBGR writes to dst the luminance (B+2G+R)/4 of the B, G, R pixels of
// src, four at a time: with the bounds known per group, the compiler
// checks none of the loads.
func grayBGR(dst, src []byte) {
	n := len(dst)
	src = src[:3*n]
	x := 0
	for ; x+4 <= n; x += 4 {
		s := src[3*x : 3*x+12 : 3*x+12]
		d := dst[x : x+4 : x+4]
		d[0] = uint8((uint(s[0]) + 2*uint(s[1]) + uint(s[2])) >> 2)
		d[1] = uint8((uint(s[3]) + 2*uint(s[4]) + uint(s[5])) >> 2)
		d[2] = uint8((uint(s[6]) + 2*uint(s[7]) + uint(s[8])) >> 2)
		d[3] = uint8((uint(s[9]) + 2*uint(s[10]) + uint(s[11])) >> 2)
	}
	for ; x < n; x++ {
		p := src[3*x : 3*x+3 : 3*x+3]
		dst[x] = uint8((uint(p[0]) + 2*uint(p[1]) + uint(p[2])) >> 2)
	}
}

// grayBGRA writes to dst the luminance of the B, G, R, A pixels of src
// composited over white.
func grayBGRA(dst, src []byte) {
	src = src[:4*len(dst)]
	for x := range dst {
		p := src[4*x : 4*x+4 : 4*x+4]
		lum, a := (uint(p[0])+2*uint(p[1])+uint(p[2]))>>2, uint(p[3])
		dst[x] = uint8((lum*a + 255*(255-a)) / 255)
	}
}
