package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/scannerd/scannerd/internal/cli"
	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/lts/console"
)

// consoleHandler returns the admin listener's handler: the admin API,
// /metrics and, unless [console] disabled is set, the console under
// /console/; and what runs the console's alert checks until its context
// ends.
func (m *Main) consoleHandler(cfg Config, st lts.Store, srv *lts.Server, log *slog.Logger) (http.Handler, func(context.Context), error) {
	if cfg.Console.Disabled {
		return srv.AdminHandler(), func(context.Context) {}, nil
	}
	vendors, err := cfg.Vendors()
	if err != nil {
		return nil, nil, err
	}
	secret, err := cfg.WebhookSecret()
	if err != nil {
		return nil, nil, err
	}
	con, err := console.New(console.Options{
		Store: st, Now: m.Now, Logger: log, VendorKeys: vendors,
		SessionLifetime: time.Duration(cfg.Console.SessionLifetime),
		SignInAttempts:  cfg.PasswordAttempts, SignInWindow: time.Duration(cfg.PasswordWindow),
		Alerts: console.AlertOptions{WebhookURL: cfg.Console.WebhookURL, WebhookSecret: secret},
	})
	if err != nil {
		return nil, nil, err
	}
	if err := srv.RegisterMetrics(con.Collector()); err != nil {
		return nil, nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/", srv.AdminHandler())
	pages := con.Handler()
	mux.Handle(console.Prefix, pages)
	mux.Handle("GET /{$}", pages)
	return mux, con.Run, nil
}

// adminCommand is "ltsd admin": the console's accounts. Its commands act
// on the store directly; a bbolt store must not be held by a running ltsd
// (stop it, or use PostgreSQL, which replicas and these commands share).
func (m *Main) adminCommand() *cobra.Command {
	admin := cli.Group(&cobra.Command{
		Use:   "admin",
		Short: "Add, remove and list the accounts that sign in to the console",
		Long: `Manages the accounts that sign in to the admin console (served on
admin_listen). These commands open the store themselves: stop a running ltsd
that holds a bbolt store first; a PostgreSQL store is shared. A new password
comes from --password-file or the first line of stdin, and a new password or
a removal ends the account's sessions.`,
	})
	admin.AddCommand(m.adminAddCommand(), m.adminRemoveCommand(), m.adminPasswdCommand(), m.adminListCommand())
	return admin
}

// accountView is an account as the admin commands print it: never its
// password hash.
type accountView struct {
	Name            string    `json:"name"`
	Role            lts.Role  `json:"role"`
	Created         time.Time `json:"created"`
	PasswordChanged time.Time `json:"password_changed"`
}

func viewAccount(a *lts.Account) accountView {
	return accountView{a.Name, a.Role, a.Created, a.PasswordChanged}
}

// addPasswordFileFlag adds --password-file to cmd.
func addPasswordFileFlag(cmd *cobra.Command) *string {
	return cmd.Flags().String("password-file", "", "read the password from `FILE` (default: the first line of stdin)")
}

func (m *Main) adminAddCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "add [--role admin|read-only] [--password-file FILE] NAME",
		Short: "Add a console account (its password from the file or stdin)",
		Args:  cobra.ExactArgs(1),
	}
	cfgPath := m.addConfigFlag(cmd.Flags())
	role := cmd.Flags().String("role", string(lts.RoleAdmin), "`ROLE`: admin (may act) or read-only")
	cmd.RegisterFlagCompletionFunc("role", cli.CompleteWords(string(lts.RoleAdmin), string(lts.RoleReadOnly)))
	pwFile := addPasswordFileFlag(cmd)
	asJSON := cli.AddJSONFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if !lts.Role(*role).Valid() {
			return cli.Usagef("--role %q: want %s or %s", *role, lts.RoleAdmin, lts.RoleReadOnly)
		}
		hash, err := m.newPasswordHash(*pwFile)
		if err != nil {
			return err
		}
		now := m.Now()
		a := &lts.Account{Name: args[0], Role: lts.Role(*role), PasswordHash: hash, Created: now, PasswordChanged: now}
		return m.withStore(cmd.Context(), cfgPath.Path(), func(st lts.Store) error {
			if err := st.CreateAccount(cmd.Context(), a); err != nil {
				return err
			}
			if *asJSON {
				return cli.PrintJSON(m.Stdout, viewAccount(a))
			}
			fmt.Fprintf(m.Stdout, "added console account %s (%s)\n", a.Name, a.Role)
			return nil
		})
	}
	return cmd
}

