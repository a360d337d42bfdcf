package main

import (
	"crypto/ed25519"
	"fmt"
	"net/netip"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/scannerd/scannerd/internal/cli"
	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/wire"
)

func (m *Main) licenseIssueCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "issue --vendor-key FILE --id ID [flags]",
		Short: "Sign a license with a vendor key (trials, tests)",
		Long: `Signs a license with a vendor's private key and prints the license file, or
writes it to --output. Purchased licenses come signed by the vendor; this is
for trials with the key "ltsd init" made, and for tests.`,
		Args: cobra.NoArgs,
	}
	var (
		l         wire.License
		syms      listFlag
		devices   listFlag
		features  listFlag
		vendorKey string
		out       string
		days      int
	)
	f := cmd.Flags()
	f.StringVar(&vendorKey, "vendor-key", "", "vendor private key `FILE` (ltsd init writes a trial one: vendor.key)")
	f.StringVarP(&out, "output", "o", "", "write the license to `FILE` (default: stdout)")
	f.IntVar(&days, "days", 30, "validity in `DAYS` from now")
	f.StringVar(&l.ID, "id", "", "license `ID` (required)")
	f.StringVar(&l.Customer, "customer", "", "customer `NAME`")
	f.StringVar(&l.Type, "type", wire.LicensePerDevice, "license `TYPE`: device or scan")
	f.IntVar(&l.MaxDevices, "max-devices", 0, "per-device license: maximum active `DEVICES`")
	f.Uint64Var(&l.ScansPerPeriod, "scans", 0, "per-scan license: `SCANS` per period")
	f.StringVar(&l.Period, "period", "", "per-scan license: `PERIOD`: day, month or year (default month)")
	f.IntVar(&l.InactivityDays, "inactivity-days", 0, "`DAYS` after which an unseen device no longer counts (default 365)")
	f.Var(&syms, "symbologies", "allowed symbologies, comma-separated `NAMES` (default: all)")
	f.Var(&devices, "devices", "offline license: bound device `UUIDS`, comma-separated")
	f.Var(&features, "features", "granted `FEATURES`, comma-separated: unmetered_uploads (the device may leave uploads unmetered)")
	cmd.MarkFlagRequired("vendor-key")
	cmd.MarkFlagRequired("id")
	cmd.RegisterFlagCompletionFunc("type", cli.CompleteWords(wire.LicensePerDevice, wire.LicensePerScan))
	cmd.RegisterFlagCompletionFunc("period", cli.CompleteWords(wire.PeriodDay, wire.PeriodMonth, wire.PeriodYear))
	cmd.RegisterFlagCompletionFunc("features", cli.CompleteWords(wire.FeatureUnmeteredUploads))
	asJSON := cli.AddJSONFlag(cmd)
	cmd.RunE = func(*cobra.Command, []string) error {
		if l.Type == wire.LicensePerScan && l.Period == "" {
			l.Period = wire.PeriodMonth
		}
		now := m.Now().UTC().Truncate(time.Second)
		l.Symbologies, l.Devices, l.Features = syms, devices, features
		l.Issued, l.NotBefore, l.Expires = now, now, now.AddDate(0, 0, days)
		l.Version = wire.Version
		// Every field comes from a flag: a value out of range is a bad
		// command line (exit 2), found before the key file is read.
		if err := checkIssueFlags(&l, days); err != nil {
			return err
		}
		if err := l.Validate(); err != nil {
			return cli.Usagef("%v", err)
		}
		pemData, err := os.ReadFile(vendorKey)
		if err != nil {
			return err
		}
		key, err := wire.ParseEd25519PEM(pemData)
		if err != nil {
			return err
		}
		file, err := wire.IssueLicense(key, &l)
		if err != nil {
			return err
		}
		if out == "" {
			_, err = m.Stdout.Write(file) // the license file is JSON already
			return err
		}
		if err := os.WriteFile(out, file, 0o644); err != nil {
			return err
		}
		vendor := wire.VendorKey(key.Public().(ed25519.PublicKey))
		if *asJSON {
			return cli.PrintJSON(m.Stdout, map[string]string{"id": l.ID, "vendor_key": vendor.String(), "output": out})
		}
		fmt.Fprintf(m.Stdout, "wrote license %s (vendor key %s) to %s\n", l.ID, vendor, out)
		return nil
	}
	return cmd
}

