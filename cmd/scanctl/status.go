package main

import (
	"bufio"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/internal/cli"
)

func (m *Main) statusCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the daemon's state",
		Long: `Shows the daemon's state: version, sources and their frame rates, the
decode engine's counters, subscribers, the license state, and each result
sink's counters (delivered, retried, dropped, queue) and last error. Exit
status 4 when the daemon cannot be reached.`,
		Args: cobra.NoArgs,
	}
	df := m.addDaemonFlags(cmd.Flags(), true)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		c := df.client()
		defer c.Close()
		st, err := c.Status(cmd.Context())
		if err != nil {
			return cli.Exit(m.fail("status", err))
		}
		if df.json {
			return cli.PrintJSON(m.Stdout, st)
		}
		out := bufio.NewWriter(m.Stdout)
		printStatus(out, &st)
		return out.Flush()
	}
	return cmd
}

func printStatus(w *bufio.Writer, st *api.Status) {
	fmt.Fprintf(w, "scannerd %s", st.Version)
	if !st.Started.IsZero() {
		fmt.Fprintf(w, ", running since %s", st.Started.Local().Format(time.DateTime))
	}
	fmt.Fprintln(w)
	lic := st.License.State
	if !st.License.Expires.IsZero() {
		lic += ", expires " + st.License.Expires.Local().Format(time.DateTime)
	}
	if st.License.Message != "" {
		lic += ": " + st.License.Message
	}
	fmt.Fprintf(w, "license:     %s\n", lic)
	if u := st.License.Uploads; u != nil {
		fmt.Fprintf(w, "uploads:     %s\n", u.Reason)
	}
	e := st.Engine
	fmt.Fprintf(w, "engine:      %d workers (%d busy), queue %d/%d; background %d (%d busy, %d waiting)\n",
		e.Workers, e.Busy, e.Queued, e.QueueSize, e.BackgroundWorkers, e.BackgroundBusy, e.BackgroundQueued)
	fmt.Fprintf(w, "frames:      %d decoded, %d dropped, %d refused, %d decoder panics, %d stopped\n", e.Decoded, e.Dropped, e.Refused, e.Panics, e.Stopped)
	fmt.Fprintf(w, "results:     %d\n", e.Results)
	fmt.Fprintf(w, "subscribers: %d\n", st.Subscribers)
	export := "off"
	if st.DebugExport {
		export = "ON (images are being saved)"
	}
	fmt.Fprintf(w, "debug export: %s\n", export)
	if p := st.Preview; p.Enabled {
		fmt.Fprintf(w, "setup preview: ON until %s (%s)\n", p.Until.Local().Format(time.DateTime), p.By)
	} else {
		fmt.Fprintln(w, "setup preview: off")
	}
	if len(st.SetupSources) > 0 {
		fmt.Fprintf(w, "setup file:  %s (region and symbologies of %s)\n", st.SetupFile, strings.Join(st.SetupSources, ", "))
	}
	if len(st.Sources) == 0 {
		fmt.Fprintln(w, "sources:     none")
	} else {
		fmt.Fprintln(w, "sources:")
	}
	for _, s := range st.Sources {
		fmt.Fprintf(w, "  %-12s %-10s %5.1f fps %8d frames %3d reopens  %s\n", s.Name, s.State, s.FPS, s.Frames, s.Reopens, s.URL)
		if s.LastError != "" {
			fmt.Fprintf(w, "  %-12s last error: %s\n", "", s.LastError)
		}
	}
	if len(st.Sinks) > 0 {
		fmt.Fprintln(w, "sinks:")
	}
	for _, k := range st.Sinks {
		fmt.Fprintf(w, "  %-12s %-7s %-8s %8d delivered %5d retried %5d dropped (%d overflow)  queue %d/%d  %s\n",
			k.Name, k.Kind, k.State, k.Delivered, k.Retried, k.Dropped, k.Overflow, k.Queued, k.QueueSize, k.Target)
		if k.LastError != "" {
			fmt.Fprintf(w, "  %-12s last error at %s: %s\n", "", k.LastErrorAt.Local().Format(time.DateTime), k.LastError)
		}
	}
}
