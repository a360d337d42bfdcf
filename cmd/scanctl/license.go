package main

import (
	"context"
	"fmt"

	"github.com/scannerd/scannerd/api/client"
)

func (m *Main) license(ctx context.Context, args []string) int {
	fs, df := m.newDaemonFlagSet("license", `usage: scanctl license [--json]
       scanctl license sync [--json]

Shows the daemon's license state: authorization, offline time left,
pending usage, last sync. "sync" makes the daemon sync with its License
Tracking Server now (uid 0 or the admin group). Exit status 5 when the
daemon refuses, 4 when it cannot be reached.

`, true)
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	c := client.New(df.socket)
	defer c.Close()
	switch {
	case len(rest) == 0:
		doc, err := c.License(ctx)
		if err != nil {
			return m.fail("license", err)
		}
		m.printDoc(df.json, doc)
		return exitOK
	case len(rest) == 1 && rest[0] == "sync":
		doc, err := c.Sync(ctx)
		if err != nil {
			return m.fail("license sync", err)
		}
		if !df.json {
			fmt.Fprintln(m.Stdout, "synced")
		}
		m.printDoc(df.json, doc)
		return exitOK
	}
	fs.Usage()
	return exitUsage
}

func (m *Main) printDoc(asJSON bool, doc []byte) {
	if asJSON {
		fmt.Fprintf(m.Stdout, "%s\n", doc)
		return
	}
	printDocument(m.Stdout, doc)
}