// checkIssueFlags refuses the license issue flags out of range, naming
// the flag, as a bad command line (exit 2).
func checkIssueFlags(l *wire.License, days int) error {
	if days <= 0 {
		return cli.Usagef("--days %d: want at least 1", days)
	}
	switch l.Type {
	case wire.LicensePerDevice:
		if l.MaxDevices <= 0 {
			return cli.Usagef("--max-devices %d: a device license needs at least 1", l.MaxDevices)
		}
	case wire.LicensePerScan:
		if l.ScansPerPeriod == 0 {
			return cli.Usagef("--scans 0: a scan license needs at least 1")
		}
	default:
		return cli.Usagef("--type %q: want device or scan", l.Type)
	}
	if l.InactivityDays < 0 {
		return cli.Usagef("--inactivity-days %d: want 0 or more", l.InactivityDays)
	}
	return nil
}

func (m *Main) licenseImportCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import [--handshake CODE] FILE",
		Short: "Verify and import a license file (a newer issue renews it)",
		Args:  cobra.ExactArgs(1),
	}
	cfgPath := m.addConfigFlag(cmd.Flags())
	code := cmd.Flags().String("handshake", "", "also bind the license to this handshake `CODE`")
	asJSON := cli.AddJSONFlag(cmd)
	cmd.RunE = func(_ *cobra.Command, args []string) error {
		data, err := os.ReadFile(args[0])
		if err != nil {
			return err
		}
		return m.withBackend(cfgPath.Path(), func(b backend) error {
			l, outcome, err := b.ImportLicense(data, *code)
			if err != nil {
				return err
			}
			if *asJSON {
				return cli.PrintJSON(m.Stdout, map[string]any{"license": l, "renewed": outcome == lts.LicenseRenewed,
					"unchanged": outcome == lts.LicenseUnchanged, "handshake": *code})
			}
			if outcome == lts.LicenseUnchanged {
				// Only a newer issue renews: the same file again changes nothing.
				fmt.Fprintf(m.Stdout, "license %s is already imported (unchanged; only a newer issue renews it)\n", l.ID)
			} else {
				fmt.Fprintf(m.Stdout, "%s license %s (%s) valid %s to %s\n", outcome, l.ID, describe(l), l.NotBefore.Format(time.DateOnly), l.Expires.Format(time.DateOnly))
			}
			if *code != "" {
				fmt.Fprintf(m.Stdout, "bound to handshake code %s\n", *code)
			}
			return nil
		})
	}
	return cmd
}

func describe(l *wire.License) string {
	s := fmt.Sprintf("%d devices", l.MaxDevices)
	if l.Type == wire.LicensePerScan {
		s = fmt.Sprintf("%d scans per %s", l.ScansPerPeriod, l.Period)
	}
	if len(l.Symbologies) > 0 {
		s += ", " + strings.Join(l.Symbologies, ",")
	}
	if len(l.Features) > 0 {
		s += ", grants " + strings.Join(l.Features, ",")
	}
	return s
}

