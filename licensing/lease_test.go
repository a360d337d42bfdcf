package licensing

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/wire"
	"github.com/scannerd/scannerd/scanner"
)

// TestThreeDevicesStopAtTheQuota runs three devices on one handshake code
// with a scan quota, each metering as fast as it can: each stops at its
// lease and asks for more, and the LTS never leases more than the quota
// with its grace. In the end the devices metered, and the LTS counted,
// exactly the quota and its grace: no scan past it, none lost.
func TestThreeDevicesStopAtTheQuota(t *testing.T) {
	const limit, grace = 300, 10
	e := newEnv(t, wire.License{ID: "Q", Type: wire.LicensePerScan, ScansPerPeriod: limit, Period: wire.PeriodDay},
		lts.Handshake{GracePercent: grace})
	e.lts.Clock.Set(time.Now())
	var wg sync.WaitGroup
	metered := make([]int, 3)
	syncs := make([]int, 3)
	clients := make([]*Client, 3)
	for i := range clients {
		cfg := e.config()
		cfg.StateDir = filepath.Join(t.TempDir(), "state")
		cfg.MarkFile = filepath.Join(t.TempDir(), "mark")
		cfg.MachineIDFile = filepath.Join(t.TempDir(), "machine-id")
		os.WriteFile(cfg.MachineIDFile, []byte(fmt.Sprintf("%032x\n", i+1)), 0o444)
		c, err := New(cfg, Options{Now: e.lts.Clock.Now, HTTPClient: e.client})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Open(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		clients[i] = c
		wg.Add(1)
		go func() {
			defer wg.Done()
			batch := slices.Repeat([]scanner.Symbology{scanner.QRCode}, 1+i)
			if err := c.Sync(context.Background()); err != nil {
				t.Errorf("device %d: %v", i, err)
				return
			}
			for {
				// As the engine does: decode only what the gate permits.
				if _, err := c.Permit(e.lts.Clock.Now(), ""); err != nil && !errors.Is(err, ErrOverQuota) {
					t.Errorf("device %d: %v", i, err)
					return
				}
				n, err := c.Record(batch)
				metered[i] += n
				if n > 0 {
					continue
				}
				if !errors.Is(err, ErrOverQuota) {
					t.Errorf("device %d: %v", i, err)
					return
				}
				// Out of lease: ask for more. Refused (the quota is used up)
				// or granted nothing, the device is done.
				syncs[i]++
				c.Sync(context.Background())
				if _, err := c.Permit(e.lts.Clock.Now(), ""); err != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	total := 0
	for i, c := range clients {
		c.Sync(context.Background()) // report the rest; authorization is refused by now
		total += metered[i]
	}
	got := ltsTotals(t, e)
	want := limit + limit*grace/100
	t.Logf("3 devices metered %v (%d syncs for more), LTS counted %d; quota %d + %d%% grace", metered, syncs, got["QR_CODE"], limit, grace)
	if total != want || got["QR_CODE"] != uint64(want) {
		t.Fatalf("metered %d, LTS %d; want the quota and its grace, %d", total, got["QR_CODE"], want)
	}
	for i, c := range clients {
		if st := c.Status(); st.State != StateOverQuota || st.PendingScans != 0 {
			t.Errorf("device %d: %+v", i, st)
		}
	}

}

// A lease is for one quota period: when the period ends the device stops
// until the LTS grants it a share of the next one.
func TestLeaseEndsWithItsPeriod(t *testing.T) {
	e := newEnv(t, wire.License{ID: "Q", Type: wire.LicensePerScan, ScansPerPeriod: 1000, Period: wire.PeriodDay}, lts.Handshake{})
	c := e.open(t, e.config())
	mustSync(t, c)
	count(t, c, scanner.EAN8, 10)
	st := c.Status()
	if st.Lease == nil || st.Lease.Used != 10 || st.Lease.Scans == 0 || st.Lease.Scans > 1000 {
		t.Fatalf("lease %+v", st.Lease)
	}
	e.lts.Clock.Advance(day)
	if _, err := c.Permit(e.lts.Clock.Now(), ""); !errors.Is(err, ErrOverQuota) {
		t.Fatalf("after the lease's period: %v", err)
	}
	if n, err := c.Record([]scanner.Symbology{scanner.EAN8}); n != 0 || !errors.Is(err, ErrOverQuota) {
		t.Fatalf("metered after the lease's period: %d %v", n, err)
	}
	mustSync(t, c)
	count(t, c, scanner.EAN8, 5)
	if st := c.Status(); st.Lease.Used != 5 || st.Lease.Period == "" {
		t.Fatalf("next period's lease %+v", st.Lease)
	}
	if got := ltsTotals(t, e); got["EAN_8"] != 10 {
		t.Fatalf("LTS %v", got)
	}
}

// A device put back to an older copy of itself is known to the LTS: when
// it noticed (its mark outside the state directory), it says so; when the
// mark went back with the copy, the authorization it presents is older than
// one it presented before.
func TestLTSKnowsADevicePutBack(t *testing.T) {
	e := newEnv(t, wire.License{}, lts.Handshake{})
	cfg := e.markedConfig(t)
	c := e.open(t, cfg)
	mustSync(t, c)
	mustSync(t, c)
	c.Close()
	backup, markBackup := filepath.Join(t.TempDir(), "b"), filepath.Join(t.TempDir(), "m")
	copyDir(t, cfg.StateDir, backup)
	copyDir(t, filepath.Dir(cfg.MarkFile), markBackup)
	c = e.open(t, cfg)
	mustSync(t, c) // presents the authorization of the previous sync
	mustSync(t, c)
	c.Close()
	rollbacks := func() lts.Device {
		devs, err := e.lts.Store.Devices(context.Background(), e.code)
		if err != nil || len(devs) != 1 {
			t.Fatalf("devices %v %v", devs, err)
		}
		return devs[0]
	}
	if d := rollbacks(); d.Rollbacks != 0 {
		t.Fatalf("rollback seen where there was none: %+v", d)
	}

	// Both put back: only the LTS can tell.
	copyDir(t, backup, cfg.StateDir)
	copyDir(t, markBackup, filepath.Dir(cfg.MarkFile))
	c = e.open(t, cfg)
	if st := c.Status(); st.StoreRecovered != "" {
		t.Fatalf("the device saw a rollback it cannot see: %q", st.StoreRecovered)
	}
	e.lts.Clock.Advance(4 * day) // renew
	mustSync(t, c)
	c.Close()
	if d := rollbacks(); d.Rollbacks != 1 || !strings.Contains(d.RollbackNote, "presented authorization") {
		t.Fatalf("the LTS missed a device put back with its mark: %+v", d)
	}

	// The store alone put back: the device notices and tells the LTS once.
	copyDir(t, backup, cfg.StateDir)
	c = e.open(t, cfg)
	mustSync(t, c)
	mustSync(t, c)
	if d := rollbacks(); d.Rollbacks != 2 || !strings.Contains(d.RollbackNote, "found its state put back") {
		t.Fatalf("the device's own finding did not reach the LTS: %+v", d)
	}
}
