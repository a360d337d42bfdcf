package apitype

import "time"

// Status is the daemon's state as GET /v1/status returns it.
type Status struct {
	Version     string         `json:"version"`
	Started     time.Time      `json:"started"`
	Sources     []SourceStatus `json:"sources"`
	Engine      EngineStats    `json:"engine"`
	Subscribers int            `json:"subscribers"` // open event streams and waiting scans
	License     LicenseSummary `json:"license"`
	DebugExport bool           `json:"debug_export"` // the debug image export is on
	// Preview is the setup page's live preview: on only for a while, by
	// an admin's request.
	Preview PreviewState `json:"preview"`
	// SetupFile holds settings saved from the setup page; SetupSources
	// are the sources it overrides.
	SetupFile    string       `json:"setup_file,omitempty"`
	SetupSources []string     `json:"setup_sources,omitempty"`
	Sinks        []SinkStatus `json:"sinks,omitempty"`
}

// Source states.
const (
	SourceRunning   = "running"
	SourceOpening   = "opening"
	SourceReopening = "reopening" // failed; reopened with backoff
	SourceStopped   = "stopped"
	// SourceUnplugged: a camera whose device node is absent; it is
	// opened as soon as it appears.
	SourceUnplugged = "unplugged"
)

// SourceStatus describes one frame source.
type SourceStatus struct {
	Name      string    `json:"name"`
	URL       string    `json:"url"`   // credentials removed
	State     string    `json:"state"` // SourceRunning, …
	LastError string    `json:"last_error,omitempty"`
	Since     time.Time `json:"since"` // when State was entered
	Frames    uint64    `json:"frames"`
	FPS       float64   `json:"fps"`
	Reopens   uint64    `json:"reopens"`
	LastFrame time.Time `json:"last_frame,omitzero"` // capture time of the latest frame
}

// EngineStats are the decode engine's gauges and counters.
type EngineStats struct {
	Workers   int `json:"workers"`
	Busy      int `json:"busy"`
	Queued    int `json:"queued"` // live frames waiting
	QueueSize int `json:"queue_size"`
	// BackgroundWorkers decode uploads and image files; BackgroundBusy of
	// them are at work, BackgroundQueued jobs wait.
	BackgroundWorkers int    `json:"background_workers"`
	BackgroundBusy    int    `json:"background_busy"`
	BackgroundQueued  int    `json:"background_queued"`
	Submitted         uint64 `json:"submitted"`
	Decoded           uint64 `json:"decoded"` // not refused: each frame counts once
	Dropped           uint64 `json:"dropped"` // live frames dropped for a full queue
	Refused           uint64 `json:"refused"` // by the license
	Panics            uint64 `json:"panics"`  // recovered decoder crashes
	Results           uint64 `json:"results"`
	// Stopped counts background decodes canceled or past their deadline.
	Stopped uint64 `json:"stopped"`
}

// Sink states.
const (
	SinkOK      = "ok"
	SinkFailing = "failing" // retrying with backoff
	SinkStopped = "stopped"
)

// SinkStatus describes one result sink (a [[sink]] table: webhook, MQTT
// or serial).
type SinkStatus struct {
	Name   string `json:"name"`
	Kind   string `json:"kind"`   // "webhook", "mqtt", "serial"
	Target string `json:"target"` // URL, broker or device; no credentials
	State  string `json:"state"`  // SinkOK, SinkFailing, SinkStopped
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
	State   string    `json:"state"`             // a License state, or "unconfigured" (evaluation mode)
	Message string    `json:"message,omitempty"` // what is wrong and how to fix it
	Expires time.Time `json:"expires,omitzero"`
	// OfflineLeftSeconds is how long the device may still decode without
	// reaching the LTS; PendingScans are scans not yet acknowledged by
	// it; LastSync is when it last acknowledged a sync. Set when a license
	// is configured.
	OfflineLeftSeconds int64     `json:"offline_left_seconds,omitempty"`
	PendingScans       uint64    `json:"pending_scans,omitempty"`
	LastSync           time.Time `json:"last_sync,omitzero"`
	// Uploads, set when [license] unmetered_uploads is, says whether the
	// license lets uploads go unmetered, and why not.
	Uploads *UploadMetering `json:"uploads,omitempty"`
}
