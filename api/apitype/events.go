package apitype

// Event names of GET /v1/events: the SSE event field, or the "event"
// member of an NDJSON line (a result line has none).
const (
	EventResult       = "result"
	EventDropped      = "dropped"
	EventDisconnected = "disconnected"
	EventSinkOverflow = "sink_overflow"
	EventDebugExport  = "debug_export"
	EventSource       = "source"    // a source changed state; data: its SourceStatus
	EventPreview      = "preview"   // the preview went on or off; data: PreviewState
	EventHeartbeat    = "heartbeat" // NDJSON only; SSE sends a comment
)

// Reasons events were dropped (Dropped.Reason).
const (
	// DroppedOverflow: the subscriber read too slowly and its buffer was
	// full; the oldest waiting events were dropped.
	DroppedOverflow = "overflow"
	// DroppedExpired: a stream resumed with since= or Last-Event-ID after
	// results it had not seen were purged (result_ttl, max_held_results).
	DroppedExpired = "expired"
)

// Dropped is the event telling a subscriber that it missed results.
type Dropped struct {
	Dropped uint64 `json:"dropped"`
	// Reason is DroppedOverflow or DroppedExpired. A DroppedExpired count
	// includes every result purged after the cursor: with a filter, some
	// of them may not have matched it.
	Reason string `json:"reason"`
}

// Reasons the daemon ends a stream (Disconnected.Reason).
const (
	ReasonLagging      = "lagging"
	ReasonShuttingDown = "shutting_down"
)

// Disconnected is the last event of a stream the daemon ends.
type Disconnected struct {
	Reason string `json:"reason"`
}

// SinkOverflow announces that a result sink's queue was full and results
// were dropped (at most once a second per sink).
type SinkOverflow struct {
	Sink string `json:"sink"`
	// Dropped counts the results dropped since the previous announcement.
	Dropped uint64 `json:"dropped"`
	// DroppedTotal counts every result the sink dropped for a full queue.
	DroppedTotal uint64 `json:"dropped_total"`
	QueueSize    int    `json:"queue_size"`
}

// The debug_export event carries a DebugExportState: the export turned
// itself off (a limit was reached; StopReason says which).
