// Command scanctl is the scannerd client and tool: it decodes image files
// locally with the daemon's engine, and talks to a running daemon over its
// socket.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/scannerd/scannerd/internal/buildinfo"
	"github.com/scannerd/scannerd/internal/cli"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = ""

// Exit codes scripts can branch on (see cli: both programs share them).
const (
	exitOK       = cli.ExitOK
	exitFailure  = cli.ExitFailure     // an operation failed (unreadable file, daemon error)
	exitUsage    = cli.ExitUsage       // bad command line
	exitNoResult = cli.ExitNoResult    // nothing was read (scan timed out)
	exitNoDaemon = cli.ExitUnavailable // the daemon's socket could not be reached
	exitRefused  = cli.ExitRefused     // the daemon refused: permission or license state
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	if st, err := os.Stderr.Stat(); err == nil {
		m.StderrIsTerminal = st.Mode()&os.ModeCharDevice != 0
	}
	code := m.Run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// Main holds what a scanctl run reads and writes, so tests drive it
// in-process.
type Main struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// StderrIsTerminal enables progress output; main sets it from the
	// file mode of stderr.
	StderrIsTerminal bool
}

// Run executes one scanctl command and returns the process exit code.
func (m *Main) Run(ctx context.Context, args []string) int {
	return cli.Program{Root: m.command(), Code: exitCode}.Execute(ctx, args, m.Stdout, m.Stderr)
}

// command returns scanctl's command tree.
func (m *Main) command() *cobra.Command {
	root := &cobra.Command{
		Use:   "scanctl",
		Short: "The scannerd client: decode image files, watch and control the daemon",
		Long: `scanctl decodes image files with scannerd's engine, in this process, and
talks to a running scannerd over its socket: results as they are read, the
daemon's state, its license, the debug image export.

Daemon commands take --socket PATH (default $SCANNERD_SOCKET, else
/run/scannerd/scannerd.sock); every command that prints data takes --json.

Exit status:
  0  success
  1  an operation failed (an unreadable file, a daemon error)
  2  bad command line (unknown command or flag, missing or extra arguments)
  3  nothing was read (scan timed out)
  4  the daemon's socket could not be reached
  5  the daemon refused: no permission (socket or admin group) or license`,
		Version: buildVersion(),
		Args:    cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return cli.Usagef("unknown command %q for %q", args[0], cmd.CommandPath())
			}
			fmt.Fprint(m.Stderr, cmd.UsageString())
			return cli.Exit(exitUsage)
		},
	}
	debug := cli.Group(&cobra.Command{
		Use:   "debug",
		Short: "The debug image export, and drawing what was read onto its images",
	})
	debug.AddCommand(m.debugExportCommand(), m.annotateCommand())
	root.AddCommand(m.decodeCommand(), m.watchCommand(), m.scanCommand(), m.statusCommand(),
		m.licenseCommand(), debug, m.camerasCommand(), m.snapshotCommand(), m.setupCommand(), m.versionCommand(), cli.DocsCommand("1", buildVersion()))
	return root
}

func (m *Main) versionCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
	}
	asJSON := cli.AddJSONFlag(cmd)
	cmd.RunE = func(*cobra.Command, []string) error {
		if *asJSON {
			return cli.PrintJSON(m.Stdout, map[string]string{"program": "scanctl", "version": buildVersion()})
		}
		_, err := fmt.Fprintln(m.Stdout, "scanctl", buildVersion())
		return err
	}
	return cmd
}

func buildVersion() string { return buildinfo.Version(version) }
