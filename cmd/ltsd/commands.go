package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/scannerd/scannerd/internal/cli"
	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/packaging"
)

// The one layout of an ltsd installation: "ltsd init" writes the config,
// keys and certificate into DefaultDir, the store goes beside them, and the
// packaged service (user ltsd, StateDirectory=ltsd) reads them there.
const (
	DefaultDir    = "/var/lib/ltsd"
	DefaultConfig = DefaultDir + "/" + lts.ConfigFile
	configEnv     = "LTSD_CONFIG"
)

// configFlag is --config of the commands that read the config.
type configFlag struct {
	path   string
	getenv func(string) string
}

func (m *Main) addConfigFlag(fs *pflag.FlagSet) *configFlag {
	c := &configFlag{getenv: m.Getenv}
	fs.StringVar(&c.path, "config", "", "config `FILE` (default $"+configEnv+", else "+DefaultConfig+")")
	return c
}

// Path is --config, else $LTSD_CONFIG, else the default.
func (c *configFlag) Path() string {
	if c.path != "" {
		return c.path
	}
	if v := c.getenv(configEnv); v != "" {
		return v
	}
	return DefaultConfig
}

// listFlag is a flag of comma-separated values that may also be repeated.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Type() string   { return "list" }
func (l *listFlag) Set(s string) error {
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			*l = append(*l, v)
		}
	}
	return nil
}

// withBackend opens the store of the config at cfgPath (or the admin API
// of the ltsd that holds it), runs run on it and closes it.
func (m *Main) withBackend(cfgPath string, run func(b backend) error) error {
	b, err := m.openBackend(cfgPath)
	if err != nil {
		return err
	}
	defer b.Close()
	return run(b)
}

// openStore loads the config and opens its store.
func openStore(ctx context.Context, path string) (Config, lts.Store, error) {
	cfg, err := LoadConfig(path)
	if err != nil {
		return cfg, nil, err
	}
	if !cfg.Store.Postgres() {
		if err := checkUser(cfg.Path(cfg.Store.Path)); err != nil {
			return cfg, nil, err
		}
	}
	st, err := openConfigStore(ctx, cfg)
	if errors.Is(err, lts.ErrStoreBusy) {
		err = fmt.Errorf("%w: is ltsd already serving?", err)
	}
	return cfg, st, err
}

func (m *Main) initCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "init [--host NAME]... [DIR]",
		Short: "Create keys, a self-signed certificate and a config for a new LTS",
		Long: `Creates, in DIR (default: the directory of the config, ` + DefaultDir + `), a new
LTS key pair, a trial vendor key, a self-signed certificate, an admin token,
ltsd.toml and, beside it, ltsd.example.toml (every key described, with its
default), without overwriting anything, and prints the lines a device's
[license] table needs.

--host names the server as devices reach it: the certificate is made for it
too, the server listens on every interface, and the URL printed (and kept as
"url" in ltsd.toml) is https://NAME:8443. Without --host the server listens
on 127.0.0.1 only.`,
		Args: cobra.MaximumNArgs(1),
	}
	var hosts listFlag
	cmd.Flags().Var(&hosts, "host", "`NAME` or address devices reach the server at (repeatable; the first is the URL's)")
	cfg := m.addConfigFlag(cmd.Flags())
	asJSON := cli.AddJSONFlag(cmd)
	cmd.ValidArgsFunction = cobra.FixedCompletions(nil, cobra.ShellCompDirectiveFilterDirs)
	cmd.RunE = func(_ *cobra.Command, args []string) error {
		dir := filepath.Dir(cfg.Path())
		if len(args) == 1 {
			dir = args[0]
		}
		if err := checkUser(dir); err != nil {
			return err
		}
		res, err := lts.Init(dir, hosts, packaging.LTSDConfigExample, m.Now())
		if err != nil {
			return err
		}
		if *asJSON {
			return cli.PrintJSON(m.Stdout, struct {
				Config    string `json:"config"`
				VendorKey string `json:"trial_vendor_key"`
				pin
			}{res.Config, res.VendorKey.String(), pin{res.URL, []string{res.LTSKey.String()}, res.CertSHA256}})
		}
		fmt.Fprintf(m.Stdout, "created %s\ntrial vendor key: %s\n\n", res.Config, res.VendorKey)
		m.printPin(pin{res.URL, []string{res.LTSKey.String()}, res.CertSHA256})
		return nil
	}
	return cmd
}

// pin is what a device's [license] table needs to talk to this server.
type pin struct {
	URL        string   `json:"lts_url"`
	Keys       []string `json:"lts_keys"`
	CertSHA256 string   `json:"lts_cert_sha256"`
}

func (m *Main) printPin(p pin) {
	fmt.Fprintf(m.Stdout, "# Device config ([license] table of scannerd.toml):\nlts_url = %q\nlts_keys = [%q]\nlts_cert_sha256 = %q\n",
		p.URL, strings.Join(p.Keys, `", "`), p.CertSHA256)
}

