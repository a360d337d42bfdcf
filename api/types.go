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
	"time"
	"unicode/utf8"

	"github.com/scannerd/scannerd/scanner"
)

// Result is one barcode as the API sends it: one JSON object, one NDJSON
// line, one SSE data field.
type Result struct {
	// ID orders results; /v1/results?since=ID returns those after it.
	ID         uint64        `json:"id"`
	Source     string        `json:"source"`
	Frame      uint64        `json:"frame"`
	Symbology  string        `json:"symbology"`
	Text       string        `json:"text"`
	AddOn      string        `json:"addon,omitempty"` // EAN-2/EAN-5 add-on of an EAN-13, UPC-A or UPC-E symbol
	Bytes      string        `json:"bytes,omitempty"` // base64 payload when it is not valid UTF-8
	Points     [4][2]float64 `json:"points"`
	CapturedAt time.Time     `json:"captured_at"`
	DecodedAt  time.Time     `json:"decoded_at"`
	LatencyMS  float64       `json:"latency_ms"` // capture to decoded
}

// NewResult converts an engine result; the ID is assigned by the hub.
func NewResult(r *scanner.Result) Result {
	out := Result{
		Source: r.Source, Frame: r.Frame, Symbology: r.Symbology.String(), Text: r.Text, AddOn: r.AddOn,
		CapturedAt: r.CapturedAt, DecodedAt: r.DecodedAt,
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

// SourceStatus describes one frame source.
type SourceStatus struct {
	Name      string    `json:"name"`
	URL       string    `json:"url"`   // credentials removed
	State     string    `json:"state"` // "running", "opening", "reopening", "stopped"
	LastError string    `json:"last_error,omitempty"`
	Since     time.Time `json:"since"` // when State was entered
	Frames    uint64    `json:"frames"`
	FPS       float64   `json:"fps"`
	Reopens   uint64    `json:"reopens"`
}

// SinkStatus describes one result sink (a [[sink]] table: webhook, MQTT
// or serial).
type SinkStatus struct {
	Name   string `json:"name"`
	Kind   string `json:"kind"`   // "webhook", "mqtt", "serial"
	Target string `json:"target"` // URL, broker or device; no credentials
	State  string `json:"state"`  // "ok", "failing", "stopped"
	// Delivered, Retried (failed attempts tried again) and Dropped
	// (never delivered; Overflow of them for a full queue) count results.
	Delivered   uint64    `json:"delivered"`
	Retried     uint64    `json:"retried"`
	Dropped     uint64    `json:"dropped"`
	Overflow    uint64    `json:"overflow"`
	Queued      int       `json:"queued"`
	QueueSize   int       `json:"queue_size"`
	LastError   string    `json:"last_error,omitempty"`
	LastErrorAt time.Time `json:"last_error_at,omitzero"`
}

// LicenseSummary is the part of the license state /v1/status shows;
// /v1/license has the full document.
type LicenseSummary struct {
	State   string    `json:"state"`             // "authorized", "expired", "not_authorized", "over_quota", "revoked", "offline_license", "disabled"
	Message string    `json:"message,omitempty"` // what is wrong and how to fix it
	Expires time.Time `json:"expires,omitzero"`
}

// Status is the daemon's state as /v1/status returns it.
type Status struct {
	Version     string              `json:"version"`
	Started     time.Time           `json:"started"`
	Sources     []SourceStatus      `json:"sources"`
	Engine      scanner.EngineStats `json:"engine"`
	Subscribers int                 `json:"subscribers"`
	License     LicenseSummary      `json:"license"`
	DebugExport bool                `json:"debug_export"`
	Sinks       []SinkStatus        `json:"sinks,omitempty"`
}

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
	// Document returns the full license state for /v1/license (a JSON-
	// marshalable value).
	Document() any
	// Sync talks to the License Tracking Server now.
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
