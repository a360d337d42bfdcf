package capture_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/scannerd/scannerd/capture"
)

func TestCameraURLs(t *testing.T) {
	for _, tc := range []struct {
		url  string
		want capture.CameraRef
		ok   bool
	}{
		{"camera:0", capture.CameraRef{Index: 0}, true},
		{"/dev/video12", capture.CameraRef{Index: 12}, true},
		{"/dev/v4l/by-id/usb-Acme_Cam_SN42-video-index0", capture.CameraRef{Index: -1, Link: "v4l/by-id/usb-Acme_Cam_SN42-video-index0"}, true},
		{"/dev/v4l/by-path/pci-0000:00:14.0-usb-0:2:1.0-video-index0", capture.CameraRef{Index: -1, Link: "v4l/by-path/pci-0000:00:14.0-usb-0:2:1.0-video-index0"}, true},
		{"camera:serial=SN42", capture.CameraRef{Index: -1, Serial: "SN42"}, true},
		{"camera:name=c920", capture.CameraRef{Index: -1, Name: "c920"}, true},
		{"camera:serial=", capture.CameraRef{}, false},
		{"camera:name=a/b", capture.CameraRef{}, false},
		{"camera:-1", capture.CameraRef{}, false},
		{"/dev/video", capture.CameraRef{}, false},
		{"/dev/v4l/by-id/", capture.CameraRef{}, false},
		{"/dev/v4l/by-id/../../etc/passwd", capture.CameraRef{}, false},
		{"/dev/v4l/by-id/a/b", capture.CameraRef{}, false},
		{"/dev/v4l/by-uuid/x", capture.CameraRef{}, false},
		{"/dev/sda", capture.CameraRef{}, false},
	} {
		got, err := capture.ParseURL(tc.url)
		if (err == nil) != tc.ok {
			t.Errorf("%q: %v, want ok=%v", tc.url, err, tc.ok)
			continue
		}
		if err != nil {
			if !errors.Is(err, capture.ErrBadSpec) {
				t.Errorf("%q: %v is not ErrBadSpec", tc.url, err)
			}
			continue
		}
		if got.Kind != capture.KindCamera || got.Camera != tc.want {
			t.Errorf("%q: %+v, want camera %+v", tc.url, got, tc.want)
		}
	}
}

// deviceTree is a temporary directory standing in for /dev and /sys.
type deviceTree struct {
	t        testing.TB
	dev, sys string
}

func newDeviceTree(t testing.TB) *deviceTree {
	root := t.TempDir()
	tr := &deviceTree{t: t, dev: filepath.Join(root, "dev"), sys: filepath.Join(root, "sys")}
	for _, d := range []string{tr.dev, filepath.Join(tr.sys, "class/video4linux"), filepath.Join(tr.sys, "bus/usb")} {
		tr.mkdir(d)
	}
	return tr
}

func (tr *deviceTree) devices() capture.Devices { return capture.Devices{Dev: tr.dev, Sys: tr.sys} }

func (tr *deviceTree) mkdir(d string) {
	tr.t.Helper()
	if err := os.MkdirAll(d, 0o755); err != nil {
		tr.t.Fatal(err)
	}
}

func (tr *deviceTree) write(path, content string) {
	tr.t.Helper()
	tr.mkdir(filepath.Dir(path))
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		tr.t.Fatal(err)
	}
}

func (tr *deviceTree) link(target, path string) {
	tr.t.Helper()
	tr.mkdir(filepath.Dir(path))
	if err := os.Symlink(target, path); err != nil {
		tr.t.Fatal(err)
	}
}

// usbCamera describes a USB camera in sysfs as the kernel does: the
// video4linux class entry's device link leads to the USB interface, below
// the USB device that holds the serial number and IDs.
func (tr *deviceTree) usbCamera(node, name string, number int, port, serial string) {
	usbDev := filepath.Join(tr.sys, "devices/pci0000:00/0000:00:14.0/usb1", port)
	iface := filepath.Join(usbDev, port+":1.0")
	tr.write(filepath.Join(usbDev, "idVendor"), "046d\n")
	tr.write(filepath.Join(usbDev, "idProduct"), "082d\n")
	if serial != "" {
		tr.write(filepath.Join(usbDev, "serial"), serial+"\n")
	}
	tr.mkdir(iface)
	if _, err := os.Lstat(filepath.Join(iface, "subsystem")); err != nil {
		tr.link(filepath.Join(tr.sys, "bus/usb"), filepath.Join(iface, "subsystem"))
	}
	class := filepath.Join(tr.sys, "class/video4linux", node)
	tr.write(filepath.Join(class, "name"), name+"\n")
	tr.write(filepath.Join(class, "index"), string(rune('0'+number))+"\n")
	tr.link(iface, filepath.Join(class, "device"))
}

// plug makes a device node and, when named, the udev links to it, as
// udev does: the node first.
func (tr *deviceTree) plug(node string, links ...string) {
	tr.t.Helper()
	tr.write(filepath.Join(tr.dev, node), "")
	for _, l := range links {
		tr.link("../../"+node, filepath.Join(tr.dev, l))
	}
}

