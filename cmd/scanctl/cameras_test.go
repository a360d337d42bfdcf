package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCameras lists the cameras of a temporary tree standing in for /dev
// and /sys: the udev links, USB serial and bus, and the stable URL to use;
// nodes that are not V4L2 devices say why they could not be asked.
func TestCameras(t *testing.T) {
	root := t.TempDir()
	dev, sys := filepath.Join(root, "dev"), filepath.Join(root, "sys")
	usb := filepath.Join(sys, "devices/pci0000:00/usb1/1-2")
	for path, content := range map[string]string{
		filepath.Join(dev, "video0"):                         "",
		filepath.Join(dev, "video1"):                         "",
		filepath.Join(usb, "idVendor"):                       "046d\n",
		filepath.Join(usb, "idProduct"):                      "082d\n",
		filepath.Join(usb, "serial"):                         "SN42\n",
		filepath.Join(sys, "class/video4linux/video0/name"):  "HD Pro Webcam C920\n",
		filepath.Join(sys, "class/video4linux/video0/index"): "0\n",
		filepath.Join(sys, "class/video4linux/video1/name"):  "HD Pro Webcam C920\n",
		filepath.Join(sys, "class/video4linux/video1/index"): "1\n",
		filepath.Join(usb, "1-2:1.0/bInterfaceClass"):        "0e\n",
		filepath.Join(dev, "v4l/by-id/.keep"):                "",
		filepath.Join(dev, "v4l/by-path/.keep"):              "",
		filepath.Join(sys, "class/video4linux/.keep"):        "",
		filepath.Join(sys, "bus/usb/.keep"):                  "",
	} {
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range [][2]string{
		{filepath.Join(usb, "1-2:1.0"), filepath.Join(sys, "class/video4linux/video0/device")},
		{filepath.Join(usb, "1-2:1.0"), filepath.Join(sys, "class/video4linux/video1/device")},
		{"../../video0", filepath.Join(dev, "v4l/by-id/usb-046d_HD_Pro_Webcam_C920_SN42-video-index0")},
		{"../../video0", filepath.Join(dev, "v4l/by-path/pci-0000:00:14.0-usb-0:2:1.0-video-index0")},
	} {
		if err := os.Symlink(l[0], l[1]); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut := runScanctl("cameras", "--dev", dev, "--sys", sys)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"video0  HD Pro Webcam C920", "bus:      usb 1-2", "usb:      046d:082d serial SN42",
		"url:      /dev/v4l/by-id/usb-046d_HD_Pro_Webcam_C920_SN42-video-index0", "not a V4L2 device"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	code, out, _ = runScanctl("cameras", "--dev", dev, "--sys", sys, "--json")
	var cams []camera
	if err := json.Unmarshal([]byte(out), &cams); code != exitOK || err != nil || len(cams) != 2 || cams[0].Serial != "SN42" || cams[1].Number != 1 {
		t.Errorf("--json: exit %d, %v, %+v", code, err, cams)
	}
	empty := filepath.Join(root, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := runScanctl("cameras", "--dev", empty, "--sys", sys); code != exitOK || !strings.Contains(out, empty+" has no video* node") {
		t.Errorf("no cameras: exit %d\n%s", code, out)
	}
	if code, _, errOut := runScanctl("cameras", "--dev", filepath.Join(root, "none")); code != exitFailure || !strings.Contains(errOut, "none") {
		t.Errorf("missing device directory: exit %d %s", code, errOut)
	}
}

// TestSnapshot saves the daemon's snapshot of a source, readable by its
// owner only.
func TestSnapshot(t *testing.T) {
	_, sock, _ := startDaemon(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cam0.png")
	code, out, errOut := run(ctx, sock, "snapshot", "cam0", "-o", path)
	if code != exitOK || !strings.Contains(out, path) {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if img, err := png.Decode(bytes.NewReader(b)); err != nil || img.Bounds() != image.Rect(0, 0, 4, 3) {
		t.Errorf("saved image: %v", err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	// The daemon says which source is missing, not that an endpoint is.
	if code, _, errOut := run(ctx, sock, "snapshot", "cam9", "-o", path+".2"); code != exitFailure ||
		errOut != "scanctl snapshot: no source is named \"cam9\" (not_found)\n" {
		t.Errorf("unknown source: exit %d %s", code, errOut)
	}
}
