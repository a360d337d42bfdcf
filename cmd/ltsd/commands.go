package main

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/wire"
)

const defaultConfig = "/etc/ltsd/ltsd.toml"

func splitWords(s string) []string { return strings.Fields(s) }
func joinWords(w []string) string  { return strings.Join(w, " ") }

func (m *Main) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("ltsd "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	return fs
}

func configFlag(fs *flag.FlagSet) *string {
	def := defaultConfig
	if v := os.Getenv("LTSD_CONFIG"); v != "" {
		def = v
	}
	return fs.String("config", def, "config `file`")
}

type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
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
func openStore(path string) (lts.Config, lts.Store, error) {
	cfg, err := lts.LoadConfig(path)
	if err != nil {
		return cfg, nil, err
	}
	st, err := openConfigStore(context.Background(), cfg)
	if errors.Is(err, lts.ErrStoreBusy) {
		err = fmt.Errorf("%w: is ltsd already serving?", err)
	}
	return cfg, st, err
}

func (m *Main) runInit(_ context.Context, args []string) error {
	fs := m.flags("init")
	var hosts listFlag
	fs.Var(&hosts, "host", "extra `name or address` for the certificate (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: ltsd init [-host NAME]... DIR")
	}
	res, err := lts.Init(fs.Arg(0), hosts, m.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "created %s\ntrial vendor key: %s\n\n", res.Config, res.VendorKey)
	m.printPin(lts.DefaultConfig("").Listen, res.LTSKey, res.CertSHA256)
	return nil
}

func (m *Main) printPin(listen string, key wire.LTSKey, certSHA256 string) {
	fmt.Fprintf(m.Stdout, "# Device config ([license] table of scannerd.toml):\nlts_url = %q\nlts_keys = [%q]\nlts_cert_sha256 = %q\n",
		"https://"+listen, key.String(), certSHA256)
}

func (m *Main) runPin(_ context.Context, args []string) error {
	fs := m.flags("pin")
	cfgPath := configFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := lts.LoadConfig(*cfgPath)
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
	m.printPin(cfg.Listen, key.Public(), lts.CertFingerprint(tlsCfg.Certificates[0]))
	return nil
}