func (m *Main) licenseListCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "list", Short: "List imported licenses", Args: cobra.NoArgs}
	cfgPath := m.addConfigFlag(cmd.Flags())
	asJSON := cli.AddJSONFlag(cmd)
	cmd.RunE = func(*cobra.Command, []string) error {
		return m.withBackend(cfgPath.Path(), func(st backend) error {
			ls, err := st.Licenses()
			if err != nil {
				return err
			}
			if *asJSON {
				return cli.PrintJSON(m.Stdout, map[string]any{"licenses": ls})
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
	return cmd
}

func (m *Main) handshakeCreateCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "create --license ID[,ID] [flags]",
		Short: "Create a handshake code and print it",
		Long: `Creates a handshake code bound to one or more licenses and prints it. A
device that names the code in its config is authorized under those licenses,
within the code's password and domain or network bindings.`,
		Args: cobra.NoArgs,
	}
	cfgPath := m.addConfigFlag(cmd.Flags())
	var (
		h        lts.Handshake
		licenses listFlag
		domains  listFlag
		networks listFlag
		password string
		pwFile   string
	)
	f := cmd.Flags()
	f.StringVar(&h.Code, "code", "", "the `CODE` (default: a random one)")
	f.Var(&licenses, "license", "license `IDS` to bind, comma-separated (required)")
	f.Var(&domains, "domain", "allow only devices reporting these `DOMAINS` (or their subdomains)")
	f.Var(&networks, "network", "allow only devices connecting from these `CIDRS` (either binding suffices)")
	f.StringVar(&password, "password", "", "session `PASSWORD` (prefer --password-file)")
	f.StringVar(&pwFile, "password-file", "", "read the session password from `FILE`")
	f.DurationVar(&h.OfflinePeriod, "offline", lts.DefaultOfflinePeriod, "offline `PERIOD` an authorization grants")
	f.IntVar(&h.GracePercent, "grace", 0, "`PERCENT` past the scan quota allowed before authorization is refused (0: refuse at the quota)")
	cmd.MarkFlagRequired("license")
	asJSON := cli.AddJSONFlag(cmd)
	cmd.RunE = func(*cobra.Command, []string) error {
		if pwFile != "" {
			b, err := os.ReadFile(pwFile)
			if err != nil {
				return err
			}
			password = strings.TrimRight(string(b), "\r\n")
		}
		if password != "" {
			hash, err := lts.HashPassword(password)
			if err != nil {
				return err
			}
			h.Password = hash
		}
		for _, n := range networks {
			p, err := netip.ParsePrefix(n)
			if err != nil {
				return cli.Usagef("--network %q: %v", n, err)
			}
			h.Networks = append(h.Networks, p.Masked())
		}
		if h.Code == "" {
			h.Code = lts.NewHandshakeCode()
		}
		h.Licenses, h.Domains, h.Created = licenses, domains, m.Now()
		// What Validate checks all comes from flags (--offline, --grace,
		// --code, --domain): a value out of range is a bad command line
		// (exit 2), found before the store is opened.
		if h.OfflinePeriod < lts.MinOfflinePeriod || h.OfflinePeriod > lts.MaxOfflinePeriod {
			return cli.Usagef("--offline %v: allowed from 1h to 366 days (%v)", h.OfflinePeriod, lts.MaxOfflinePeriod)
		}
		if h.GracePercent < 0 || h.GracePercent > lts.MaxGracePercent {
			return cli.Usagef("--grace %d: allowed from 0 to %d", h.GracePercent, lts.MaxGracePercent)
		}
		if err := h.Validate(); err != nil {
			return cli.Usagef("%v", err)
		}
		return m.withBackend(cfgPath.Path(), func(st backend) error {
			if err := st.CreateHandshake(&h); err != nil {
				return err
			}
			if *asJSON {
				return cli.PrintJSON(m.Stdout, map[string]string{"code": h.Code})
			}
			fmt.Fprintln(m.Stdout, h.Code)
			return nil
		})
	}
	return cmd
}

func (m *Main) handshakeAddCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "add-license CODE ID...",
		Short: "Bind more licenses to a handshake code",
		Args:  cobra.MinimumNArgs(2),
	}
	cfgPath := m.addConfigFlag(cmd.Flags())
	cmd.RunE = func(_ *cobra.Command, args []string) error {
		return m.withBackend(cfgPath.Path(), func(st backend) error {
			had := map[string]bool{}
			if hs, err := st.Handshakes(); err == nil {
				for _, h := range hs {
					if h.Code == args[0] {
						for _, id := range h.Licenses {
							had[id] = true
						}
					}
				}
			}
			if err := st.AddLicenses(args[0], args[1:]); err != nil {
				return err
			}
			var added, already []string
			for _, id := range args[1:] {
				if had[id] {
					already = append(already, id)
				} else if !slices.Contains(added, id) {
					added = append(added, id)
				}
			}
			if len(added) > 0 {
				fmt.Fprintf(m.Stdout, "bound license %s to handshake code %s\n", strings.Join(added, ", "), args[0])
			}
			if len(already) > 0 {
				fmt.Fprintf(m.Stdout, "license %s already bound to handshake code %s (unchanged)\n", strings.Join(already, ", "), args[0])
			}
			return nil
		})
	}
	return cmd
}

