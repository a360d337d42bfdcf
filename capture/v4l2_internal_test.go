package capture

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestIoctlNumbers: the request numbers as videodev2.h's _IOR and _IOWR
// make them on Linux.
func TestIoctlNumbers(t *testing.T) {
	if vidiocQueryCap != 0x80685600 || vidiocEnumFmt != 0xc0405602 {
		t.Errorf("VIDIOC_QUERYCAP %#x, VIDIOC_ENUM_FMT %#x", vidiocQueryCap, vidiocEnumFmt)
	}
}

// capability builds a struct v4l2_capability as a UVC driver fills it.
func capability(driver, card, bus string, version, caps, deviceCaps uint32) []byte {
	b := make([]byte, v4l2CapabilitySize)
	copy(b[0:16], driver)
	copy(b[16:48], card)
	copy(b[48:80], bus)
	ne := binary.NativeEndian
	ne.PutUint32(b[80:84], version)
	ne.PutUint32(b[84:88], caps)
	ne.PutUint32(b[88:92], deviceCaps)
	return b
}

func fmtDesc(index, flags uint32, desc, fourcc string) []byte {
	b := make([]byte, v4l2FmtDescSize)
	ne := binary.NativeEndian
	ne.PutUint32(b[0:4], index)
	ne.PutUint32(b[4:8], v4l2BufTypeVideoCapture)
	ne.PutUint32(b[8:12], flags)
	copy(b[12:44], desc)
	ne.PutUint32(b[44:48], binary.LittleEndian.Uint32([]byte(fourcc)))
	return b
}

func TestDecodeCapability(t *testing.T) {
	// A UVC camera's capture node: the device can capture and carry
	// metadata; this node's own caps say capture.
	const devCaps = 0x84a00001 | v4l2CapDeviceCaps
	got, err := decodeCapability(capability("uvcvideo", "HD Pro Webcam C920", "usb-0000:00:14.0-2", 6<<16|1<<8|52, devCaps, 0x04200001))
	if err != nil {
		t.Fatal(err)
	}
	want := V4L2{Driver: "uvcvideo", Card: "HD Pro Webcam C920", BusInfo: "usb-0000:00:14.0-2", Version: "6.1.52", Capture: true}
	if got.Driver != want.Driver || got.Card != want.Card || got.BusInfo != want.BusInfo || got.Version != want.Version || got.Capture != want.Capture {
		t.Errorf("got %+v, want %+v", got, want)
	}
	// Its metadata node: the device captures, this node does not.
	meta, _ := decodeCapability(capability("uvcvideo", "HD Pro Webcam C920", "usb-0000:00:14.0-2", 0, devCaps, 0x04a00000))
	if meta.Capture {
		t.Error("a metadata node taken for a capture node")
	}
	// A full-width card name has no NUL; it is not read past its field.
	long, _ := decodeCapability(capability("drv", strings.Repeat("x", 32), "bus", 0, v4l2CapVideoCapture, 0))
	if long.Card != strings.Repeat("x", 32) || long.BusInfo != "bus" {
		t.Errorf("full-width card: %+v", long)
	}
	if _, err := decodeCapability(make([]byte, 10)); err == nil {
		t.Error("a short struct was accepted")
	}
}

func TestDecodeFmtDesc(t *testing.T) {
	for _, tc := range []struct {
		b    []byte
		want V4L2Format
	}{
		{fmtDesc(0, 0, "YUYV 4:2:2", "YUYV"), V4L2Format{FourCC: "YUYV", Description: "YUYV 4:2:2"}},
		{fmtDesc(1, v4l2FmtFlagCompressed, "Motion-JPEG", "MJPG"), V4L2Format{FourCC: "MJPG", Description: "Motion-JPEG", Compressed: true}},
		{fmtDesc(2, v4l2FmtFlagEmulated, "10-bit Greyscale", "Y10 "), V4L2Format{FourCC: "Y10", Description: "10-bit Greyscale", Emulated: true}},
		{fmtDesc(3, 0, "odd", "\x01AB\xff"), V4L2Format{FourCC: "?AB?", Description: "odd"}},
	} {
		got, err := decodeFmtDesc(tc.b)
		if err != nil || got != tc.want {
			t.Errorf("got %+v, %v; want %+v", got, err, tc.want)
		}
	}
	req := make([]byte, v4l2FmtDescSize)
	req[20] = 0xff
	encodeFmtDescRequest(req, 7)
	if got := fmtDesc(7, 0, "", "\x00\x00\x00\x00"); string(req) != string(got) {
		t.Errorf("request %x, want %x", req, got)
	}
}

// TestQueryV4L2NotADevice: a node that is not a V4L2 device is named as
// such.
func TestQueryV4L2NotADevice(t *testing.T) {
	path := filepath.Join(t.TempDir(), "video0")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := QueryV4L2(path); err == nil || !strings.Contains(err.Error(), "not a V4L2 device") {
		t.Errorf("regular file: %v", err)
	}
	if _, err := QueryV4L2(filepath.Join(t.TempDir(), "none")); err == nil {
		t.Error("a missing node answered")
	}
}

// FuzzV4L2Structs: whatever a driver writes into the structs decodes to
// valid text without panicking.
func FuzzV4L2Structs(f *testing.F) {
	f.Add(capability("uvcvideo", "C920", "usb-1", 0x060134, v4l2CapDeviceCaps|1, 1), fmtDesc(0, 1, "Motion-JPEG", "MJPG"))
	f.Add(make([]byte, v4l2CapabilitySize), make([]byte, v4l2FmtDescSize))
	f.Fuzz(func(t *testing.T, capb, fmtb []byte) {
		capb = append(capb, make([]byte, v4l2CapabilitySize)...)[:v4l2CapabilitySize]
		fmtb = append(fmtb, make([]byte, v4l2FmtDescSize)...)[:v4l2FmtDescSize]
		c, err := decodeCapability(capb)
		if err != nil {
			t.Fatal(err)
		}
		d, err := decodeFmtDesc(fmtb)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{c.Driver, c.Card, c.BusInfo, d.Description, d.FourCC} {
			if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
				t.Errorf("invalid text %q", s)
			}
		}
	})
}
