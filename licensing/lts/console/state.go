package console

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/scannerd/scannerd/licensing/lts"
)

// customer is one handshake code as the overview shows it: what its
// licenses grant, what it uses, its silent devices and its alerts.
type customer struct {
	lts.CodeOverview
	Name      string // the customers named in its licenses
	Silent    int    // devices silent past the offline period
	ScanPct   float64
	DevicePct float64
	Alerts    []Alert
}

// Code is the handshake code.
func (c *customer) Code() string { return c.Handshake.Code }

// snapshot is the state of every handshake code at one moment. Taking one
// costs a few reads whatever the number of devices and days of usage
// (lts.Overview), so every page takes its own: no page shows a state older
// than its request, also with replicas.
type snapshot struct {
	At        time.Time
	Customers []customer
	Alerts    []Alert // most severe first
}

// Totals over every code, for the overview's summary.
func (s *snapshot) Totals() (scans uint64, active, silent int) {
	for i := range s.Customers {
		c := &s.Customers[i]
		scans += c.Quota.Used
		active += c.ActiveDevices
		silent += c.Silent
	}
	return scans, active, silent
}

// deviceQuery returns a device query with every code's cutoffs: a device
// is silent when it holds a slot and was not seen for longer than the
// offline period its code grants (its authorization has run out).
func (s *snapshot) deviceQuery() *lts.DeviceQuery {
	q := &lts.DeviceQuery{Cutoffs: make(map[string]lts.DeviceCutoffs, len(s.Customers))}
	for i := range s.Customers {
		c := &s.Customers[i]
		q.Cutoffs[c.Code()] = lts.DeviceCutoffs{SilentBefore: s.At.Add(-c.Handshake.OfflinePeriod)}
	}
	return q
}

// customer returns the customer of a code (nil when there is none).
func (s *snapshot) customer(code string) *customer {
	for i := range s.Customers {
		if s.Customers[i].Code() == code {
			return &s.Customers[i]
		}
	}
	return nil
}

// takeSnapshot reads the state of every code at now.
func takeSnapshot(ctx context.Context, st Store, now time.Time) (*snapshot, error) {
	codes, err := lts.Overview(ctx, st, now)
	if err != nil {
		return nil, fmt.Errorf("overview: %w", err)
	}
	licenses, err := st.Licenses(ctx)
	if err != nil {
		return nil, fmt.Errorf("licenses: %w", err)
	}
	names := map[string][]string{}
	for _, l := range licenses {
		if c := l.License.Customer; c != "" && !slices.Contains(names[l.Handshake], c) {
			names[l.Handshake] = append(names[l.Handshake], c)
		}
	}
	s := &snapshot{At: now}
	for _, o := range codes {
		c := customer{CodeOverview: o, Silent: o.Devices.Silent}
		slices.Sort(names[o.Handshake.Code])
		c.Name = strings.Join(names[o.Handshake.Code], ", ")
		if c.ScanLimit > 0 {
			c.ScanPct = 100 * float64(c.Quota.Used) / float64(c.ScanLimit)
		}
		if c.DeviceLimit > 0 {
			c.DevicePct = 100 * float64(c.ActiveDevices) / float64(c.DeviceLimit)
		}
		c.Alerts = alertsOf(&c)
		s.Alerts = append(s.Alerts, c.Alerts...)
		s.Customers = append(s.Customers, c)
	}
	slices.SortStableFunc(s.Alerts, func(a, b Alert) int { return cmp.Compare(b.Level, a.Level) })
	return s, nil
}