func (m *Main) adminRemoveCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "remove NAME",
		Short: "Remove a console account and end its sessions",
		Args:  cobra.ExactArgs(1),
	}
	cfgPath := m.addConfigFlag(cmd.Flags())
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		return m.withStore(cmd.Context(), cfgPath.Path(), func(st lts.Store) error {
			if err := st.DeleteAccount(cmd.Context(), args[0]); err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "removed console account %s and ended its sessions\n", args[0])
			return nil
		})
	}
	return cmd
}

func (m *Main) adminPasswdCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "passwd [--password-file FILE] NAME",
		Short: "Set a console account's password and end its sessions",
		Args:  cobra.ExactArgs(1),
	}
	cfgPath := m.addConfigFlag(cmd.Flags())
	pwFile := addPasswordFileFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		hash, err := m.newPasswordHash(*pwFile)
		if err != nil {
			return err
		}
		return m.withStore(cmd.Context(), cfgPath.Path(), func(st lts.Store) error {
			if err := st.SetAccountPassword(cmd.Context(), args[0], hash, m.Now()); err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "changed the password of %s and ended its sessions\n", args[0])
			return nil
		})
	}
	return cmd
}

func (m *Main) adminListCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "list", Short: "List console accounts (never their password hashes)", Args: cobra.NoArgs}
	cfgPath := m.addConfigFlag(cmd.Flags())
	asJSON := cli.AddJSONFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		return m.withStore(cmd.Context(), cfgPath.Path(), func(st lts.Store) error {
			as, err := st.Accounts(cmd.Context())
			if err != nil {
				return err
			}
			if *asJSON {
				views := make([]accountView, len(as))
				for i := range as {
					views[i] = viewAccount(&as[i])
				}
				return cli.PrintJSON(m.Stdout, map[string]any{"accounts": views})
			}
			tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ACCOUNT\tROLE\tCREATED\tPASSWORD CHANGED")
			for _, a := range as {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", a.Name, a.Role, a.Created.UTC().Format(time.RFC3339), a.PasswordChanged.UTC().Format(time.RFC3339))
			}
			return tw.Flush()
		})
	}
	return cmd
}

// withStore opens the config's store for run.
func (m *Main) withStore(ctx context.Context, cfgPath string, run func(lts.Store) error) error {
	_, st, err := openStore(ctx, cfgPath)
	if errors.Is(err, lts.ErrStoreBusy) {
		return fmt.Errorf("%w\nltsd admin opens the store itself, not through the admin API: stop ltsd serve first (a PostgreSQL store is shared and needs no stop)", err)
	}
	if err != nil {
		return err
	}
	defer st.Close()
	return run(st)
}

// newPasswordHash reads a new password from file, or the first line of
// stdin, checks it and hashes it.
func (m *Main) newPasswordHash(file string) (string, error) {
	var data []byte
	var err error
	if file != "" {
		data, err = os.ReadFile(file)
	} else {
		data, err = bufio.NewReader(m.Stdin).ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			err = nil
		}
	}
	if err != nil {
		return "", fmt.Errorf("read the password: %w", err)
	}
	pw := strings.TrimRight(string(data), "\r\n")
	if err := console.CheckNewPassword(pw); err != nil {
		return "", err
	}
	return console.HashPassword(pw, console.DefaultPasswordParams())
}
