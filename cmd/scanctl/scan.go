package main

import (
	"bufio"
	"context"
	"fmt"
	"time"

	"github.com/scannerd/scannerd/api/client"
)

func (m *Main) scan(ctx context.Context, args []string) int {
	fs, df := m.newDaemonFlagSet("scan", `usage: scanctl scan [--timeout D] [--json] [--symbology LIST] [--source LIST]

Waits for the next barcode the daemon reads and prints it: source,
symbology and text, or one JSON result with --json. Exit status 3 when no
barcode comes within the timeout, 4 when the daemon cannot be reached.

`, true)
	timeout := fs.Duration("timeout", 10*time.Second, "how long to wait for a barcode")
	syms := fs.String("symbology", "", "only these symbologies (comma-separated `list`)")
	sources := fs.String("source", "", "only these sources (comma-separated `list`)")
	if code, ok := parseNoArgs(fs, args); !ok {
		return code
	}
	if *timeout <= 0 {
		fs.Usage()
		return exitUsage
	}
	c := client.New(df.socket)
	defer c.Close()
	r, err := c.Scan(ctx, client.ScanOptions{Timeout: *timeout, Symbologies: splitList(*syms), Sources: splitList(*sources)})
	if err != nil {
		if exitCode(err) == exitNoResult {
			fmt.Fprintf(m.Stderr, "scanctl scan: no barcode within %v\n", *timeout)
			return exitNoResult
		}
		return m.fail("scan", err)
	}
	if df.json {
		printJSON(m.Stdout, r)
		return exitOK
	}
	out := bufio.NewWriter(m.Stdout)
	defer out.Flush()
	printResult(out, &r)
	return exitOK
}
