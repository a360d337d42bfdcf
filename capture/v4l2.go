package capture

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// V4L2 is what a V4L2 device node says about itself (VIDIOC_QUERYCAP and
// VIDIOC_ENUM_FMT, videodev2.h).
type V4L2 struct {
	Driver  string       `json:"driver"`
	Card    string       `json:"card"`
	BusInfo string       `json:"bus_info"`
	Version string       `json:"version"` // the driver's, "6.1.0"
	Capture bool         `json:"capture"` // the node captures video (not metadata only)
	Formats []V4L2Format `json:"formats,omitempty"`
}

// V4L2Format is one pixel format a node captures in.
type V4L2Format struct {
	FourCC      string `json:"fourcc"` // "YUYV", "MJPG"
	Description string `json:"description"`
	Compressed  bool   `json:"compressed,omitempty"`
	Emulated    bool   `json:"emulated,omitempty"` // converted by the driver or libv4l
}

// Sizes and numbers from videodev2.h.
const (
	v4l2CapabilitySize = 104 // struct v4l2_capability
	v4l2FmtDescSize    = 64  // struct v4l2_fmtdesc

	v4l2CapVideoCapture       = 0x00000001
	v4l2CapVideoCaptureMplane = 0x00001000
	v4l2CapDeviceCaps         = 0x80000000

	v4l2BufTypeVideoCapture = 1

	v4l2FmtFlagCompressed = 0x0001
	v4l2FmtFlagEmulated   = 0x0002
)

// ioctl request numbers: _IOR('V', 0, struct v4l2_capability) and
// _IOWR('V', 2, struct v4l2_fmtdesc), by the kernel's encoding
// (direction << 30 | size << 16 | type << 8 | number).
const (
	iocRead  = 2
	iocWrite = 1

	vidiocQueryCap uintptr = iocRead<<30 | v4l2CapabilitySize<<16 | 'V'<<8 // number 0
	vidiocEnumFmt  uintptr = (iocRead|iocWrite)<<30 | v4l2FmtDescSize<<16 | 'V'<<8 | 2
)

// cString reads a NUL-padded fixed-size string field.
func cString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(bytes.ToValidUTF8(b, []byte("?")))
}

// decodeCapability reads a struct v4l2_capability as the kernel filled it.
func decodeCapability(b []byte) (V4L2, error) {
	if len(b) != v4l2CapabilitySize {
		return V4L2{}, fmt.Errorf("v4l2_capability: %d bytes, want %d", len(b), v4l2CapabilitySize)
	}
	ne := binary.NativeEndian
	version := ne.Uint32(b[80:84])
	caps := ne.Uint32(b[84:88])
	if caps&v4l2CapDeviceCaps != 0 {
		caps = ne.Uint32(b[88:92]) // this node's, not the whole device's
	}
	return V4L2{
		Driver:  cString(b[0:16]),
		Card:    cString(b[16:48]),
		BusInfo: cString(b[48:80]),
		Version: fmt.Sprintf("%d.%d.%d", version>>16&0xff, version>>8&0xff, version&0xff),
		Capture: caps&(v4l2CapVideoCapture|v4l2CapVideoCaptureMplane) != 0,
	}, nil
}

// encodeFmtDescRequest fills a struct v4l2_fmtdesc asking for format
// number index of video capture.
func encodeFmtDescRequest(b []byte, index uint32) {
	clear(b)
	binary.NativeEndian.PutUint32(b[0:4], index)
	binary.NativeEndian.PutUint32(b[4:8], v4l2BufTypeVideoCapture)
}

// decodeFmtDesc reads a struct v4l2_fmtdesc as the kernel filled it.
func decodeFmtDesc(b []byte) (V4L2Format, error) {
	if len(b) != v4l2FmtDescSize {
		return V4L2Format{}, fmt.Errorf("v4l2_fmtdesc: %d bytes, want %d", len(b), v4l2FmtDescSize)
	}
	ne := binary.NativeEndian
	flags := ne.Uint32(b[8:12])
	pix := ne.Uint32(b[44:48])
	fourcc := make([]byte, 4)
	for i := range fourcc {
		c := byte(pix >> (8 * i))
		if c < ' ' || c > '~' {
			c = '?'
		}
		fourcc[i] = c
	}
	return V4L2Format{
		FourCC:      string(bytes.TrimRight(fourcc, " ")),
		Description: cString(b[12:44]),
		Compressed:  flags&v4l2FmtFlagCompressed != 0,
		Emulated:    flags&v4l2FmtFlagEmulated != 0,
	}, nil
}
