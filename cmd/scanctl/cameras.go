package main

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/scannerd/scannerd/capture"
	"github.com/scannerd/scannerd/internal/cli"
)

// camera is one line of scanctl cameras: what the device directory and
// sysfs say, what the node says through its ioctls, and the name to use.
type camera struct {
	capture.Device
	V4L2  *capture.V4L2 `json:"v4l2,omitempty"`
	Error string        `json:"error,omitempty"` // why the node could not be asked
	// URL is the stable source URL: its by-id link, else by-path, else
	// the node.
	URL string `json:"url"`
}

func (m *Main) camerasCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cameras",
		Short: "List the V4L2 cameras and the names to use for them",
		Long: `Lists the V4L2 device nodes: each one's name, bus (USB port), USB serial
number and ID, udev links, and the pixel formats it captures in, and the
source URL that finds the camera again after a replug (its
/dev/v4l/by-id link). A USB camera usually has a second node for metadata,
shown as such. Reads /dev and /sys; needs no daemon.`,
		Args: cobra.NoArgs,
	}
	dev := cmd.Flags().String("dev", "/dev", "the device `DIR`")
	sys := cmd.Flags().String("sys", "/sys", "the sysfs `DIR`")
	asJSON := cli.AddJSONFlag(cmd)
	cmd.RunE = func(*cobra.Command, []string) error {
		cams, err := listCameras(capture.Devices{Dev: *dev, Sys: *sys})
		if err != nil {
			fmt.Fprintf(m.Stderr, "scanctl cameras: %s\n", oneLine(err.Error()))
			return cli.Exit(exitFailure)
		}
		if *asJSON {
			return cli.PrintJSON(m.Stdout, cams)
		}
		out := bufio.NewWriter(m.Stdout)
		printCameras(out, cams, *dev)
		return out.Flush()
	}
	return cmd
}

func listCameras(d capture.Devices) ([]camera, error) {
	devs, err := d.List()
	if err != nil {
		return nil, err
	}
	cams := []camera{}
	for _, dev := range devs {
		c := camera{Device: dev, URL: "/dev/video" + fmt.Sprint(dev.Index)}
		for _, prefix := range []string{"/dev/v4l/by-path/", "/dev/v4l/by-id/"} {
			for _, l := range dev.Links {
				if strings.HasPrefix(l, prefix) {
					c.URL = l
				}
			}
		}
		if info, err := capture.QueryV4L2(dev.Node); err != nil {
			c.Error = err.Error()
		} else {
			c.V4L2 = &info
		}
		cams = append(cams, c)
	}
	return cams, nil
}

func printCameras(w *bufio.Writer, cams []camera, dev string) {
	if len(cams) == 0 {
		fmt.Fprintf(w, "no V4L2 devices: %s has no video* node; is the camera plugged in? "+
			"(\"lsusb\" lists what the USB bus sees, \"journalctl -k\" what the kernel made of it)\n", dev)
		return
	}
	for i, c := range cams {
		if i > 0 {
			fmt.Fprintln(w)
		}
		name := c.Name
		if name == "" && c.V4L2 != nil {
			name = c.V4L2.Card
		}
		fmt.Fprintf(w, "%s  %s\n", c.Node, name)
		if c.V4L2 != nil && !c.V4L2.Capture || c.Number != 0 {
			fmt.Fprintln(w, "  metadata node (not a camera source)")
			continue
		}
		if c.Bus != "" {
			fmt.Fprintf(w, "  bus:      %s\n", c.Bus)
		}
		if c.Serial != "" || c.USBID != "" {
			fmt.Fprintf(w, "  usb:      %s serial %s\n", c.USBID, orNone(c.Serial))
		}
		for _, l := range c.Links {
			fmt.Fprintf(w, "  link:     %s\n", l)
		}
		if c.V4L2 != nil {
			fmt.Fprintf(w, "  driver:   %s %s (%s)\n", c.V4L2.Driver, c.V4L2.Version, c.V4L2.BusInfo)
			var fs []string
			for _, f := range c.V4L2.Formats {
				fs = append(fs, fmt.Sprintf("%s (%s)", f.FourCC, f.Description))
			}
			fmt.Fprintf(w, "  formats:  %s\n", orNone(strings.Join(fs, ", ")))
		}
		if c.Error != "" {
			fmt.Fprintf(w, "  error:    %s\n", c.Error)
			if strings.Contains(c.Error, "permission denied") {
				fmt.Fprintln(w, "            (a camera is opened by root or the group video: run with sudo, or usermod -aG video $USER)")
			}
		}
		fmt.Fprintf(w, "  url:      %s\n", c.URL)
	}
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
