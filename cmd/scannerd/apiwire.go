package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/api/apitype"
	"github.com/scannerd/scannerd/debugexport"
	"github.com/scannerd/scannerd/licensing"
	"github.com/scannerd/scannerd/scanner"
)

// apiDaemon is the daemon as the socket API sees it.
type apiDaemon struct{ d *daemon }

var _ api.Daemon = apiDaemon{}

// Status returns the daemon's state; the server adds the subscribers.
func (a apiDaemon) Status() api.Status {
	d := a.d
	cfg := d.cfg.Load()
	return api.Status{
		Preview: d.preview.State(), SetupFile: cfg.setupPath(), SetupSources: cfg.setupSources,
		Version: buildVersion(), Started: d.started, Sources: d.sourceStatuses(),
		Engine: api.NewEngineStats(d.engine.Stats()), License: d.gate.summary(), DebugExport: d.export.State().Enabled,
		Sinks: d.sinkStatuses(),
	}
}

// Decode reads an upload with the engine's background worker. Uploads
// are metered like camera scans (unless unmetered_uploads is set and the
// license grants it), and not deduplicated: each upload asks on purpose.
func (a apiDaemon) Decode(ctx context.Context, load func() (*scanner.Frame, error), opts scanner.Options) ([]scanner.Result, error) {
	rep, err := a.d.engine.DecodeFrom(ctx, load, opts)
	if err != nil {
		return nil, err
	}
	// The answer is a delivery: its results are metered (written) first.
	results, err := a.d.gate.recordUpload(rep.Results)
	if len(results) == 0 && err != nil {
		if errors.Is(err, licensing.ErrOverQuota) {
			err = fmt.Errorf("%w: %w", scanner.ErrRefused, err)
		}
		return nil, err
	}
	return results, nil
}

var _ api.Snapshotter = apiDaemon{}

// Snapshot returns the next decoded frame of a source, drawn on, for an
// admin aiming the camera.
func (a apiDaemon) Snapshot(ctx context.Context, source string) ([]byte, error) {
	return a.d.snaps.Take(ctx, source)
}

// apiExporter is the debug export as the socket API sees it: the peer
// becomes the requester named in the log.
type apiExporter struct{ *debugexport.Exporter }

var _ api.DebugExporter = apiExporter{}

func (x apiExporter) Configure(ctx context.Context, peer api.Peer, s api.DebugExportSettings) (api.DebugExportState, error) {
	return x.Exporter.Configure(ctx, s, fmt.Sprintf("uid=%d gid=%d pid=%d", peer.UID, peer.GID, peer.PID))
}

// apiLicense is the license client as the socket API sees it.
type apiLicense struct{ *licensing.Client }

var _ api.License = apiLicense{}

// Document returns the license state as /v1/license serves it.
func (l apiLicense) Document() api.LicenseDocument { return licenseDocument(l.Status()) }

// Sync syncs now; the LTS's refusal of the device is api.ErrSyncRefused,
// so that the API answers it apart from an LTS it could not reach.
func (l apiLicense) Sync(ctx context.Context) error {
	err := l.Client.Sync(ctx)
	if errors.Is(err, licensing.ErrLTSRefused) {
		return fmt.Errorf("%w: %w", api.ErrSyncRefused, err)
	}
	return err
}

// licenseDocument converts the license client's state to the API's wire
// type, member for member (a test checks that none is left out).
func licenseDocument(st licensing.Status) api.LicenseDocument {
	doc := api.LicenseDocument{
		State: string(st.State), Message: st.Message, Mode: string(st.Mode), Device: st.Device,
		HandshakeCode: st.HandshakeCode, AuthorizedHandshakeCode: st.AuthorizedHandshakeCode, Licenses: st.Licenses, Issued: st.Issued, Expires: st.Expires,
		OfflineLeftSeconds: st.OfflineLeftSeconds, OfflineLeft: st.OfflineLeft, Symbologies: st.Symbologies,
		Pending: st.Pending, PendingScans: st.PendingScans, PendingReports: st.PendingReports,
		LTSURL: st.LTSURL, LTSAnswered: st.LTSAnswered, LastSync: st.LastSync, LastSyncError: st.LastSyncError,
		LTSMessage: st.LTSMessage, NextSync: st.NextSync, StoreRecovered: st.StoreRecovered,
		RollbackMark: st.RollbackMark, RollbackMarkError: st.RollbackMarkError,
		Features: st.Features, Uploads: apitype.UploadMetering{Metered: st.Uploads.Metered, Reason: st.Uploads.Reason},
	}
	if l := st.Lease; l != nil {
		doc.Lease = &apitype.Lease{Period: l.Period, Ends: l.Ends, Scans: l.Scans, Used: l.Used}
	}
	if q := st.Quota; q != nil {
		doc.Quota = &apitype.Quota{Period: q.Period, PeriodStart: q.PeriodStart, PeriodEnd: q.PeriodEnd,
			Limit: q.Limit, Used: q.Used, Exhausted: q.Exhausted}
	}
	return doc
}