// unplug removes the links, then the node.
func (tr *deviceTree) unplug(node string, links ...string) {
	tr.t.Helper()
	for _, l := range links {
		if err := os.Remove(filepath.Join(tr.dev, l)); err != nil {
			tr.t.Fatal(err)
		}
	}
	if err := os.Remove(filepath.Join(tr.dev, node)); err != nil {
		tr.t.Fatal(err)
	}
}

func TestResolveCameras(t *testing.T) {
	tr := newDeviceTree(t)
	const byID = "v4l/by-id/usb-Acme_HD_Cam_SN42-video-index0"
	const byPath = "v4l/by-path/pci-0000:00:14.0-usb-0:2:1.0-video-index0"
	tr.usbCamera("video2", "Acme HD Cam: Acme HD Cam", 0, "1-2", "SN42")
	tr.usbCamera("video3", "Acme HD Cam: Acme HD Cam", 1, "1-2", "SN42") // its metadata node
	tr.usbCamera("video0", "Integrated Webcam", 0, "1-5", "")
	tr.plug("video0")
	tr.plug("video2", byID, byPath)
	tr.plug("video3")
	tr.write(filepath.Join(tr.dev, "videodev"), "") // not a node name
	d := tr.devices()
	for _, tc := range []struct {
		url  string
		want int
	}{
		{"camera:2", 2}, {"/dev/video0", 0}, {"/dev/" + byID, 2}, {"/dev/" + byPath, 2},
		{"camera:serial=SN42", 2}, {"camera:name=acme hd", 2}, {"camera:name=Integrated", 0},
	} {
		target, err := capture.ParseURL(tc.url)
		if err != nil {
			t.Fatal(err)
		}
		dev, err := d.Resolve(target.Camera)
		if err != nil || dev.Index != tc.want || dev.Node != filepath.Join(tr.dev, "video"+string(rune('0'+tc.want))) {
			t.Errorf("%s: %+v, %v; want video%d", tc.url, dev, err, tc.want)
		}
	}
	for _, url := range []string{"camera:7", "camera:serial=NOPE", "camera:name=canon", "/dev/v4l/by-id/usb-Other-video-index0"} {
		target, _ := capture.ParseURL(url)
		if _, err := d.Resolve(target.Camera); !errors.Is(err, capture.ErrCameraAbsent) {
			t.Errorf("%s: %v, want ErrCameraAbsent", url, err)
		}
	}
	// A link whose node is gone is a camera absent, not another camera.
	if err := os.Remove(filepath.Join(tr.dev, "video2")); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Resolve(capture.CameraRef{Index: -1, Link: byID}); !errors.Is(err, capture.ErrCameraAbsent) {
		t.Errorf("dangling link: %v", err)
	}
	tr.plug("video2")

	list, err := d.List()
	if err != nil {
		t.Fatal(err)
	}
	if got := len(list); got != 3 {
		t.Fatalf("listed %d devices, want 3: %+v", got, list)
	}
	cam := list[1]
	want := capture.Device{Node: filepath.Join(tr.dev, "video2"), Index: 2, Name: "Acme HD Cam: Acme HD Cam", Bus: "usb 1-2",
		Serial: "SN42", USBID: "046d:082d", Links: []string{"/dev/" + byID, "/dev/" + byPath}}
	if cam.Node != want.Node || cam.Index != want.Index || cam.Name != want.Name || cam.Bus != want.Bus ||
		cam.Serial != want.Serial || cam.USBID != want.USBID || !slices.Equal(cam.Links, want.Links) || cam.Number != 0 {
		t.Errorf("video2 listed as %+v, want %+v", cam, want)
	}
	if list[2].Number != 1 || list[0].Serial != "" || list[0].Bus != "usb 1-5" {
		t.Errorf("video3 %+v, video0 %+v", list[2], list[0])
	}
}

// TestResolveWithoutSysfs: in a container without /sys the nodes are
// still found by number and link, with nothing to describe them.
func TestResolveWithoutSysfs(t *testing.T) {
	tr := newDeviceTree(t)
	tr.plug("video1", "v4l/by-id/usb-X-video-index0")
	d := capture.Devices{Dev: tr.dev, Sys: filepath.Join(t.TempDir(), "nosys")}
	dev, err := d.Resolve(capture.CameraRef{Index: -1, Link: "v4l/by-id/usb-X-video-index0"})
	if err != nil || dev.Index != 1 || dev.Name != "" {
		t.Errorf("%+v, %v", dev, err)
	}
}

// FuzzCameraURL: a source URL never panics the parser, and a camera's
// name written back reads as the same camera.
func FuzzCameraURL(f *testing.F) {
	for _, s := range []string{"camera:0", "/dev/video3", "/dev/v4l/by-id/usb-Acme_SN42-video-index0",
		"/dev/v4l/by-path/pci-0000:00:14.0-usb-0:2:1.0-video-index0", "camera:serial=SN42", "camera:name=C920",
		"camera:name=", "/dev/v4l/by-id/..", "/dev/video-1", "camera:01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		target, err := capture.ParseURL(s)
		if err != nil || target.Kind != capture.KindCamera {
			return
		}
		again, err := capture.ParseURL(target.Camera.String())
		if err != nil || again.Camera != target.Camera {
			t.Errorf("%q: %+v written as %q reads as %+v, %v", s, target.Camera, target.Camera.String(), again.Camera, err)
		}
	})
}
