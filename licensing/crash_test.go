package licensing

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/wire"
	"github.com/scannerd/scannerd/scanner"
)

var errAckLost = errors.New("connection reset before the reply arrived")

// TestCrashDuringSyncNeverDoubleCounts runs 200 rounds of: scan, sync with a
// failure injected at a random point — before the request leaves, after the
// LTS counted a report but before the device saw the acknowledgement, or a
// cancellation at a random moment — then drop the client without flushing,
// as kill -9 would, and reopen it. In the end the LTS totals equal the
// device totals exactly.
func TestCrashDuringSyncNeverDoubleCounts(t *testing.T) {
	rounds := 200
	if testing.Short() {
		rounds = 30
	}
	e := newEnv(t, wire.License{ID: "S", Type: wire.LicensePerScan, ScansPerPeriod: 1 << 40, Period: wire.PeriodMonth}, lts.Handshake{})
	rng := rand.New(rand.NewPCG(5, 8))
	syms := []scanner.Symbology{scanner.QRCode, scanner.EAN13, scanner.Code128, scanner.DataMatrix, scanner.PDF417}
	faults := map[string]int{}
	for round := 0; round < rounds; round++ {
		c := e.open(t, e.config())
		var delivered []scanner.Symbology
		for i, n := 0, rng.IntN(30)+1; i < n; i++ {
			delivered = append(delivered, syms[rng.IntN(len(syms))])
		}
		record(t, c, delivered...)
		if rng.IntN(5) == 0 {
			e.lts.Clock.Advance(time.Duration(rng.IntN(90)) * time.Minute) // new slots
		}
		ctx, cancel := context.WithCancel(context.Background())
		var requests atomic.Int32
		failAt := int32(rng.IntN(4)) + 1
		switch f := rng.IntN(4); f {
		case 0:
			faults["link down"]++
			e.link.down.Store(true)
		case 1:
			faults["ack lost"]++
			e.link.onReply = func(*http.Request) error {
				if requests.Add(1) == failAt {
					return errAckLost
				}
				return nil
			}
		case 2:
			faults["cancelled"]++
			delay := time.Duration(rng.IntN(3000)) * time.Microsecond
			go func() {
				time.Sleep(delay)
				cancel()
			}()
		default:
			faults["none"]++
		}
		c.Sync(ctx)
		cancel()
		crash(c)
		e.link.down.Store(false)
		e.link.onReply = nil
	}
	c := e.open(t, e.config())
	mustSync(t, c)
	dev, err := c.Totals()
	if err != nil {
		t.Fatal(err)
	}
	got := ltsTotals(t, e)
	if !equalCounts(got, dev) {
		t.Fatalf("after %d crashes: LTS %v, device %v", rounds, got, dev)
	}
	if st := c.Status(); st.PendingReports != 0 || st.PendingScans != 0 {
		t.Fatalf("pending after final sync: %+v", st)
	}
	t.Logf("faults %v; totals %v", faults, got)
}
