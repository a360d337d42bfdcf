package capture

import (
	"errors"
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// maxFormats bounds VIDIOC_ENUM_FMT: a driver that never says EINVAL
// does not keep the loop going.
const maxFormats = 64

// QueryV4L2 asks a device node what it is and which formats it captures
// in. It opens the node without starting a capture, so it may run while
// the daemon streams from the camera.
func QueryV4L2(node string) (V4L2, error) {
	fd, err := unix.Open(node, unix.O_RDWR|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return V4L2{}, fmt.Errorf("query %s: %w", node, err)
	}
	defer unix.Close(fd)
	var capBuf [v4l2CapabilitySize]byte
	if err := ioctl(fd, vidiocQueryCap, capBuf[:]); err != nil {
		if errors.Is(err, unix.ENOTTY) {
			return V4L2{}, fmt.Errorf("query %s: not a V4L2 device", node)
		}
		return V4L2{}, fmt.Errorf("query %s: VIDIOC_QUERYCAP: %w", node, err)
	}
	info, err := decodeCapability(capBuf[:])
	if err != nil || !info.Capture {
		return info, err
	}
	var fmtBuf [v4l2FmtDescSize]byte
	for i := range uint32(maxFormats) {
		encodeFmtDescRequest(fmtBuf[:], i)
		if err := ioctl(fd, vidiocEnumFmt, fmtBuf[:]); err != nil {
			if errors.Is(err, unix.EINVAL) {
				break // the end of the list
			}
			return info, fmt.Errorf("query %s: VIDIOC_ENUM_FMT: %w", node, err)
		}
		f, err := decodeFmtDesc(fmtBuf[:])
		if err != nil {
			return info, err
		}
		info.Formats = append(info.Formats, f)
	}
	return info, nil
}

func ioctl(fd int, req uintptr, buf []byte) error {
	for {
		_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), req, uintptr(unsafe.Pointer(&buf[0])))
		switch errno {
		case 0:
			return nil
		case unix.EINTR:
			continue
		}
		return errno
	}
}