func (m *Main) handshakeListCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "list", Short: "List handshake codes (never their password hashes)", Args: cobra.NoArgs}
	cfgPath := m.addConfigFlag(cmd.Flags())
	asJSON := cli.AddJSONFlag(cmd)
	cmd.RunE = func(*cobra.Command, []string) error {
		return m.withBackend(cfgPath.Path(), func(st backend) error {
			hs, err := st.Handshakes()
			if err != nil {
				return err
			}
			if *asJSON {
				return cli.PrintJSON(m.Stdout, map[string]any{"handshakes": hs})
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
	return cmd
}

func (m *Main) deviceListCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "list", Short: "List devices with first and last seen, domain and address", Args: cobra.NoArgs}
	cfgPath := m.addConfigFlag(cmd.Flags())
	code := cmd.Flags().String("handshake", "", "only devices of this handshake `CODE` (one the LTS does not have is an error)")
	asJSON := cli.AddJSONFlag(cmd)
	cmd.RunE = func(*cobra.Command, []string) error {
		return m.withBackend(cfgPath.Path(), func(st backend) error {
			ds, err := st.Devices(*code)
			if err != nil {
				return err
			}
			if *asJSON {
				return cli.PrintJSON(m.Stdout, map[string]any{"devices": ds})
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
	return cmd
}

func (m *Main) deviceStateCommand(action, short string) *cobra.Command {
	cmd := &cobra.Command{Use: action + " UUID", Short: short, Args: cobra.ExactArgs(1)}
	cfgPath := m.addConfigFlag(cmd.Flags())
	cmd.RunE = func(_ *cobra.Command, args []string) error {
		return m.withBackend(cfgPath.Path(), func(st backend) error {
			changed, err := st.SetDeviceState(args[0], action)
			if err != nil {
				return err
			}
			if !changed {
				fmt.Fprintln(m.Stdout, deviceStateUnchanged(action, args[0]))
				return nil
			}
			fmt.Fprintln(m.Stdout, deviceStateDone(action, args[0]))
			return nil
		})
	}
	return cmd
}

// deviceStateDone says what a device command did, on one line.
func deviceStateDone(action, id string) string {
	switch action {
	case "remove":
		return fmt.Sprintf("removed device %s: its slot is free; it registers again on its next authorization", id)
	case "revoke":
		return fmt.Sprintf("revoked device %s: it stops decoding at its next sync (ltsd device reinstate %s undoes this)", id, id)
	case "reinstate":
		return fmt.Sprintf("reinstated device %s: its next sync authorizes it again; it decodes again unless its handshake code's scan quota for this period is used up (then it stays over_quota until the next period or a license is added)", id)
	}
	return fmt.Sprintf("%s device %s: done", action, id)
}

// deviceStateUnchanged says that a device command found nothing to change.
func deviceStateUnchanged(action, id string) string {
	switch action {
	case "remove":
		return fmt.Sprintf("device %s is already removed (unchanged)", id)
	case "revoke":
		return fmt.Sprintf("device %s is already revoked (unchanged)", id)
	case "reinstate":
		return fmt.Sprintf("device %s is not revoked (unchanged)", id)
	}
	return fmt.Sprintf("%s device %s: unchanged", action, id)
}

func (m *Main) usageCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "usage [--by day|month|year] [--handshake CODE]",
		Short: "Print usage totals per period, symbology and handshake code",
		Args:  cobra.NoArgs,
	}
	cfgPath := m.addConfigFlag(cmd.Flags())
	by := cmd.Flags().String("by", wire.PeriodMonth, "`PERIOD`: day, month or year")
	code := cmd.Flags().String("handshake", "", "only this handshake `CODE` (one the LTS does not have is an error)")
	cmd.RegisterFlagCompletionFunc("by", cli.CompleteWords(wire.PeriodDay, wire.PeriodMonth, wire.PeriodYear))
	asJSON := cli.AddJSONFlag(cmd)
	cmd.RunE = func(*cobra.Command, []string) error {
		switch *by {
		case wire.PeriodDay, wire.PeriodMonth, wire.PeriodYear:
		default:
			return cli.Usagef("--by %q: want day, month or year", *by)
		}
		return m.withBackend(cfgPath.Path(), func(st backend) error {
			rows, err := st.Usage(*by, *code)
			if err != nil {
				return err
			}
			if *asJSON {
				return cli.PrintJSON(m.Stdout, map[string]any{"by": *by, "usage": rows})
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
	return cmd
}
