package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/api/apitype"
	"github.com/scannerd/scannerd/internal/cli"
)

func (m *Main) debugExportCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Show or change the debug image export",
		Long: `Shows the debug image export settings; "on" and "off" change them (uid 0 or
the admin group). While it is on, the daemon saves camera frames to a
directory instead of only purging them: use it to find out why a barcode
does not read, and turn it off again. Exit status 5 when the daemon
refuses, 4 when it cannot be reached.`,
		Args: cobra.NoArgs,
	}
	df := m.addDaemonFlags(cmd.PersistentFlags(), true)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		c := df.client()
		defer c.Close()
		st, err := c.DebugExport(cmd.Context())
		if err != nil {
			return cli.Exit(m.fail("debug export", err))
		}
		doc, _ := json.Marshal(st)
		m.printDoc(df.json, doc)
		return nil
	}
	var s api.DebugExportSettings
	var duration time.Duration
	on := &cobra.Command{
		Use:   "on DIR",
		Short: "Start saving frames to DIR",
		Long: `Starts saving frames to DIR (an absolute path below the daemon's export
root; the packaged service may write only below /var/lib/scannerd). A
relative DIR is refused (exit status 2): the daemon does not run in this
directory. While the export is on already, the daemon refuses (exit
status 1, debug_export_on) and the running export goes on unchanged: turn
it off first.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			// The daemon runs as another user in another directory: a
			// relative path would mean whatever directory this shell is
			// in, so it is refused, as the API refuses it.
			if !filepath.IsAbs(args[0]) {
				return cli.Usagef("DIR %q is a relative path; give an absolute one (the daemon writes there, not in this directory)", args[0])
			}
			s.Enabled, s.Dir, s.Duration = true, args[0], apitype.Duration(duration)
			if err := s.Validate(); err != nil {
				return cli.Usagef("%v", err)
			}
			state := "on, saving to " + s.Dir
			if duration > 0 {
				state += " for " + duration.Round(time.Second).String()
			}
			return m.setDebugExport(cmd, df, s, state)
		},
	}
	f := on.Flags()
	f.StringVar(&s.Frames, "frames", api.FramesDecoded, "save `WHICH` frames: decoded, failed (regions that looked like barcodes, nothing read) or all")
	f.IntVar(&s.Sample, "sample", 0, "save one frame in `N` (0: the daemon's default, every one)")
	f.IntVar(&s.MaxImages, "max-images", 0, "stop after `N` images (0: the daemon's default)")
	f.Int64Var(&s.MaxBytes, "max-bytes", 0, "stop after `N` bytes (0: the daemon's default)")
	f.DurationVar(&duration, "for", 0, "turn the export off after `DURATION` (0: the daemon's default)")
	f.BoolVar(&s.Color, "color", false, "save colour images where the source has them")
	on.RegisterFlagCompletionFunc("frames", cli.CompleteWords(api.FramesDecoded, api.FramesFailed, api.FramesAll))
	on.ValidArgsFunction = cobra.FixedCompletions(nil, cobra.ShellCompDirectiveFilterDirs)
	off := &cobra.Command{
		Use:   "off",
		Short: "Stop saving frames",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return m.setDebugExport(cmd, df, api.DebugExportSettings{Enabled: false}, "off")
		},
	}
	cmd.AddCommand(on, off)
	return cmd
}

// setDebugExport sends settings to the daemon and prints what it now does.
func (m *Main) setDebugExport(cmd *cobra.Command, df *daemonFlags, settings api.DebugExportSettings, state string) error {
	c := df.client()
	defer c.Close()
	st, err := c.SetDebugExport(cmd.Context(), settings)
	if err != nil {
		return cli.Exit(m.fail("debug export", err))
	}
	doc, _ := json.Marshal(st)
	if !df.json {
		fmt.Fprintf(m.Stdout, "debug export %s\n", oneLine(state))
	}
	m.printDoc(df.json, doc)
	return nil
}
