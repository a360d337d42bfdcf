package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/scannerd/scannerd/api/apitype"
	"github.com/scannerd/scannerd/api/client"
	"github.com/scannerd/scannerd/internal/cli"
)

func (m *Main) licenseCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "license",
		Short: "Show the license state",
		Long: `Shows the daemon's license state: authorization, offline time left,
pending usage, last sync. Exit status 5 when the state is not authorized
(expired, not_authorized, over_quota, revoked: the daemon does not decode),
4 when the daemon cannot be reached. In evaluation mode (no [license]
table: only the demo camera decodes) it says so and what to configure, as
scanctl status does, and exits with status 1, so that scripts can tell an
unlicensed daemon.`,
		Args: cobra.NoArgs,
	}
	df := m.addDaemonFlags(cmd.PersistentFlags(), true)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		c := df.client()
		defer c.Close()
		lic, err := c.License(cmd.Context())
		if m.evaluationMode(cmd.Context(), c, df.json, err) {
			return cli.Exit(exitFailure)
		}
		if err != nil {
			return cli.Exit(m.fail("license", err))
		}
		doc, _ := json.Marshal(lic)
		if df.json || !printLicense(m.Stdout, doc) {
			m.printDoc(df.json, doc)
		}
		return refusing(lic)
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "sync",
		Short: "Make the daemon sync with its License Tracking Server now",
		Long: `Makes the daemon sync with its License Tracking Server now (uid 0 or the
admin group), then shows the license state. With the LTS unreachable it
fails within request_timeout (30 s by default) per lts_url; asked while a
sync is already under way that cannot reach the LTS either, it fails with
that sync's error rather than starting another attempt after it.
With an offline license there is no LTS: it says so, and that the usage
metered is never sent, and shows the state. When the LTS answers and
refuses the device (revoked, scan quota used up, wrong password, unknown
handshake code) it prints the LTS's reason and the state it left. Exit status 5 when the daemon or the LTS refuses or the state
after the sync is not authorized, 1 when the LTS could not be reached or
failed, 4 when the daemon cannot be reached.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c := df.client()
			defer c.Close()
			lic, err := c.Sync(cmd.Context())
			if m.evaluationMode(cmd.Context(), c, df.json, err) {
				return cli.Exit(exitFailure)
			}
			if errors.Is(err, apitype.ErrSyncRefused) {
				// The LTS answered: say why it refused, then the state
				// that refusal left (and what to do about it).
				code := m.fail("license sync", err)
				if lic, lerr := c.License(cmd.Context()); lerr == nil {
					doc, _ := json.Marshal(lic)
					if df.json || !printLicense(m.Stdout, doc) {
						m.printDoc(df.json, doc)
					}
				}
				return cli.Exit(code)
			}
			if err != nil {
				return cli.Exit(m.fail("license sync", err))
			}
			doc, _ := json.Marshal(lic)
			switch {
			case df.json:
			case lic.Mode == apitype.LicenseModeOffline:
				// Nothing was contacted: say so rather than "synced".
				fmt.Fprintln(m.Stdout, offlineNotSynced)
			default:
				fmt.Fprintln(m.Stdout, "synced")
			}
			if df.json || !printLicense(m.Stdout, doc) {
				m.printDoc(df.json, doc)
			}
			return refusing(lic)
		},
	})
	return cmd
}

// offlineNotSynced is what license sync says for an offline license.
const offlineNotSynced = "not synced: an offline license has no License Tracking Server to sync with; " +
	"usage is metered on this device only and never sent (the pending usage below only grows)"

// refusing is exit status 5 for a license state in which the daemon does
// not decode, after the state has been shown: a monitoring script tells a
// device that stopped decoding from the exit status alone.
func refusing(lic apitype.License) error {
	if lic.State != apitype.LicenseAuthorized {
		return cli.Exit(exitRefused)
	}
	return nil
}

func (m *Main) printDoc(asJSON bool, doc []byte) {
	if asJSON {
		fmt.Fprintf(m.Stdout, "%s\n", doc)
		return
	}
	printDocument(m.Stdout, doc)
}

// licenseDoc holds the fields of /v1/license that the human summary shows.
type licenseDoc struct {
	State          string            `json:"state"`
	Message        string            `json:"message"`
	Mode           string            `json:"mode"`
	Device         string            `json:"device"`
	HandshakeCode  string            `json:"handshake_code"`
	AuthorizedCode string            `json:"authorized_handshake_code"`
	Licenses       []string          `json:"licenses"`
	Expires        time.Time         `json:"expires"`
	OfflineLeft    string            `json:"offline_left"`
	Pending        map[string]uint64 `json:"pending"`
	PendingScans   uint64            `json:"pending_scans"`
	PendingReports int               `json:"pending_reports"`
	LTSURL         string            `json:"lts_url"`
	LTSAnswered    time.Time         `json:"lts_answered"`
	LastSync       time.Time         `json:"last_sync"`
	LastSyncError  string            `json:"last_sync_error"`
	LTSMessage     string            `json:"lts_message"`
	NextSync       time.Time         `json:"next_sync"`
	Quota          *struct {
		Period string `json:"period"`
		Limit  uint64 `json:"limit"`
		Used   uint64 `json:"used"`
	} `json:"quota"`
	Lease *struct {
		Period string `json:"period"`
		Scans  uint64 `json:"scans"`
		Used   uint64 `json:"used"`
	} `json:"lease"`
	RollbackMarkError string   `json:"rollback_mark_error"`
	StoreRecovered    string   `json:"store_recovered"`
	Features          []string `json:"features"`
	Uploads           *struct {
		Reason string `json:"reason"`
	} `json:"uploads"`
}

// evaluationMode reports whether err says the daemon runs without a license
// client and, if so, prints the license state as /v1/status has it
// ("unconfigured": evaluation mode, and what to configure).
func (m *Main) evaluationMode(ctx context.Context, c *client.Client, asJSON bool, err error) bool {
	if !errors.Is(err, apitype.ErrLicenseDisabled) {
		return false
	}
	st, serr := c.Status(ctx)
	if serr != nil || st.License.State != apitype.LicenseUnconfigured {
		return false
	}
	if asJSON {
		cli.PrintJSON(m.Stdout, st.License)
		return true
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "state:\t%s\n", st.License.State)
	if st.License.Message != "" {
		fmt.Fprintf(tw, "what to do:\t%s\n", st.License.Message)
	}
	tw.Flush()
	return true
}

// printLicense prints the license document for people; false when the
// document is not one it knows (then the caller prints it as it is).
func printLicense(w io.Writer, doc []byte) bool {
	var d licenseDoc
	if json.Unmarshal(doc, &d) != nil || d.State == "" {
		return false
	}
	when := func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return t.Local().Format("2006-01-02 15:04:05")
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "state:\t%s\n", d.State)
	if d.Message != "" {
		fmt.Fprintf(tw, "what to do:\t%s\n", d.Message)
	}
	fmt.Fprintf(tw, "device:\t%s\n", d.Device)
	switch d.Mode {
	case "offline_license":
		fmt.Fprintf(tw, "license:\toffline license file, until %s\n", when(d.Expires))
	default:
		// A device without an authorization (revoked, or not yet
		// authorized) has neither to show.
		switch {
		case d.AuthorizedCode != "":
			// The config changed the code: what is shown below is the
			// previous code's until the LTS authorizes this one.
			fmt.Fprintf(tw, "handshake code:\t%s (configured, not authorized yet)\n", d.HandshakeCode)
			fmt.Fprintf(tw, "state of:\tthe previous handshake code %s", d.AuthorizedCode)
			if len(d.Licenses) > 0 {
				fmt.Fprintf(tw, " (licenses %s)", strings.Join(d.Licenses, ", "))
			}
			fmt.Fprintln(tw)
		case d.HandshakeCode != "":
			fmt.Fprintf(tw, "handshake code:\t%s", d.HandshakeCode)
			if len(d.Licenses) > 0 {
				fmt.Fprintf(tw, " (licenses %s)", strings.Join(d.Licenses, ", "))
			}
			fmt.Fprintln(tw)
		}
		if !d.Expires.IsZero() {
			fmt.Fprintf(tw, "authorized until:\t%s (offline time left %s)\n", when(d.Expires), d.OfflineLeft)
		}
	}
	if d.Quota != nil && d.Quota.Limit > 0 {
		fmt.Fprintf(tw, "quota:\t%d of %d scans used in %s\n", d.Quota.Used, d.Quota.Limit, d.Quota.Period)
	}
	if d.Lease != nil {
		fmt.Fprintf(tw, "this device's lease:\t%d of %d scans used in %s\n", d.Lease.Used, d.Lease.Scans, d.Lease.Period)
	}
	if len(d.Features) > 0 {
		fmt.Fprintf(tw, "features:\t%s\n", strings.Join(d.Features, ", "))
	}
	if d.Uploads != nil {
		fmt.Fprintf(tw, "uploads:\t%s\n", d.Uploads.Reason)
	}
	syms := make([]string, 0, len(d.Pending))
	for s, n := range d.Pending {
		syms = append(syms, fmt.Sprintf("%s %d", s, n))
	}
	sort.Strings(syms)
	fmt.Fprintf(tw, "pending usage:\t%d scans, %d reports queued", d.PendingScans, d.PendingReports)
	if len(syms) > 0 {
		fmt.Fprintf(tw, " (%s)", strings.Join(syms, ", "))
	}
	fmt.Fprintln(tw)
	if d.Mode != "offline_license" {
		fmt.Fprintf(tw, "last sync:\t%s, next %s\n", when(d.LastSync), when(d.NextSync))
	}
	if d.LTSURL != "" {
		fmt.Fprintf(tw, "LTS answered last:\t%s at %s\n", d.LTSURL, when(d.LTSAnswered))
	}
	if d.LastSyncError != "" {
		fmt.Fprintf(tw, "last sync error:\t%s\n", d.LastSyncError)
	}
	if d.LTSMessage != "" {
		fmt.Fprintf(tw, "LTS says:\t%s\n", d.LTSMessage)
	}
	if d.StoreRecovered != "" {
		fmt.Fprintf(tw, "store recovered:\t%s\n", d.StoreRecovered)
	}
	if d.RollbackMarkError != "" {
		fmt.Fprintf(tw, "rollback mark:\t%s\n", d.RollbackMarkError)
	}
	tw.Flush()
	return true
}
