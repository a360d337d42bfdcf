// Command ltsd is the scannerd License Tracking Server: it authorizes devices
// under handshake codes, counts their usage, and has sub-commands to set it
// up and administer it. Run "ltsd --help" for the commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/scannerd/scannerd/internal/buildinfo"
	"github.com/scannerd/scannerd/internal/cli"
)

// version is stamped at build time with -ldflags "-X main.version=…".
var version = ""

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code := NewMain(os.Stdout, os.Stderr).Run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// Main is the ltsd program; tests drive it in-process.
type Main struct {
	Stdout, Stderr io.Writer
	// Stdin is read for passwords (ltsd admin add, passwd).
	Stdin io.Reader
	// Getenv reads the environment ($LTSD_CONFIG).
	Getenv func(string) string
	// Now is the clock; tests replace it.
	Now func() time.Time
	// Ready, when set, receives the listening address once serve listens.
	Ready chan<- string
}

// NewMain returns a Main writing to the given streams.
func NewMain(stdout, stderr io.Writer) *Main {
	return &Main{Stdout: stdout, Stderr: stderr, Stdin: os.Stdin, Getenv: os.Getenv, Now: time.Now}
}

// Run runs the command args name and returns the process exit code.
func (m *Main) Run(ctx context.Context, args []string) int {
	return cli.Program{Root: m.command(), Code: exitCode}.Execute(ctx, args, m.Stdout, m.Stderr)
}

// exitCode maps a command's error to the exit code.
func exitCode(err error) int {
	if errors.Is(err, ErrWrongUser) {
		return cli.ExitRefused
	}
	return cli.ExitFailure
}

// command returns ltsd's command tree.
func (m *Main) command() *cobra.Command {
	root := &cobra.Command{
		Use:   "ltsd",
		Short: "The scannerd License Tracking Server",
		Long: `ltsd is the scannerd License Tracking Server: it authorizes devices under
handshake codes, counts their usage, and its commands set it up and
administer it.

The configuration is --config FILE, else $LTSD_CONFIG, else ` + DefaultConfig + `:
the packaged service keeps its configuration, keys and database together in
` + DefaultDir + `, owned by the ltsd user. Commands that open the store refuse to
run as root on a store another user owns (run them as that user: sudo -u ltsd
ltsd …). While "ltsd serve" runs, the license, handshake, device and usage
commands go through its admin API; "ltsd admin" (console accounts) opens
the store itself, so with a bbolt store stop "ltsd serve" first (a
PostgreSQL store is shared).

Exit status:
  0  success
  1  an operation failed (a missing or bad file, the store, the admin API)
  2  bad command line (unknown command or flag, missing or extra arguments)
  5  refused: run as root on files another user owns`,
		Version: buildinfo.Version(version),
		Args:    cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return cli.Usagef("unknown command %q for %q", args[0], cmd.CommandPath())
			}
			fmt.Fprint(m.Stderr, cmd.UsageString())
			return cli.Exit(cli.ExitUsage)
		},
	}
	license := cli.Group(&cobra.Command{Use: "license", Short: "Issue, import and list license files"})
	license.AddCommand(m.licenseIssueCommand(), m.licenseImportCommand(), m.licenseListCommand())
	handshake := cli.Group(&cobra.Command{Use: "handshake", Short: "Create and list handshake codes"})
	handshake.AddCommand(m.handshakeCreateCommand(), m.handshakeAddCommand(), m.handshakeListCommand())
	device := cli.Group(&cobra.Command{Use: "device", Short: "List devices, free their slots, revoke and reinstate them"})
	device.AddCommand(m.deviceListCommand(),
		m.deviceStateCommand("remove", "Free a device's slot (it registers again on its next authorization)"),
		m.deviceStateCommand("revoke", "Refuse a device's authorization until reinstated"),
		m.deviceStateCommand("reinstate", "Undo revoke"))
	root.AddCommand(m.initCommand(), m.serveCommand(), m.pinCommand(), license, handshake, device,
		m.usageCommand(), m.migrateCommand(), m.adminCommand(), m.versionCommand(), cli.DocsCommand("8", buildinfo.Version(version)))
	return root
}

func (m *Main) versionCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "version", Short: "Print the version", Args: cobra.NoArgs}
	asJSON := cli.AddJSONFlag(cmd)
	cmd.RunE = func(*cobra.Command, []string) error {
		v := buildinfo.Version(version)
		if *asJSON {
			return cli.PrintJSON(m.Stdout, map[string]string{"program": "ltsd", "version": v})
		}
		_, err := fmt.Fprintln(m.Stdout, "ltsd", v)
		return err
	}
	return cmd
}

func (m *Main) logger(level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: l}))
}
