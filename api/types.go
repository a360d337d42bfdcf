// Package api serves scannerd's local socket API: HTTP/1.1 and JSON on a
// Unix socket, for kiosk applications in any language. See docs/api.md
// for the endpoints, payloads, error codes and configuration.
//
// The package knows the daemon only through the small interfaces below;
// cmd/scannerd wires the concrete engine, license client and exporter in.
package api

import (
	"context"
	"encoding/base64"
	"unicode/utf8"

	"github.com/scannerd/scannerd/api/apitype"
	"github.com/scannerd/scannerd/scanner"
)

// The API's wire types, defined in package apitype so that the Go client
// shares them without importing the server.
type (
	// Result is one barcode as the API sends it.
	Result = apitype.Result
	// SourceStatus describes one frame source.
	SourceStatus = apitype.SourceStatus
	// SinkStatus describes one result sink.
	SinkStatus = apitype.SinkStatus
	// Sequence is a result's place in a structured append set.
	Sequence = apitype.Sequence
	// LicenseSummary is the part of the license state /v1/status shows.
	LicenseSummary = apitype.LicenseSummary
	// Status is the daemon's state as /v1/status returns it.
	Status = apitype.Status
	// EngineStats are the decode engine's figures in Status.
	EngineStats = apitype.EngineStats
	// LicenseDocument is the full license state of /v1/license.
	LicenseDocument = apitype.License
)

// NewResult converts an engine result; the ID is assigned by the hub.
func NewResult(r *scanner.Result) Result {
	out := Result{
		Source: r.Source, Frame: r.Frame, Symbology: r.Symbology.String(), Text: r.Text, AddOn: r.AddOn,
		SymbologyID: r.SymbologyID,
		CapturedAt:  r.CapturedAt, DecodedAt: r.DecodedAt,
	}
	if s := r.Sequence; s != nil {
		out.Sequence = &Sequence{Index: s.Index, Count: s.Count, ID: s.ID, Last: s.Last}
	}
	if len(r.Bytes) > 0 && !utf8.Valid(r.Bytes) {
		out.Bytes = base64.StdEncoding.EncodeToString(r.Bytes)
	}
	for i, p := range r.Points {
		out.Points[i] = [2]float64{p.X, p.Y}
	}
	if !r.CapturedAt.IsZero() && !r.DecodedAt.IsZero() {
		out.LatencyMS = float64(r.DecodedAt.Sub(r.CapturedAt).Microseconds()) / 1000
	}
	return out
}

// NewEngineStats converts the engine's figures for Status.
func NewEngineStats(st scanner.EngineStats) EngineStats { return EngineStats(st) }

// Daemon is what the server needs from the rest of scannerd.
type Daemon interface {
	// Status returns the current state; the server fills in Subscribers.
	Status() Status
	// Decode decodes an upload with the engine's background worker, which
	// calls load for the frame once the upload's turn has come (the frame
	// is purged by the engine), and meters what it reads. When ctx ends
	// the upload leaves the queue or its decode stops.
	Decode(ctx context.Context, load func() (*scanner.Frame, error), opts scanner.Options) ([]scanner.Result, error)
}

// License is the device-side license client as the API exposes it.
type License interface {
	// Document returns the full license state for /v1/license.
	Document() LicenseDocument
	// Sync talks to the License Tracking Server now. An error that wraps
	// ErrSyncRefused says the server answered and refused the device; any
	// other, that the sync failed.
	Sync(ctx context.Context) error
}

// DebugExporter controls the debug image export (off by default).
type DebugExporter interface {
	// State returns the current settings, with their defaults, and counters.
	State() DebugExportState
	// Configure applies settings that ParseDebugExportSettings accepted;
	// peer says who asked, for the log.
	Configure(ctx context.Context, peer Peer, s DebugExportSettings) (DebugExportState, error)
}

// Peer is the process at the other end of a socket connection, as the
// kernel reports it (SO_PEERCRED).
type Peer struct {
	PID   int32  `json:"pid"`
	UID   uint32 `json:"uid"`
	GID   uint32 `json:"gid"`
	Admin bool   `json:"admin"`
}
