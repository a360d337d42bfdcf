package capture

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// ErrCameraAbsent: no device node answers to the camera's name right now
// (unplugged, or not yet plugged in).
var ErrCameraAbsent = errors.New("camera not present")

// CameraRef names a camera in one of the ways a source URL may:
//
//	camera:N, /dev/videoN           Index: the node's number
//	/dev/v4l/by-id/NAME             Link: a udev link that follows the camera
//	/dev/v4l/by-path/NAME           Link: a udev link that follows the USB port
//	camera:serial=SERIAL            Serial: the USB serial number
//	camera:name=TEXT                Name: part of the device's name, any case
//
// Only an index is tied to a number: the others find the camera again under
// whichever number it gets after a replug.
type CameraRef struct {
	Index  int    // -1 unless named by number
	Link   string // relative to the device directory: "v4l/by-id/usb-…"
	Serial string
	Name   string
}

func (r CameraRef) String() string {
	switch {
	case r.Link != "":
		return "/dev/" + r.Link
	case r.Serial != "":
		return "camera:serial=" + r.Serial
	case r.Name != "":
		return "camera:name=" + r.Name
	}
	return "camera:" + strconv.Itoa(r.Index)
}

// parseCamera reads the camera forms of a source URL; ok is false for a
// URL that is not one.
func parseCamera(s string) (ref CameraRef, ok bool, err error) {
	bad := func(want string) (CameraRef, bool, error) {
		return CameraRef{}, true, fmt.Errorf("%w: %q: want %s", ErrBadSpec, s, want)
	}
	switch {
	case strings.HasPrefix(s, "camera:serial="), strings.HasPrefix(s, "camera:name="):
		key, v, _ := strings.Cut(strings.TrimPrefix(s, "camera:"), "=")
		if v == "" || strings.ContainsAny(v, "/\x00\n") {
			return bad("camera:" + key + "=VALUE, a non-empty value without slashes")
		}
		if key == "serial" {
			return CameraRef{Index: -1, Serial: v}, true, nil
		}
		return CameraRef{Index: -1, Name: v}, true, nil
	case strings.HasPrefix(s, "camera:"):
		n, err := strconv.Atoi(strings.TrimPrefix(s, "camera:"))
		if err != nil || n < 0 {
			return bad("camera:N with N a device index, camera:serial=SERIAL or camera:name=TEXT")
		}
		return CameraRef{Index: n}, true, nil
	case strings.HasPrefix(s, "/dev/video"):
		n, err := strconv.Atoi(strings.TrimPrefix(s, "/dev/video"))
		if err != nil || n < 0 {
			return bad("/dev/videoN")
		}
		return CameraRef{Index: n}, true, nil
	case strings.HasPrefix(s, "/dev/v4l/by-id/"), strings.HasPrefix(s, "/dev/v4l/by-path/"):
		link := strings.TrimPrefix(s, "/dev/")
		i := strings.LastIndexByte(link, '/')
		dir, name := link[:i], link[i+1:]
		if dir != "v4l/by-id" && dir != "v4l/by-path" || name == "" || name == "." || name == ".." || strings.ContainsAny(name, "\x00\n") {
			return bad("/dev/v4l/by-id/NAME or /dev/v4l/by-path/NAME")
		}
		return CameraRef{Index: -1, Link: link}, true, nil
	}
	return CameraRef{}, false, nil
}

// Devices finds V4L2 device nodes under a device directory and describes
// them from sysfs. The zero value looks in /dev and /sys; tests point Dev
// and Sys at temporary trees.
type Devices struct {
	Dev string // the device directory; "" is /dev
	Sys string // the sysfs mount; "" is /sys
}

func (d Devices) dev() string {
	if d.Dev == "" {
		return "/dev"
	}
	return d.Dev
}

func (d Devices) sys() string {
	if d.Sys == "" {
		return "/sys"
	}
	return d.Sys
}

// Device is one V4L2 device node as the device directory and sysfs show
// it. A USB camera usually has two nodes, the second for metadata: Number
// 0 is the one that captures.
type Device struct {
	Node   string   `json:"node"`             // /dev/video2, under Devices.Dev
	Index  int      `json:"index"`            // the N of videoN
	Name   string   `json:"name"`             // the driver's name for it (sysfs name)
	Number int      `json:"number"`           // which of its device's nodes (sysfs index)
	Bus    string   `json:"bus,omitempty"`    // "usb 1-1.2" (bus and port path), "platform fe801000.csi"
	Serial string   `json:"serial,omitempty"` // USB serial number
	USBID  string   `json:"usb_id,omitempty"` // vendor:product, "046d:0825"
	Links  []string `json:"links,omitempty"`  // /dev/v4l/by-id and by-path links to it
}

// nodeIndex reads N from "videoN".
func nodeIndex(name string) (int, bool) {
	s, ok := strings.CutPrefix(name, "video")
	if !ok || s == "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0 && strconv.Itoa(n) == s
}

