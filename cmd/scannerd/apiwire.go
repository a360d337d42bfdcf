package main

import (
	"context"
	"fmt"

	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/debugexport"
	"github.com/scannerd/scannerd/scanner"
)

// apiDaemon is the daemon as the socket API sees it.
type apiDaemon struct{ d *daemon }

var _ api.Daemon = apiDaemon{}

// Status returns the daemon's state; the server adds the subscribers.
func (a apiDaemon) Status() api.Status {
	d := a.d
	return api.Status{
		Version: buildVersion(), Started: d.started, Sources: d.sourceStatuses(),
		Engine: d.engine.Stats(), License: d.gate.summary(), DebugExport: d.export.State().Enabled,
		Sinks: d.sinkStatuses(),
	}
}

// Decode reads an upload with the engine's background worker. Uploads
// are metered like camera scans, and not deduplicated: each upload asks on
// purpose.
func (a apiDaemon) Decode(ctx context.Context, load func() (*scanner.Frame, error), opts scanner.Options) ([]scanner.Result, error) {
	rep, err := a.d.engine.DecodeFrom(ctx, load, opts)
	if err != nil {
		return nil, err
	}
	for i := range rep.Results {
		a.d.gate.count(rep.Results[i].Symbology)
	}
	return rep.Results, nil
}

// apiExporter is the debug export as the socket API sees it: the peer
// becomes the requester named in the log.
type apiExporter struct{ *debugexport.Exporter }

var _ api.DebugExporter = apiExporter{}

func (x apiExporter) Configure(ctx context.Context, peer api.Peer, s api.DebugExportSettings) (api.DebugExportState, error) {
	return x.Exporter.Configure(ctx, s, fmt.Sprintf("uid=%d gid=%d pid=%d", peer.UID, peer.GID, peer.PID))
}
