// Command ltsd is the scannerd License Tracking Server: it authorizes devices
// under handshake codes, counts their usage, and has sub-commands to set it
// up and administer it. Run "ltsd help" for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/scannerd/scannerd/internal/buildinfo"
)

// version is stamped at build time with -ldflags "-X main.version=…".
var version = ""

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := NewMain(os.Stdout, os.Stderr)
	err := m.Run(ctx, os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ltsd:", err)
		os.Exit(1)
	}
}

// Main is the ltsd program; tests drive it in-process.
type Main struct {
	Stdout, Stderr io.Writer
	// Stdin is read for passwords (ltsd admin add, passwd).
	Stdin io.Reader
	// Now is the clock; tests replace it.
	Now func() time.Time
	// Ready, when set, receives the listening address once serve listens.
	Ready chan<- string
}

// NewMain returns a Main writing to the given streams.
func NewMain(stdout, stderr io.Writer) *Main {
	return &Main{Stdout: stdout, Stderr: stderr, Stdin: os.Stdin, Now: time.Now}
}

type command struct {
	name    string
	args    string
	summary string
	run     func(m *Main, ctx context.Context, args []string) error
}

func commands() []command {
	return []command{
		{"init", "[-host NAME]... DIR", "create keys, a self-signed certificate and a config for a new LTS", (*Main).runInit},
		{"serve", "[-config FILE]", "run the server", (*Main).runServe},
		{"pin", "[-config FILE]", "print what devices pin: the LTS key and the certificate fingerprint", (*Main).runPin},
		{"license issue", "-vendor-key FILE -id ID -type device|scan … [-o FILE]", "sign a license with a vendor key (trials, tests)", (*Main).runLicenseIssue},
		{"license import", "[-config FILE] [-handshake CODE] FILE", "verify and import a license file (a newer issue renews it)", (*Main).runLicenseImport},
		{"license list", "[-config FILE]", "list imported licenses", (*Main).runLicenseList},
		{"handshake create", "[-config FILE] -license ID[,ID] [options]", "create a handshake code and print it", (*Main).runHandshakeCreate},
		{"handshake add-license", "[-config FILE] CODE ID...", "bind more licenses to a handshake code", (*Main).runHandshakeAdd},
		{"handshake list", "[-config FILE]", "list handshake codes", (*Main).runHandshakeList},
		{"device list", "[-config FILE] [-handshake CODE]", "list devices", (*Main).runDeviceList},
		{"device remove", "[-config FILE] UUID", "free a device's slot (it registers again on its next authorization)", deviceState("remove")},
		{"device revoke", "[-config FILE] UUID", "refuse a device's authorization until reinstated", deviceState("revoke")},
		{"device reinstate", "[-config FILE] UUID", "undo revoke", deviceState("reinstate")},
		{"usage", "[-config FILE] [-by day|month|year] [-handshake CODE] [-json]", "print usage totals", (*Main).runUsage},
		{"admin add", "[-config FILE] [-role admin|read-only] [-password-file FILE] NAME", "add a console account (password from the file or stdin)", (*Main).runAdminAdd},
		{"admin remove", "[-config FILE] NAME", "remove a console account and end its sessions", (*Main).runAdminRemove},
		{"admin passwd", "[-config FILE] [-password-file FILE] NAME", "set a console account's password and end its sessions", (*Main).runAdminPasswd},
		{"admin list", "[-config FILE]", "list console accounts", (*Main).runAdminList},
		{"version", "", "print the version", (*Main).runVersion},
		{"help", "", "print this help", (*Main).runHelp},
	}
}

// Run runs the sub-command named by args.
func (m *Main) Run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		m.runHelp(ctx, nil)
		return flag.ErrHelp
	}
	for _, c := range commands() {
		words := len(splitWords(c.name))
		if len(args) >= words && joinWords(args[:words]) == c.name {
			return c.run(m, ctx, args[words:])
		}
	}
	m.runHelp(ctx, nil)
	return fmt.Errorf("unknown command %q", joinWords(args[:min(2, len(args))]))
}

func (m *Main) runHelp(context.Context, []string) error {
	fmt.Fprintln(m.Stdout, "ltsd - the scannerd License Tracking Server\n\nUsage: ltsd COMMAND [flags] [args]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(m.Stdout, "  %-22s %s\n  %-22s   %s\n", c.name, c.args, "", c.summary)
	}
	fmt.Fprintln(m.Stdout, "\nThe config defaults to", defaultConfig, "(or $LTSD_CONFIG). \"ltsd COMMAND -h\" lists a command's flags.")
	return nil
}

func (m *Main) runVersion(context.Context, []string) error {
	fmt.Fprintln(m.Stdout, "ltsd", buildinfo.Version(version))
	return nil
}

func (m *Main) logger(level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: l}))
}
