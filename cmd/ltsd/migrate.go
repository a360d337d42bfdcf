package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/scannerd/scannerd/internal/cli"
	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/lts/boltstore"
	"github.com/scannerd/scannerd/licensing/lts/pgstore"
)

func (m *Main) migrateCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate [--from FILE]",
		Short: "Copy a bbolt store into the PostgreSQL database of [store] url and check every total",
		Long: `Copies every record of a bbolt store (licenses, handshake codes, devices,
usage totals, the ids of usage reports already counted, console accounts and
the devices' totals) into the PostgreSQL database that [store] url of the
config names, then reads both back and checks that they hold the same: every
usage total per handshake code, day and symbology, and every report id. It
prints what it copied. In the ltsd.toml that ltsd init writes, the [store]
table replaces the last line, store = "lts.db" (a table takes every key
after it); store = "postgres://..." is short for it.

--from is the bbolt file (default: [store] path of the config, lts.db beside
it). Stop the ltsd that serves it first. The database must be empty: ltsd
creates its schema; a database holding any record is refused, so a
migration is never run twice into one database. Console sessions are not
copied: operators sign in again.`,
		Args: cobra.NoArgs,
	}
	cfgPath := m.addConfigFlag(cmd.Flags())
	var from string
	cmd.Flags().StringVar(&from, "from", "", "the bbolt store `FILE` (default: [store] path of the config)")
	asJSON := cli.AddJSONFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		ctx := cmd.Context()
		cfg, err := LoadConfig(cfgPath.Path())
		if err != nil {
			return err
		}
		if !cfg.Store.Postgres() {
			return fmt.Errorf("%s has no [store] url: set it to the PostgreSQL database to copy the store into", cfgPath.Path())
		}
		if from == "" {
			from = cfg.Path(cfg.Store.Path)
		}
		if err := checkUser(from); err != nil {
			return err
		}
		// Open would make a new, empty store where there is none.
		if _, err := os.Stat(from); err != nil {
			return fmt.Errorf("the bbolt store to copy: %w", err)
		}
		src, err := boltstore.Open(from)
		if errors.Is(err, lts.ErrStoreBusy) {
			err = fmt.Errorf("%w: stop the ltsd serving it first", err)
		}
		if err != nil {
			return err
		}
		defer src.Close()
		dst, err := pgstore.Open(ctx, cfg.Store.URL)
		if err != nil {
			return fmt.Errorf("%w (check [store] url)", err)
		}
		defer dst.Close()
		mig, err := lts.Migrate(ctx, dst, src)
		if err != nil {
			return err
		}
		if *asJSON {
			return cli.PrintJSON(m.Stdout, mig)
		}
		fmt.Fprintf(m.Stdout, "copied %s into PostgreSQL and checked it: %d licenses, %d handshake codes, %d devices, %d usage totals (%d scans), %d report ids, %d accounts, %d device totals\n",
			from, mig.Licenses, mig.Handshakes, mig.Devices, mig.UsageRows, mig.Scans, mig.Reports, mig.Accounts, mig.DeviceTotals)
		return nil
	}
	return cmd
}