// List returns the V4L2 device nodes present, by index.
func (d Devices) List() ([]Device, error) {
	entries, err := os.ReadDir(d.dev())
	if err != nil {
		return nil, fmt.Errorf("list cameras: %w", err)
	}
	links := d.links()
	var out []Device
	for _, e := range entries {
		n, ok := nodeIndex(e.Name())
		if !ok {
			continue
		}
		dev := d.describe(n)
		dev.Links = links[n]
		out = append(out, dev)
	}
	slices.SortFunc(out, func(a, b Device) int { return a.Index - b.Index })
	return out, nil
}

// links maps node indexes to the by-id and by-path links leading to them.
func (d Devices) links() map[int][]string {
	out := map[int][]string{}
	for _, dir := range []string{"v4l/by-id", "v4l/by-path"} {
		entries, _ := os.ReadDir(filepath.Join(d.dev(), dir))
		for _, e := range entries {
			if n, err := d.follow(dir + "/" + e.Name()); err == nil {
				out[n] = append(out[n], "/dev/"+dir+"/"+e.Name())
			}
		}
	}
	return out
}

// follow reads a by-id or by-path link and returns the index of the node
// it leads to, which must exist. Only the link's last element counts: udev
// writes "../../videoN", and a tree standing in for /dev holds the same.
func (d Devices) follow(link string) (int, error) {
	target, err := os.Readlink(filepath.Join(d.dev(), link))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return 0, fmt.Errorf("%w: /dev/%s does not exist", ErrCameraAbsent, link)
		}
		return 0, fmt.Errorf("camera /dev/%s: %w", link, err)
	}
	n, ok := nodeIndex(filepath.Base(target))
	if !ok {
		return 0, fmt.Errorf("camera /dev/%s: leads to %q, not a videoN node", link, target)
	}
	if _, err := os.Stat(filepath.Join(d.dev(), "video"+strconv.Itoa(n))); err != nil {
		return 0, fmt.Errorf("%w: /dev/%s leads to video%d, which does not exist", ErrCameraAbsent, link, n)
	}
	return n, nil
}

// describe reads what sysfs says about node videoN; what it lacks stays
// empty (no sysfs in a container, a camera unplugged meanwhile).
func (d Devices) describe(n int) Device {
	node := "video" + strconv.Itoa(n)
	dev := Device{Node: filepath.Join(d.dev(), node), Index: n}
	class := filepath.Join(d.sys(), "class/video4linux", node)
	dev.Name = readSysfs(class, "name")
	if v, err := strconv.Atoi(readSysfs(class, "index")); err == nil {
		dev.Number = v
	}
	parent, err := filepath.EvalSymlinks(filepath.Join(class, "device"))
	if err != nil {
		return dev
	}
	subsystem := ""
	if s, err := filepath.EvalSymlinks(filepath.Join(parent, "subsystem")); err == nil {
		subsystem = filepath.Base(s)
	}
	dev.Bus = strings.TrimSpace(subsystem + " " + filepath.Base(parent))
	// A USB camera's node hangs off an interface (1-1.2:1.0); the USB
	// device above it (1-1.2) holds the serial number and the IDs.
	for dir, i := parent, 0; i < 3 && dir != d.sys() && dir != "/"; dir, i = filepath.Dir(dir), i+1 {
		vendor := readSysfs(dir, "idVendor")
		if vendor == "" {
			continue
		}
		dev.Bus = "usb " + filepath.Base(dir)
		dev.Serial = readSysfs(dir, "serial")
		dev.USBID = vendor + ":" + readSysfs(dir, "idProduct")
		break
	}
	return dev
}

// readSysfs returns a sysfs attribute without its newline, or "" when it
// cannot be read. Attributes are small: more than 4 KiB is not one.
func readSysfs(dir, name string) string {
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		return ""
	}
	defer f.Close()
	buf := make([]byte, 4096)
	n, _ := f.Read(buf)
	return strings.TrimSpace(string(buf[:n]))
}

// Resolve finds the node a camera answers to now. A camera absent gives
// an error wrapping ErrCameraAbsent.
func (d Devices) Resolve(ref CameraRef) (Device, error) {
	switch {
	case ref.Link != "":
		n, err := d.follow(ref.Link)
		if err != nil {
			return Device{}, err
		}
		return d.describe(n), nil
	case ref.Serial != "" || ref.Name != "":
		all, err := d.List()
		if err != nil {
			return Device{}, err
		}
		for _, dev := range all {
			if dev.Number != 0 {
				continue // a metadata node
			}
			if ref.Serial != "" && dev.Serial == ref.Serial ||
				ref.Name != "" && strings.Contains(strings.ToLower(dev.Name), strings.ToLower(ref.Name)) {
				return dev, nil
			}
		}
		return Device{}, fmt.Errorf("%w: no camera matches %s", ErrCameraAbsent, ref)
	}
	if _, err := os.Stat(filepath.Join(d.dev(), "video"+strconv.Itoa(ref.Index))); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return Device{}, fmt.Errorf("%w: /dev/video%d does not exist", ErrCameraAbsent, ref.Index)
		}
		return Device{}, fmt.Errorf("camera /dev/video%d: %w", ref.Index, err)
	}
	return d.describe(ref.Index), nil
}
