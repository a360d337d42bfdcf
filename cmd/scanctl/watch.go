package main

import (
	"bufio"
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/api/client"
	"github.com/scannerd/scannerd/internal/cli"
	"github.com/scannerd/scannerd/scanner"
)

func (m *Main) watchCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "watch",
		Short: "Print barcodes as the daemon reads them",
		Long: `Prints barcodes as the daemon delivers them, one line each, until
interrupted: time, source, symbology and text; with --json, one result
object per line (see docs/api.md). Exit status 4 when the daemon cannot be
reached, 1 when it ends the stream or has no --source of that name, 2 for
a --symbology no daemon knows or a negative --count.`,
		Args: cobra.NoArgs,
	}
	df := m.addDaemonFlags(cmd.Flags(), true)
	var filter filterFlags
	filter.add(cmd)
	count := cmd.Flags().Int("count", 0, "exit after `N` barcodes (0: run until interrupted)")
	recent := cmd.Flags().Bool("recent", false, "first print the results the daemon still holds (its last result_ttl, 30 s by default)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := filter.check(); err != nil {
			return err
		}
		if *count < 0 {
			return cli.Usagef("--count %d: want 0 (run until interrupted) or more", *count)
		}
		return cli.Exit(m.watch(cmd.Context(), df, &filter, *count, *recent))
	}
	return cmd
}

func (m *Main) watch(ctx context.Context, df *daemonFlags, filter *filterFlags, count int, recent bool) int {
	c := df.client()
	defer c.Close()
	opts := client.EventsOptions{Symbologies: filter.symbologyList(), Sources: filter.sourceList(), NoReconnect: true}
	if recent {
		var all uint64
		opts.Since = &all
	}
	out := bufio.NewWriter(m.Stdout)
	defer out.Flush()
	seen := 0
	for ev, err := range c.Events(ctx, opts) {
		if err != nil {
			if ctx.Err() != nil {
				return exitOK // interrupted
			}
			return m.fail("watch", err)
		}
		switch ev.Kind {
		case client.EventResult:
			if df.json {
				cli.PrintJSON(out, ev.Result)
			} else {
				printResult(out, &ev.Result)
			}
			out.Flush()
			seen++
			if count > 0 && seen >= count {
				return exitOK
			}
		case client.EventDropped:
			fmt.Fprintf(m.Stderr, "scanctl watch: %d results dropped: this terminal reads too slowly\n", ev.Dropped)
		case client.EventDisconnected:
			out.Flush()
			if ctx.Err() != nil {
				return exitOK // interrupted, as the daemon stopped too
			}
			fmt.Fprintf(m.Stderr, "scanctl watch: the daemon ended the stream (%s)\n", ev.Reason)
			return exitFailure
		}
	}
	if ctx.Err() != nil {
		return exitOK
	}
	fmt.Fprintln(m.Stderr, "scanctl watch: the daemon closed the stream")
	return exitFailure
}

// printResult prints one result for people: local capture time, source,
// symbology, text.
func printResult(w *bufio.Writer, r *api.Result) {
	at := r.CapturedAt
	if at.IsZero() {
		at = r.DecodedAt
	}
	var seq *scanner.Sequence
	if s := r.Sequence; s != nil {
		seq = &scanner.Sequence{Index: s.Index, Count: s.Count, ID: s.ID, Last: s.Last}
	}
	fmt.Fprintf(w, "%s %s %s %s%s%s\n", at.Local().Format(time.TimeOnly+".000"), r.Source, r.Symbology, oneLine(r.Text),
		addOnSuffix(r.AddOn), sequenceSuffix(seq))
}
