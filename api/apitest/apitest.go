// Package apitest serves the local socket API in tests: on a socket in the
// test's temporary directory, with a small honest debug exporter, stopped
// when the test ends.
package apitest

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/scannerd/scannerd/api"
)

// Config is a server configuration on a socket in t's temporary directory,
// open to any peer of the test's user (no group checks).
func Config(t testing.TB) api.Config {
	return api.Config{
		Socket:      filepath.Join(t.TempDir(), "scannerd.sock"),
		SocketGroup: api.NoGroup,
		AdminGroup:  api.NoGroup,
	}
}

// Serve starts a server for cfg with the given parts (license and exporter
// may be nil, clock nil for the real one) and stops it when the test ends,
// failing the test if serving failed.
func Serve(t testing.TB, cfg api.Config, d api.Daemon, lic api.License, exp api.DebugExporter, clock func() time.Time) *api.Server {
	t.Helper()
	srv, err := api.NewServer(cfg, d, lic, exp, slog.New(slog.NewTextHandler(io.Discard, nil)), clock)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Listen(nil); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return srv
}

// Exporter keeps the debug export settings it was given, and who gave them.
type Exporter struct {
	mu       sync.Mutex
	settings api.DebugExportSettings
	peer     api.Peer
}

var _ api.DebugExporter = (*Exporter)(nil)

// State returns the settings last given.
func (e *Exporter) State() api.DebugExportState {
	e.mu.Lock()
	defer e.mu.Unlock()
	return api.DebugExportState{DebugExportSettings: e.settings}
}

// Configure takes new settings as the daemon's exporter does.
func (e *Exporter) Configure(_ context.Context, peer api.Peer, s api.DebugExportSettings) (api.DebugExportState, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.settings, e.peer = s, peer
	return api.DebugExportState{DebugExportSettings: s}, nil
}

// Last returns the settings last given and the peer that gave them.
func (e *Exporter) Last() (api.DebugExportSettings, api.Peer) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.settings, e.peer
}
