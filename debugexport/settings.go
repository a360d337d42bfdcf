package debugexport

import "github.com/scannerd/scannerd/api/apitype"

// Settings are what an administrator asks for: the JSON body of PUT
// /v1/debug/export, decoded once by the API and handed to Configure as it
// is. Zero values take the defaults below. The wire type is the API's, so
// that the Go client sends it without importing this package.
type Settings = apitype.DebugExportSettings

// State is what Exporter.State reports: the settings with their defaults
// filled in, and what the export has done.
type State = apitype.DebugExportState

// Which frames to export.
const (
	// FramesDecoded: frames with at least one result (the default).
	FramesDecoded = apitype.FramesDecoded
	// FramesFailed: frames without a result where regions looked like
	// barcodes: the misses worth a look, not every empty scene.
	FramesFailed = apitype.FramesFailed
	// FramesAll: every frame.
	FramesAll = apitype.FramesAll
)

// Defaults for zero settings, and the largest values accepted.
const (
	DefaultSample    = apitype.DefaultSample
	DefaultMaxImages = apitype.DefaultMaxImages
	DefaultMaxBytes  = apitype.DefaultMaxBytes
	DefaultDuration  = apitype.DefaultDuration

	MaxSample    = apitype.MaxSample
	MaxMaxImages = apitype.MaxMaxImages
	MaxMaxBytes  = apitype.MaxMaxBytes
	MaxDuration  = apitype.MaxDuration
)