func (m *Main) runServe(ctx context.Context, args []string) error {
	fs := m.flags("serve")
	cfgPath := configFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, st, err := openStore(*cfgPath)
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

func (m *Main) runLicenseIssue(_ context.Context, args []string) error {
	fs := m.flags("license issue")
	var (
		vendorKey = fs.String("vendor-key", "", "vendor private key `file` (ltsd init writes a trial one: vendor.key)")
		out       = fs.String("o", "", "write the license to `file` (default: stdout)")
		l         wire.License
		syms      listFlag
		devices   listFlag
		days      = fs.Int("days", 30, "validity in `days` from now")
	)
	fs.StringVar(&l.ID, "id", "", "license `id` (required)")
	fs.StringVar(&l.Customer, "customer", "", "customer `name`")
	fs.StringVar(&l.Type, "type", wire.LicensePerDevice, "license `type`: device or scan")
	fs.IntVar(&l.MaxDevices, "max-devices", 0, "per-device license: maximum active `devices`")
	fs.Uint64Var(&l.ScansPerPeriod, "scans", 0, "per-scan license: `scans` per period")
	fs.StringVar(&l.Period, "period", "", "per-scan license: period: day, month or year (default month)")
	fs.IntVar(&l.InactivityDays, "inactivity-days", 0, "`days` after which an unseen device no longer counts (default 365)")
	fs.Var(&syms, "symbologies", "allowed symbologies, comma-separated `names` (default: all)")
	fs.Var(&devices, "devices", "offline license: bound device `UUIDs`, comma-separated")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *vendorKey == "" || l.ID == "" {
		return errors.New("license issue: -vendor-key and -id are required")
	}
	pemData, err := os.ReadFile(*vendorKey)
	if err != nil {
		return err
	}
	key, err := wire.ParseEd25519PEM(pemData)
	if err != nil {
		return err
	}
	if l.Type == wire.LicensePerScan && l.Period == "" {
		l.Period = wire.PeriodMonth
	}
	now := m.Now().UTC().Truncate(time.Second)
	l.Symbologies, l.Devices = syms, devices
	l.Issued, l.NotBefore, l.Expires = now, now, now.AddDate(0, 0, *days)
	file, err := wire.IssueLicense(key, &l)
	if err != nil {
		return err
	}
	if *out == "" {
		_, err = m.Stdout.Write(file)
		return err
	}
	if err := os.WriteFile(*out, file, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "wrote license %s (vendor key %s) to %s\n", l.ID, wire.VendorKey(key.Public().(ed25519.PublicKey)), *out)
	return nil
}

func (m *Main) runLicenseImport(_ context.Context, args []string) error {
	fs := m.flags("license import")
	cfgPath := configFlag(fs)
	code := fs.String("handshake", "", "also bind the license to this handshake `code`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: ltsd license import [-handshake CODE] FILE")
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	return m.withBackend(*cfgPath, func(b backend) error {
		l, renewed, err := b.ImportLicense(data, *code)
		if err != nil {
			return err
		}
		verb := "imported"
		if renewed {
			verb = "renewed"
		}
		fmt.Fprintf(m.Stdout, "%s license %s (%s) valid %s to %s\n", verb, l.ID, describe(l), l.NotBefore.Format(time.DateOnly), l.Expires.Format(time.DateOnly))
		if *code != "" {
			fmt.Fprintf(m.Stdout, "bound to handshake code %s\n", *code)
		}
		return nil
	})
}

func describe(l *wire.License) string {
	s := fmt.Sprintf("%d devices", l.MaxDevices)
	if l.Type == wire.LicensePerScan {
		s = fmt.Sprintf("%d scans per %s", l.ScansPerPeriod, l.Period)
	}
	if len(l.Symbologies) > 0 {
		s += ", " + strings.Join(l.Symbologies, ",")
	}
	return s
}

func (m *Main) runLicenseList(_ context.Context, args []string) error {
	fs := m.flags("license list")
	cfgPath := configFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	return m.withBackend(*cfgPath, func(st backend) error {
		ls, err := st.Licenses()
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tCUSTOMER\tTERMS\tVALID FROM\tEXPIRES\tHANDSHAKE")
		for _, r := range ls {
			l := r.License
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", l.ID, l.Customer, describe(&l), l.NotBefore.Format(time.DateOnly), l.Expires.Format(time.DateOnly), r.Handshake)
		}
		return tw.Flush()
	})
}

func (m *Main) runHandshakeCreate(_ context.Context, args []string) error {
	fs := m.flags("handshake create")
	cfgPath := configFlag(fs)
	var (
		h        lts.Handshake
		licenses listFlag
		domains  listFlag
		networks listFlag
	)
	fs.StringVar(&h.Code, "code", "", "the `code` (default: a random one)")
	fs.Var(&licenses, "license", "license `ids` to bind, comma-separated (required)")
	fs.Var(&domains, "domain", "allow only devices reporting these `domains` (or their subdomains)")
	fs.Var(&networks, "network", "allow only devices connecting from these `CIDRs` (either binding suffices)")
	password := fs.String("password", "", "session `password` (prefer -password-file)")
	passwordFile := fs.String("password-file", "", "read the session password from `file`")
	fs.DurationVar(&h.OfflinePeriod, "offline", lts.DefaultOfflinePeriod, "offline `period` an authorization grants")
	fs.IntVar(&h.GracePercent, "grace", 0, "`percent` past the scan quota allowed before authorization is refused (0: refuse at the quota)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *passwordFile != "" {
		b, err := os.ReadFile(*passwordFile)
		if err != nil {
			return err
		}
		*password = strings.TrimRight(string(b), "\r\n")
	}
	if *password != "" {
		hash, err := lts.HashPassword(*password)
		if err != nil {
			return err
		}
		h.Password = hash
	}
	for _, n := range networks {
		p, err := netip.ParsePrefix(n)
		if err != nil {
			return fmt.Errorf("-network %q: %w", n, err)
		}
		h.Networks = append(h.Networks, p.Masked())
	}
	if h.Code == "" {
		h.Code = lts.NewHandshakeCode()
	}
	h.Licenses, h.Domains, h.Created = licenses, domains, m.Now()
	return m.withBackend(*cfgPath, func(st backend) error {
		if err := st.CreateHandshake(&h); err != nil {
			return err
		}
		fmt.Fprintln(m.Stdout, h.Code)
		return nil
	})
}

func (m *Main) runHandshakeAdd(_ context.Context, args []string) error {
	fs := m.flags("handshake add-license")
	cfgPath := configFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() < 2 {
		return errors.New("usage: ltsd handshake add-license CODE ID…")
	}
	return m.withBackend(*cfgPath, func(st backend) error {
		return st.AddLicenses(fs.Arg(0), fs.Args()[1:])
	})
}

func (m *Main) runHandshakeList(_ context.Context, args []string) error {
	fs := m.flags("handshake list")
	cfgPath := configFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	return m.withBackend(*cfgPath, func(st backend) error {
		hs, err := st.Handshakes()
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "CODE\tLICENSES\tPASSWORD\tDOMAINS\tNETWORKS\tOFFLINE\tGRACE")
		for _, h := range hs {
			nets := make([]string, len(h.Networks))
			for i, n := range h.Networks {
				nets[i] = n.String()
			}
			fmt.Fprintf(tw, "%s\t%s\t%v\t%s\t%s\t%v\t%d%%\n", h.Code, strings.Join(h.Licenses, ","), h.HasPassword,
				strings.Join(h.Domains, ","), strings.Join(nets, ","), h.OfflinePeriod, h.GracePercent)
		}
		return tw.Flush()
	})
}