func (m *Main) pinCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pin",
		Short: "Print what devices pin: the LTS key and the certificate fingerprint",
		Long: `Prints the lines a device's [license] table needs: the server's URL (the
config's "url"), the LTS public key and the fingerprint of its certificate.`,
		Args: cobra.NoArgs,
	}
	cfgPath := m.addConfigFlag(cmd.Flags())
	asJSON := cli.AddJSONFlag(cmd)
	cmd.RunE = func(*cobra.Command, []string) error {
		cfg, err := LoadConfig(cfgPath.Path())
		if err != nil {
			return err
		}
		key, err := cfg.LoadKey()
		if err != nil {
			return err
		}
		tlsCfg, err := cfg.TLSConfig()
		if err != nil {
			return err
		}
		p := pin{cfg.DeviceURL(), []string{key.Public().String()}, lts.CertFingerprint(tlsCfg.Certificates[0])}
		if *asJSON {
			return cli.PrintJSON(m.Stdout, p)
		}
		m.printPin(p)
		return nil
	}
	return cmd
}

func (m *Main) serveCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the server",
		Long: `Runs the server: HTTPS only (TLS 1.2 or later), until SIGTERM or SIGINT,
then stops cleanly. Logs go to stderr (the journal under systemd).`,
		Args: cobra.NoArgs,
	}
	cfgPath := m.addConfigFlag(cmd.Flags())
	cmd.RunE = func(cmd *cobra.Command, _ []string) error { return m.serve(cmd.Context(), cfgPath.Path()) }
	return cmd
}

func (m *Main) serve(ctx context.Context, cfgPath string) error {
	cfg, st, err := openStore(ctx, cfgPath)
	if err != nil {
		return err
	}
	defer st.Close()
	key, err := cfg.LoadKey()
	if err != nil {
		return err
	}
	token, err := cfg.AdminToken()
	if err != nil {
		return err
	}
	tlsCfg, err := cfg.TLSConfig()
	if err != nil {
		return err
	}
	vendors, err := cfg.Vendors()
	if err != nil {
		return err
	}
	log := m.logger(cfg.LogLevel)
	srv := lts.NewServer(lts.ServerOptions{
		Store: st, Key: key, Now: m.Now, Logger: log, AdminToken: token,
		MaxClockSkew: time.Duration(cfg.MaxClockSkew), PasswordAttempts: cfg.PasswordAttempts,
		PasswordWindow: time.Duration(cfg.PasswordWindow), VendorKeys: vendors,
	})
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return err
	}
	handler := srv.Handler()
	if cfg.AdminListen != "" {
		handler = srv.DeviceHandler()
		adminLn, err := net.Listen("tcp", cfg.AdminListen)
		if err != nil {
			ln.Close()
			return fmt.Errorf("admin_listen: %w", err)
		}
		adminHandler, runConsole, err := m.consoleHandler(cfg, st, srv, log)
		if err != nil {
			ln.Close()
			adminLn.Close()
			return err
		}
		consoleCtx, stopConsole := context.WithCancel(ctx)
		consoleDone := make(chan struct{})
		go func() {
			defer close(consoleDone)
			runConsole(consoleCtx)
		}()
		defer func() {
			stopConsole()
			<-consoleDone
		}()
		admin := &http.Server{
			Handler: adminHandler, TLSConfig: tlsCfg.Clone(), // ServeTLS sets its NextProtos
			ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second,
			MaxHeaderBytes: 16 << 10,
			ErrorLog:       slog.NewLogLogger(log.Handler(), slog.LevelDebug),
		}
		adminDone := make(chan error, 1)
		go func() { adminDone <- admin.ServeTLS(adminLn, "", "") }()
		defer func() {
			admin.Close()
			<-adminDone
		}()
		log.Info("ltsd admin listener", "address", adminLn.Addr().String())
	}
	hs := &http.Server{
		Handler: handler, TLSConfig: tlsCfg,
		ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second,
		MaxHeaderBytes: 16 << 10,
		ErrorLog:       slog.NewLogLogger(log.Handler(), slog.LevelDebug),
	}
	log.Info("ltsd serving", "address", ln.Addr().String(), "lts_key", key.Public().String(), "cert", lts.CertFingerprint(tlsCfg.Certificates[0]))
	if m.Ready != nil {
		m.Ready <- ln.Addr().String()
	}
	maintainCtx, stopMaintain := context.WithCancel(ctx)
	maintained := make(chan struct{})
	go func() {
		defer close(maintained)
		srv.Maintain(maintainCtx, time.Hour)
	}()
	defer func() {
		stopMaintain()
		<-maintained
	}()
	done := make(chan error, 1)
	go func() { done <- hs.ServeTLS(ln, "", "") }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = hs.Shutdown(shutdown)
	<-done
	log.Info("ltsd stopped")
	return err
}
