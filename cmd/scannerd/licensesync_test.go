package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scannerd/scannerd/api/client"
	"github.com/scannerd/scannerd/api/openapitest"
	"github.com/scannerd/scannerd/internal/syncbuf"
	"github.com/scannerd/scannerd/licensing"
	"github.com/scannerd/scannerd/licensing/lts"
)

// TestLicenseSyncTellsARefusalFromAnLTSNotReached: POST /v1/license/sync
// answers the LTS's refusal of the device (here revoked by its operator)
// as 409 sync_refused with the LTS's reason, and an LTS that cannot be
// reached as 502 sync_failed, so that a script tells the two apart; both
// used to be 502 sync_failed. The parts are real: an LTS over TLS on
// loopback, the device's bbolt store, the daemon's Unix socket.
func TestLicenseSyncTellsARefusalFromAnLTSNotReached(t *testing.T) {
	l, license := startLTS(t)
	m := NewMain()
	c := runLicensedInbox(t, m, t.TempDir(), "", license)
	ctx := context.Background()

	if err := l.SetDeviceState(m.d.gate.lic.Status().Device, lts.DeviceRevoke); err != nil {
		t.Fatal(err)
	}
	_, err := c.Sync(ctx)
	var ce *client.Error
	if !errors.As(err, &ce) || ce.Status != http.StatusConflict || ce.Code != "sync_refused" || !strings.Contains(ce.Message, "device_revoked") {
		t.Fatalf("sync of a revoked device: %v, want 409 sync_refused with the LTS's reason", err)
	}
	if st := m.d.gate.lic.Status().State; st != licensing.StateRevoked {
		t.Errorf("state after the refusal %s, want revoked", st)
	}

	l.Stop()
	_, err = c.Sync(ctx)
	if !errors.As(err, &ce) || ce.Status != http.StatusBadGateway || ce.Code != "sync_failed" {
		t.Fatalf("sync with the LTS stopped: %v, want 502 sync_failed", err)
	}
}

// runLicensedInbox runs m, whose output is kept, with a dir source named
// inbox reading the directory inbox (its other settings, if any, in
// source), the license settings license and a socket of its own; it waits
// until the LTS has authorized the device and returns a client of the
// socket. Both are closed when the test ends.
func runLicensedInbox(t *testing.T, m *Main, inbox, source, license string) *client.Client {
	t.Helper()
	socket := filepath.Join(t.TempDir(), "s.sock")
	m.Stdout, m.Stderr = &syncbuf.Buffer{}, &syncbuf.Buffer{}
	if err := m.ParseFlags([]string{"-ndjson", "-config", writeConfig(t, fmt.Sprintf(`
[api]
socket = %q
socket_group = "none"
[[source]]
name = "inbox"
url = "dir:%s"
%s
%s`, socket, inbox, source, license))}); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	waitFor(t, "the license", func() bool { return m.d.gate.lic.Status().State == licensing.StateAuthorized })
	c := openapitest.NewClient(t, socket)
	t.Cleanup(func() { c.Close() })
	return c
}
