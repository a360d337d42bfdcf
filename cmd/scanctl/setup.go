package main

import (
	"fmt"
	"log/slog"
	"net/netip"

	"github.com/spf13/cobra"

	"github.com/scannerd/scannerd/internal/cli"
	"github.com/scannerd/scannerd/internal/setupui"
)

func (m *Main) setupCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "setup [--listen 127.0.0.1:PORT]",
		Short: "Serve the setup page: aim cameras, draw regions, pick symbologies",
		Long: `Serves the setup page on this machine's loopback address and prints its URL:
open it in a browser to see each source live (a preview with what is read,
the region of interest and the regions the decoder looks at drawn on it),
its frame rate and state and its recent results; drag on the preview to set
the region of interest, tick the symbologies to read, and save: the daemon
applies the settings at once and keeps them in its setup file.

Needs admin rights (root, the admin group or the daemon's own user, as
with make run). The URL carries a token that
works once, for one browser; nothing but loopback may connect. On a machine
without a screen, forward the port over SSH first:
  ssh -L PORT:127.0.0.1:PORT DEVICE
and open the printed URL on your own computer. Runs until Ctrl-C.`,
		Args: cobra.NoArgs,
	}
	df := m.addDaemonFlags(cmd.Flags(), true)
	listen := cmd.Flags().String("listen", "127.0.0.1:0", "loopback `ADDRESS` to listen on, or a port alone for 127.0.0.1 (port 0: a free one)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		ctx := cmd.Context()
		if err := setupui.CheckListen(*listen); err != nil {
			return cli.Usagef("--listen %s: %v", *listen, err)
		}
		c := df.client()
		defer c.Close()
		// Asking for the settings the page shows checks that the daemon
		// is there and that this user is an admin, before a URL is given.
		if _, err := c.Setup(ctx); err != nil {
			return cli.Exit(m.fail("setup", err))
		}
		srv, err := setupui.Listen(*listen, df.socketPath(), slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
		if err != nil {
			fmt.Fprintf(m.Stderr, "scanctl setup: %s\n", oneLine(err.Error()))
			return cli.Exit(exitFailure)
		}
		if df.json {
			if err := cli.PrintJSON(m.Stdout, map[string]string{"url": srv.URL()}); err != nil {
				return err
			}
		} else {
			fmt.Fprintf(m.Stdout, "Open this URL in a browser on this machine (it works once):\n\n  %s\n\n"+
				"Over SSH, first: ssh -L %d:127.0.0.1:%d THIS-DEVICE\nCtrl-C stops the setup page.\n",
				srv.URL(), port(srv), port(srv))
		}
		if err := srv.Serve(ctx); err != nil {
			fmt.Fprintf(m.Stderr, "scanctl setup: %s\n", oneLine(err.Error()))
			return cli.Exit(exitFailure)
		}
		return nil
	}
	return cmd
}

// port is the TCP port the setup page listens on.
func port(srv *setupui.Server) int {
	if a, ok := srv.Addr().(interface{ AddrPort() netip.AddrPort }); ok {
		return int(a.AddrPort().Port())
	}
	return 0
}
