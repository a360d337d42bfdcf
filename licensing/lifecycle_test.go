package licensing

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/wire"
	"github.com/scannerd/scannerd/scanner"
)

func TestOpenSyncsAtStartAndCloseFlushes(t *testing.T) {
	e := newEnv(t, wire.License{}, lts.Handshake{})
	c, err := New(e.config(), Options{Now: e.lts.Clock.Now, HTTPClient: e.client})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if _, err := c.Permit(e.lts.Clock.Now(), ""); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("not authorized by the background sync")
		}
		time.Sleep(10 * time.Millisecond)
	}
	count(t, c, scanner.Aztec, 5)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := c.Sync(context.Background()); !errors.Is(err, ErrClosed) {
		t.Fatalf("Sync after Close: %v", err)
	}
	c = e.open(t, e.config())
	if got, _ := c.Totals(); got["AZTEC"] != 5 {
		t.Fatalf("after Close and reopen: %v", got)
	}
}

// An authorization copied from another device's store does not authorize.
func TestAnotherDevicesAuthorizationIsRefused(t *testing.T) {
	e := newEnv(t, wire.License{}, lts.Handshake{})
	a := e.open(t, e.config())
	mustSync(t, a)
	rec, _ := a.authRecord()
	a.Close()
	cfg := e.config()
	cfg.StateDir, cfg.MachineIDFile = t.TempDir(), "/nonexistent"
	b := e.open(t, cfg)
	b.store.putMeta(keyAuth, rec)
	b.Close()
	b = e.open(t, cfg)
	_, err := b.Permit(e.lts.Clock.Now(), "")
	if !errors.Is(err, ErrNotAuthorized) || !errors.Is(b.gate.Load().err, ErrNotAuthorized) {
		t.Fatalf("Permit with another device's authorization: %v", err)
	}
	if st := b.Status(); st.State != StateNotAuthorized {
		t.Fatalf("status %+v", st)
	}
}

// The last sync Status shows is the last time the LTS answered: a sync
// with nothing to send still asks the LTS (it renews the authorization),
// and fails while the LTS is down.
func TestLastSyncIsTheLastAnswer(t *testing.T) {
	e := newEnv(t, wire.License{}, lts.Handshake{})
	c := e.open(t, e.config())
	mustSync(t, c)
	answered := c.Status().LastSync
	e.link.down.Store(true)
	e.lts.Clock.Advance(time.Hour)
	if err := c.Sync(context.Background()); err == nil {
		t.Fatal("a sync with nothing to send succeeded with the LTS down")
	}
	st := c.Status()
	if !st.LastSync.Equal(answered) || st.LastSyncError == "" {
		t.Fatalf("LTS down: last sync %v (answered %v), error %q", st.LastSync, answered, st.LastSyncError)
	}
	e.link.down.Store(false)
	mustSync(t, c)
	if st := c.Status(); !st.LastSync.After(answered) || st.LastSyncError != "" {
		t.Fatalf("LTS back: %+v", st)
	}
}
