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
	"net"
	"os"
	"os/signal"
	"strings"
	"sync"
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
		os.Exit(2) // ParseFlags has said why
	}
	if m.ShowVersion {
		fmt.Println("scannerd", buildVersion())
		return
	}
	if m.CheckOnly {
		if code := m.CheckConfig(); code != 0 {
			os.Exit(code)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	code := m.Serve(ctx, hup)
	stop()
	os.Exit(code)
}

// CheckConfig loads the configuration and the setup file as a start
// would, and reads the files they name, for -check-config: it says on
// Stdout that the file is fine, on Stderr what is wrong (exit status 1)
// or what of the setup file a start would leave out (still 0).
func (m *Main) CheckConfig() int {
	cfg, name, err := LoadConfig(m.ConfigPath)
	if err == nil {
		err = cfg.CheckFiles()
	}
	if err != nil {
		fmt.Fprintln(m.Stderr, "scannerd:", err)
		return 1
	}
	for _, w := range cfg.setupWarnings {
		fmt.Fprintf(m.Stderr, "scannerd: warning: setup file %s: %s\n", cfg.setupPath(), w)
	}
	fmt.Fprintf(m.Stdout, "%s: ok\n", name)
	if len(cfg.setupSources) > 0 {
		fmt.Fprintf(m.Stdout, "%s: %s, saved from the setup page\n", cfg.setupPath(), cfg.setupInUse())
	}
	return 0
}

// setupInUse says what of the setup file the load took, per source: a
// setting it left out (setupWarnings) is not claimed.
func (c *Config) setupInUse() string {
	parts := make([]string, 0, len(c.setupSources))
	for _, src := range c.setupSources {
		what := "the region and symbologies"
		for _, w := range c.setupWarnings {
			switch {
			case w.Source != src:
			case w.Setting == "region":
				what = "the symbologies"
			case w.Setting == "symbologies":
				what = "the region"
			}
		}
		parts = append(parts, what+" of "+src)
	}
	return strings.Join(parts, "; ")
}

// Serve runs the daemon until ctx ends (SIGINT or SIGTERM) or a component
// it cannot run without fails, reloading the configuration at each value
// from reload (SIGHUP), then stops it. It returns the exit status: 0 after
// an orderly stop, 1 when the daemon did not start or a vital component
// failed, so systemd (Restart=on-failure) restarts it.
func (m *Main) Serve(ctx context.Context, reload <-chan os.Signal) int {
	if err := m.Run(ctx); err != nil {
		fmt.Fprintln(m.Stderr, "scannerd:", err)
		m.Close()
		return 1
	}
	code := 0
	for running := true; running; {
		select {
		case <-reload:
			m.Reload()
		case <-ctx.Done():
			m.log.Info("stopping", "cause", context.Cause(ctx))
			running = false
		case <-m.Done():
			m.log.Error("stopping: a component the daemon cannot run without failed", "err", m.Err())
			code, running = 1, false
		}
	}
	if err := m.Close(); err != nil {
		fmt.Fprintln(m.Stderr, "scannerd:", err)
		code = 1
	}
	return code
}

// Done is closed when a component the daemon cannot run without (the
// socket API) has failed; Err then says which and why. Before Run it
// blocks forever.
func (m *Main) Done() <-chan struct{} {
	if m.vital == nil {
		return nil
	}
	return m.vital.done
}

// Err returns the failure Done announced, or nil.
func (m *Main) Err() error {
	if m.vital == nil {
		return nil
	}
	return m.vital.err()
}

// vital records the first failure of a vital component.
type vital struct {
	done chan struct{}
	once sync.Once
	mu   sync.Mutex
	e    error
}

func newVital() *vital { return &vital{done: make(chan struct{})} }

func (v *vital) fail(err error) {
	v.once.Do(func() {
		v.mu.Lock()
		v.e = err
		v.mu.Unlock()
		close(v.done)
	})
}

func (v *vital) err() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.e
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
	// listen gives the socket's listener (tests); default: the one systemd
	// passes, else the server makes its own.
	listen func() (net.Listener, error)
	// afterFunc runs the preview's expiry (tests fire it themselves);
	// default time.AfterFunc.
	afterFunc func(d time.Duration, f func()) (stop func() bool)
	// inspect sees the report of each frame decoded (benchmarks).
	inspect func(*scanner.FrameReport)
	vital   *vital
}

// NewMain returns a daemon writing to the process's stdout and stderr.
func NewMain() *Main {
	return &Main{Stdout: os.Stdout, Stderr: os.Stderr, Clock: time.Now}
}

// ParseFlags reads the command line. It reports an error it returns on
// m.Stderr itself, once, with the usage. Help asked for (-h, --help) is
// printed on m.Stdout, as scanctl and ltsd print theirs, and returns
// flag.ErrHelp: the caller exits 0.
func (m *Main) ParseFlags(args []string) error {
	fs := flag.NewFlagSet("scannerd", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	// The flag package prints the error, then calls Usage, for help too:
	// where the usage goes is decided below, once the error is known.
	fs.Usage = func() {}
	usage := func(w io.Writer) {
		fmt.Fprintf(w, "Usage of %s:\n", fs.Name())
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(m.Stderr)
	}
	fs.StringVar(&m.ConfigPath, "config", "", "configuration `file` (default "+DefaultConfigPath+", or the built-in demo configuration when that does not exist)")
	fs.BoolVar(&m.CheckOnly, "check-config", false, "validate the configuration and exit")
	fs.BoolVar(&m.ShowVersion, "version", false, "print the version and exit")
	fs.BoolVar(&m.NDJSON, "ndjson", false, "also print delivered results as JSON lines on stdout")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(m.Stdout)
		} else {
			usage(m.Stderr)
		}
		return err
	}
	if fs.NArg() > 0 {
		err := fmt.Errorf("unexpected argument %q", fs.Arg(0))
		fmt.Fprintln(m.Stderr, "scannerd:", err)
		return err
	}
	return nil
}

func buildVersion() string { return buildinfo.Version(version) }
