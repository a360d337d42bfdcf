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

	"github.com/scannerd/scannerd/internal/buildinfo"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = ""

// Exit codes scripts can branch on.
const (
	exitOK       = 0
	exitFailure  = 1 // an operation failed (unreadable file, daemon error)
	exitUsage    = 2 // bad command line
	exitNoResult = 3 // nothing was read (scan timed out)
	exitNoDaemon = 4 // the daemon's socket could not be reached
	exitRefused  = 5 // the daemon refused: permission or license state
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	if st, err := os.Stderr.Stat(); err == nil {
		m.StderrIsTerminal = st.Mode()&os.ModeCharDevice != 0
	}
	os.Exit(m.Run(ctx, os.Args[1:]))
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

const usage = `usage: scanctl <command> [flags] [args]

commands:
  decode FILE|DIR...   decode image files here, without a daemon
  watch                print barcodes as the daemon reads them
  scan                 wait for the next barcode and print it
  status               show the daemon's state
  license [sync]       show the license state, or sync it now
  debug export ...     show or change the debug image export
  debug annotate FILE  draw what was read onto an exported frame
  version              print the version

Daemon commands take --socket PATH (default $SCANNERD_SOCKET, else
/run/scannerd/scannerd.sock) and --json.

Run "scanctl <command> -h" for a command's flags.
`

// Run executes one scanctl command and returns the process exit code.
func (m *Main) Run(ctx context.Context, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(m.Stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "decode":
		return m.decode(ctx, args[1:])
	case "watch":
		return m.watch(ctx, args[1:])
	case "scan":
		return m.scan(ctx, args[1:])
	case "status":
		return m.status(ctx, args[1:])
	case "license":
		return m.license(ctx, args[1:])
	case "debug":
		return m.debug(ctx, args[1:])
	case "version", "-version", "--version":
		fmt.Fprintln(m.Stdout, "scanctl", buildVersion())
		return exitOK
	case "help", "-h", "--help":
		fmt.Fprint(m.Stdout, usage)
		return exitOK
	}
	fmt.Fprintf(m.Stderr, "scanctl: unknown command %q\n%s", args[0], usage)
	return exitUsage
}

func buildVersion() string { return buildinfo.Version(version) }
