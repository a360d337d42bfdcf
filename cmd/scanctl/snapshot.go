package main

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/scannerd/scannerd/internal/cli"
)

func (m *Main) snapshotCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "snapshot [-o FILE.png] SOURCE",
		Short: "Save what a source sees, with what was read drawn on it",
		Long: `Asks the daemon for the next frame it decodes from SOURCE and saves it as
a PNG, with each barcode's outline, symbology and text and the source's region
drawn on it: to aim a camera. Needs admin rights (root, the admin group or
the daemon's own user): the image shows what the camera sees. The file is created readable by you
only. Exit status 3 when no frame of the source is decoded in time.`,
		Args: cobra.ExactArgs(1),
	}
	df := m.addDaemonFlags(cmd.Flags(), true)
	out := cmd.Flags().StringP("output", "o", "", "write the image to `FILE` (default SOURCE.png)")
	timeout := cmd.Flags().Duration("timeout", 5*time.Second, "how long to wait for a frame (at most 1m)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		source := args[0]
		if *timeout <= 0 || *timeout > time.Minute {
			return cli.Usagef("--timeout %v: want more than 0 and at most 1m", *timeout)
		}
		path := *out
		if path == "" {
			path = source + ".png"
		}
		c := df.client()
		defer c.Close()
		png, err := c.Snapshot(cmd.Context(), source, *timeout)
		if err != nil {
			return cli.Exit(m.fail("snapshot", err))
		}
		if err := os.WriteFile(path, png, 0o600); err != nil {
			fmt.Fprintf(m.Stderr, "scanctl snapshot: %s\n", oneLine(err.Error()))
			return cli.Exit(exitFailure)
		}
		if df.json {
			return cli.PrintJSON(m.Stdout, map[string]any{"output": path, "bytes": len(png)})
		}
		_, err = fmt.Fprintf(m.Stdout, "%s: a frame of %s\n", oneLine(path), oneLine(source))
		return err
	}
	return cmd
}
