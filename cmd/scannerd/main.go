// Command scannerd is the barcode scanning daemon: it reads frames from
// cameras and other sources, decodes barcodes in a worker pool, purges every
// image once decoded, and hands results to local applications.
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
	"github.com/scannerd/scannerd/scanner"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = ""

func main() {
	m := NewMain()
	if err := m.ParseFlags(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "scannerd:", err)
		os.Exit(2)
	}
	if m.ShowVersion {
		fmt.Println("scannerd", buildVersion())
		return
	}
	if m.CheckOnly {
		cfg, name, err := LoadConfig(m.ConfigPath)
		if err == nil {
			err = cfg.CheckFiles()
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "scannerd:", err)
			os.Exit(1)
		}
		fmt.Printf("%s: ok\n", name)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	if err := m.Run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "scannerd:", err)
		m.Close()
		os.Exit(1)
	}
	for sig := range signals {
		if sig == syscall.SIGHUP {
			m.Reload()
			continue
		}
		m.log.Info("stopping", "signal", sig.String())
		break
	}
	signal.Stop(signals)
	if err := m.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "scannerd:", err)
		os.Exit(1)
	}
}

// Main is the daemon: NewMain, ParseFlags, Run (starts everything and
// returns), Reload, Close. Tests drive it in-process.
type Main struct {
	ConfigPath  string
	CheckOnly   bool
	ShowVersion bool
	// NDJSON prints every delivered result as a JSON line on Stdout.
	NDJSON bool

	Stdout, Stderr io.Writer
	// Clock is the time source; time.Now by default.
	Clock func() time.Time

	log *slog.Logger
	d   *daemon
	// gate overrides the license gate (tests).
	gate scanner.Gate
	// watchdog drives the watchdog pings (tests).
	watchdog watchdogHooks
}

// NewMain returns a daemon writing to the process's stdout and stderr.
func NewMain() *Main {
	return &Main{Stdout: os.Stdout, Stderr: os.Stderr, Clock: time.Now}
}

// ParseFlags reads the command line.
func (m *Main) ParseFlags(args []string) error {
	fs := flag.NewFlagSet("scannerd", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.StringVar(&m.ConfigPath, "config", "", "configuration `file` (default "+DefaultConfigPath+", or the built-in demo configuration when that does not exist)")
	fs.BoolVar(&m.CheckOnly, "check-config", false, "validate the configuration and exit")
	fs.BoolVar(&m.ShowVersion, "version", false, "print the version and exit")
	fs.BoolVar(&m.NDJSON, "ndjson", false, "also print delivered results as JSON lines on stdout")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

func buildVersion() string { return buildinfo.Version(version) }
