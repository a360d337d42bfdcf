package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"

	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/api/apitype"
	"github.com/scannerd/scannerd/api/client"
)

func (m *Main) debug(ctx context.Context, args []string) int {
	if len(args) > 0 && args[0] == "annotate" {
		return m.annotate(args[1:])
	}
	if len(args) == 0 || args[0] != "export" {
		fmt.Fprint(m.Stderr, "usage: scanctl debug export [on DIR [flags] | off]\n       scanctl debug annotate FILE.png\n")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return exitOK
		}
		return exitUsage
	}
	fs, df := m.newDaemonFlagSet("debug export", `usage: scanctl debug export [--json]
       scanctl debug export on DIR [--frames decoded|failed|all] [--sample N]
                [--max-images N] [--max-bytes N] [--for DURATION] [--color]
       scanctl debug export off

Shows or changes the debug image export (uid 0 or the admin group). While
it is on, the daemon saves camera frames to DIR instead of only purging
them: use it to find out why a barcode does not read, and turn it off
again. Exit status 5 when the daemon refuses.

`, true)
	frames := fs.String("frames", api.FramesDecoded, "which frames: decoded, failed or all")
	sample := fs.Int("sample", 1, "save one frame in `N`")
	maxImages := fs.Int("max-images", 0, "stop after `N` images (0: the daemon's default)")
	maxBytes := fs.Int64("max-bytes", 0, "stop after `N` bytes (0: the daemon's default)")
	duration := fs.Duration("for", 0, "turn the export off after this long (0: the daemon's default)")
	color := fs.Bool("color", false, "save colour images where the source has them")
	rest, code, ok := parseFlags(fs, args[1:])
	if !ok {
		return code
	}
	c := client.New(df.socket)
	defer c.Close()
	var settings *api.DebugExportSettings
	switch {
	case len(rest) == 0:
		st, err := c.DebugExport(ctx)
		if err != nil {
			return m.fail("debug export", err)
		}
		doc, _ := json.Marshal(st)
		m.printDoc(df.json, doc)
		return exitOK
	case len(rest) == 1 && rest[0] == "off":
		settings = &api.DebugExportSettings{Enabled: false}
	case len(rest) == 2 && rest[0] == "on":
		dir, err := filepath.Abs(rest[1])
		if err != nil {
			fmt.Fprintf(m.Stderr, "scanctl debug export: %v\n", err)
			return exitUsage
		}
		settings = &api.DebugExportSettings{Enabled: true, Dir: dir, Frames: *frames, Sample: *sample,
			MaxImages: *maxImages, MaxBytes: *maxBytes, Duration: apitype.Duration(*duration), Color: *color}
		if err := settings.Validate(); err != nil {
			fmt.Fprintf(m.Stderr, "scanctl debug export: %v\n", err)
			return exitUsage
		}
	default:
		fs.Usage()
		return exitUsage
	}
	st, err := c.SetDebugExport(ctx, *settings)
	if err != nil {
		return m.fail("debug export", err)
	}
	doc, _ := json.Marshal(st)
	if !df.json {
		state := "off"
		if settings.Enabled {
			state = "on, saving to " + settings.Dir
			if *duration > 0 {
				state += " for " + duration.Round(time.Second).String()
			}
		}
		fmt.Fprintf(m.Stdout, "debug export %s\n", state)
	}
	m.printDoc(df.json, doc)
	return exitOK
}