func (m *Main) runDeviceList(_ context.Context, args []string) error {
	fs := m.flags("device list")
	cfgPath := configFlag(fs)
	code := fs.String("handshake", "", "only devices of this handshake `code`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	return m.withBackend(*cfgPath, func(st backend) error {
		ds, err := st.Devices(*code)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "DEVICE\tHANDSHAKE\tSTATE\tFIRST SEEN\tLAST SEEN\tDOMAIN\tADDRESS\tLEASE")
		var rolledBack []lts.Device
		for _, d := range ds {
			state := "registered"
			switch {
			case d.Revoked:
				state = "revoked"
			case d.Removed:
				state = "removed"
			}
			if d.Rollbacks > 0 {
				state += fmt.Sprintf(", put back %d×", d.Rollbacks)
				rolledBack = append(rolledBack, d)
			}
			lease := "-"
			if d.LeasePeriod != "" {
				lease = fmt.Sprintf("%d in %s", d.Leased, d.LeasePeriod)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", d.ID, d.Handshake, state,
				d.FirstSeen.UTC().Format(time.RFC3339), d.LastSeen.UTC().Format(time.RFC3339), d.Domain, d.Address, lease)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		for _, d := range rolledBack {
			fmt.Fprintf(m.Stdout, "\n%s was put back to an older copy of itself, last at %s: %s\n", d.ID, d.LastRollback.UTC().Format(time.RFC3339), d.RollbackNote)
		}
		return nil
	})
}

func deviceState(action string) func(*Main, context.Context, []string) error {
	return func(m *Main, _ context.Context, args []string) error {
		fs := m.flags("device")
		cfgPath := configFlag(fs)
		if err := fs.Parse(args); err != nil {
			return err
		}
		if fs.NArg() != 1 {
			return errors.New("usage: ltsd device remove|revoke|reinstate UUID")
		}
		return m.withBackend(*cfgPath, func(st backend) error {
			return st.SetDeviceState(fs.Arg(0), action)
		})
	}
}

func (m *Main) runUsage(_ context.Context, args []string) error {
	fs := m.flags("usage")
	cfgPath := configFlag(fs)
	by := fs.String("by", wire.PeriodMonth, "period: day, month or year")
	code := fs.String("handshake", "", "only this handshake `code`")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch *by {
	case wire.PeriodDay, wire.PeriodMonth, wire.PeriodYear:
	default:
		return fmt.Errorf("-by %q: want day, month or year", *by)
	}
	return m.withBackend(*cfgPath, func(st backend) error {
		rows, err := st.Usage(*by, *code)
		if err != nil {
			return err
		}
		if *asJSON {
			enc := json.NewEncoder(m.Stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(map[string]any{"by": *by, "usage": rows})
		}
		tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "HANDSHAKE\tPERIOD\tSYMBOLOGY\tSCANS\t")
		type total struct{ code, period string }
		totals := map[total]uint64{}
		var order []total
		for _, r := range rows {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t\n", r.Handshake, r.Period, r.Symbology, r.Count)
			k := total{r.Handshake, r.Period}
			if _, ok := totals[k]; !ok {
				order = append(order, k)
			}
			totals[k] += r.Count
		}
		for _, k := range order {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t\n", k.code, k.period, "(all)", totals[k])
		}
		return tw.Flush()
	})
}
