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

	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/lts/console"
)

// consoleHandler returns the admin listener's handler: the admin API,
// /metrics and, unless [console] disabled is set, the console under
// /console/; and what runs the console's alert checks until its context
// ends.
func (m *Main) consoleHandler(cfg lts.Config, st lts.Store, srv *lts.Server, log *slog.Logger) (http.Handler, func(context.Context), error) {
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

// The console's accounts: "ltsd admin add|remove|passwd|list". They act on
// the store directly; a bbolt store must not be held by a running ltsd
// (stop it, or use PostgreSQL, which replicas and these commands share).

func (m *Main) runAdminAdd(ctx context.Context, args []string) error {
	fs := m.flags("admin add")
	cfgPath := configFlag(fs)
	role := fs.String("role", string(lts.RoleAdmin), "`role`: admin (may act) or read-only")
	pwFile := fs.String("password-file", "", "read the password from `file` (default: the first line of stdin)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: ltsd admin add [-role admin|read-only] [-password-file FILE] NAME")
	}
	hash, err := m.newPasswordHash(*pwFile)
	if err != nil {
		return err
	}
	now := m.Now()
	a := &lts.Account{Name: fs.Arg(0), Role: lts.Role(*role), PasswordHash: hash, Created: now, PasswordChanged: now}
	return m.withStore(ctx, *cfgPath, func(st lts.Store) error {
		if err := st.CreateAccount(ctx, a); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "added console account %s (%s)\n", a.Name, a.Role)
		return nil
	})
}

func (m *Main) runAdminRemove(ctx context.Context, args []string) error {
	fs := m.flags("admin remove")
	cfgPath := configFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: ltsd admin remove NAME")
	}
	return m.withStore(ctx, *cfgPath, func(st lts.Store) error {
		if err := st.DeleteAccount(ctx, fs.Arg(0)); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "removed console account %s and ended its sessions\n", fs.Arg(0))
		return nil
	})
}

func (m *Main) runAdminPasswd(ctx context.Context, args []string) error {
	fs := m.flags("admin passwd")
	cfgPath := configFlag(fs)
	pwFile := fs.String("password-file", "", "read the password from `file` (default: the first line of stdin)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: ltsd admin passwd [-password-file FILE] NAME")
	}
	hash, err := m.newPasswordHash(*pwFile)
	if err != nil {
		return err
	}
	return m.withStore(ctx, *cfgPath, func(st lts.Store) error {
		if err := st.SetAccountPassword(ctx, fs.Arg(0), hash, m.Now()); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "changed the password of %s and ended its sessions\n", fs.Arg(0))
		return nil
	})
}

func (m *Main) runAdminList(ctx context.Context, args []string) error {
	fs := m.flags("admin list")
	cfgPath := configFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	return m.withStore(ctx, *cfgPath, func(st lts.Store) error {
		as, err := st.Accounts(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ACCOUNT\tROLE\tCREATED\tPASSWORD CHANGED")
		for _, a := range as {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", a.Name, a.Role, a.Created.UTC().Format(time.RFC3339), a.PasswordChanged.UTC().Format(time.RFC3339))
		}
		return tw.Flush()
	})
}

// withStore opens the config's store for run.
func (m *Main) withStore(_ context.Context, cfgPath string, run func(lts.Store) error) error {
	_, st, err := openStore(cfgPath)
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
