package main

import (
	"bufio"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/scannerd/scannerd/api/client"
	"github.com/scannerd/scannerd/internal/cli"
	"github.com/scannerd/scannerd/scanner"
)

func (m *Main) scanCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "scan",
		Short: "Wait for the next barcode and print it",
		Long: `Waits for the next barcode the daemon reads and prints it: source,
symbology and text, or one JSON result with --json. Exit status 3 when no
barcode comes within the timeout, 5 when none came because the license
refused the frames, 4 when the daemon cannot be reached.`,
		Args: cobra.NoArgs,
	}
	df := m.addDaemonFlags(cmd.Flags(), true)
	var filter filterFlags
	filter.add(cmd)
	timeout := cmd.Flags().Duration("timeout", 10*time.Second, "wait at most `DURATION` for a barcode")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if *timeout <= 0 {
			return cli.Usagef("--timeout must be positive")
		}
		if err := filter.check(); err != nil {
			return err
		}
		c := df.client()
		defer c.Close()
		r, err := c.Scan(cmd.Context(), client.ScanOptions{Timeout: *timeout, Symbologies: filter.symbologyList(), Sources: filter.sourceList()})
		if err != nil {
			if exitCode(err) == exitNoResult {
				fmt.Fprintf(m.Stderr, "scanctl scan: no barcode within %v\n", *timeout)
				return cli.Exit(exitNoResult)
			}
			return cli.Exit(m.fail("scan", err))
		}
		if df.json {
			return cli.PrintJSON(m.Stdout, r)
		}
		out := bufio.NewWriter(m.Stdout)
		printResult(out, &r)
		return out.Flush()
	}
	return cmd
}

// filterFlags are --symbology and --source of the commands that receive
// results.
type filterFlags struct {
	symbologies, sources string
	flags                *pflag.FlagSet
}

func (f *filterFlags) add(cmd *cobra.Command) {
	f.flags = cmd.Flags()
	cmd.Flags().StringVar(&f.symbologies, "symbology", "", "only these symbologies (comma-separated `LIST`; -NAME takes one out: \"all,-qr_code\")")
	cmd.Flags().StringVar(&f.sources, "source", "", "only these sources (comma-separated `LIST`)")
	cmd.RegisterFlagCompletionFunc("symbology", completeSymbologies)
}

func (f *filterFlags) symbologyList() []string { return splitList(f.symbologies) }

// check refuses a --symbology list naming no symbology scannerd knows, as
// a bad flag value (exit 2), before the daemon is asked.
func (f *filterFlags) check() error {
	if !f.flags.Changed("symbology") {
		return nil
	}
	if _, err := scanner.ParseSymbologyList(f.symbologies); err != nil {
		return cli.Usagef("--symbology: %v", err)
	}
	return nil
}

func (f *filterFlags) sourceList() []string { return splitList(f.sources) }
