package console

import (
	"cmp"
	"net/http"
	"slices"
)

type overviewPage struct {
	*snapshot
	Scans          uint64
	Active, Silent int
}

func (c *Console) overviewPage(w http.ResponseWriter, r *http.Request, s *session) {
	snap, err := takeSnapshot(r.Context(), c.store, c.now())
	if err != nil {
		c.fail(w, r, s, http.StatusInternalServerError, err)
		return
	}
	// Customers nearest their quotas first.
	slices.SortStableFunc(snap.Customers, func(a, b customer) int {
		return cmp.Or(cmp.Compare(max(b.ScanPct, b.DevicePct), max(a.ScanPct, a.DevicePct)), cmp.Compare(a.Name, b.Name))
	})
	p := &overviewPage{snapshot: snap}
	p.Scans, p.Active, p.Silent = snap.Totals()
	c.render(w, r, s, http.StatusOK, "overview", p)
}

type alertsPage struct {
	*snapshot
	Webhook  bool
	Failures uint64
}

func (c *Console) alertsPage(w http.ResponseWriter, r *http.Request, s *session) {
	snap, err := takeSnapshot(r.Context(), c.store, c.now())
	if err != nil {
		c.fail(w, r, s, http.StatusInternalServerError, err)
		return
	}
	c.alerts.mu.Lock()
	failures := c.alerts.failures
	c.alerts.mu.Unlock()
	c.render(w, r, s, http.StatusOK, "alerts", &alertsPage{snapshot: snap, Webhook: c.alerts.opts.WebhookURL != "", Failures: failures})
}
