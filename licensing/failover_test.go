package licensing

import (
	"strings"
	"testing"
	"time"

	"github.com/scannerd/scannerd/internal/backoff"
	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/wire"
	"github.com/scannerd/scannerd/scanner"
)

// TestFailsOverBetweenLTSURLs: a device with two LTS replicas keeps
// authorizing and reporting while either is down, and its status names the
// one that answered last.
func TestFailsOverBetweenLTSURLs(t *testing.T) {
	e := newEnv(t, wire.License{}, lts.Handshake{})
	second := e.lts.Replica(t, nil)
	cfg := e.config()
	cfg.LTSURLs = []string{second.URL}
	c := e.open(t, cfg)
	mustSync(t, c)
	if st := c.Status(); st.State != StateAuthorized || st.LTSURL != e.lts.URL {
		t.Fatalf("first sync: %s via %q", st.State, st.LTSURL)
	}
	e.lts.Stop()
	count(t, c, scanner.QRCode, 3)
	mustSync(t, c)
	if st := c.Status(); st.LTSURL != second.URL || st.PendingScans != 0 {
		t.Fatalf("with the first down: via %q, %d scans pending", st.LTSURL, st.PendingScans)
	}
	if got := ltsTotals(t, e); got["QR_CODE"] != 3 {
		t.Fatalf("totals %v", got)
	}
	second.Stop()
	count(t, c, scanner.QRCode, 2)
	if err := c.Sync(t.Context()); err == nil {
		t.Fatal("sync with every replica down succeeded")
	}
	if st := c.Status(); st.PendingScans != 2 || st.LTSURL != second.URL {
		t.Fatalf("with both down: %d pending, last answered %q", st.PendingScans, st.LTSURL)
	}
}

// TestEndpointsOrder: the URL that answered last goes first; one that
// failed waits out its back-off behind the others, and when all are
// backing off they are tried as they come free.
func TestEndpointsOrder(t *testing.T) {
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	e := newEndpoints([]string{"a", "b", "c"}, backoff.Policy{Min: 10 * time.Second, Max: time.Minute})
	order := func() string {
		var s []string
		for _, i := range e.order(now) {
			s = append(s, e.url(i))
		}
		return strings.Join(s, " ")
	}
	if got := order(); got != "a b c" {
		t.Fatalf("fresh: %s", got)
	}
	e.ok(1, now)
	if got := order(); got != "b c a" {
		t.Fatalf("after b answered: %s", got)
	}
	e.failed(1, now)
	e.failed(1, now) // b waits 20 s
	e.failed(2, now) // c waits 10 s
	if got := order(); got != "a c b" {
		t.Fatalf("b and c backing off: %s", got)
	}
	now = now.Add(10 * time.Second)
	if got := order(); got != "c a b" {
		t.Fatalf("c free again: %s", got)
	}
	if url, _ := e.lastAnswered(); url != "b" {
		t.Fatalf("last answered %q", url)
	}
}
