package apitype

import "time"

// PreviewSettings are the body of PUT /v1/preview: the live preview of
// the setup page is an admin action, on for a while, then off by itself.
type PreviewSettings struct {
	Enabled bool `json:"enabled"`
	// Duration is how long the preview stays on (DefaultPreviewDuration
	// when zero, at most MaxPreviewDuration).
	Duration Duration `json:"duration,omitempty"`
}

// The preview's duration when none is given, and the longest.
const (
	DefaultPreviewDuration = 10 * time.Minute
	MaxPreviewDuration     = time.Hour
)

// PreviewState is the answer of GET and PUT /v1/preview, the data of the
// preview event (sent when it goes on and when it goes off), and the
// preview member of the status.
type PreviewState struct {
	Enabled bool      `json:"enabled"`
	Since   time.Time `json:"since,omitzero"`
	Until   time.Time `json:"until,omitzero"`
	// By names who switched it on ("uid=1000 pid=42").
	By string `json:"by,omitempty"`
	// StopReason says why it went off: PreviewExpired or PreviewSwitchedOff.
	StopReason string `json:"stop_reason,omitempty"`
}

// Reasons the preview went off (PreviewState.StopReason).
const (
	PreviewExpired     = "expired"
	PreviewSwitchedOff = "switched off"
)

// SourceSetup is the body of PUT /v1/setup: the settings of one source
// the setup page changes. Both members are set as given: an empty region
// is the whole frame, an empty list the default symbologies.
type SourceSetup struct {
	Source string `json:"source"`
	// Region is x, y, width, height in frame pixels, inside the frame.
	Region []int `json:"region"`
	// Symbologies are names as the results carry them ("QR_CODE").
	Symbologies []string `json:"symbologies"`
}

// SetupSource is one source in the answer of GET and PUT /v1/setup.
type SetupSource struct {
	Source string `json:"source"`
	// Region is x, y, width, height; empty: the whole frame.
	Region []int `json:"region"`
	// Symbologies are the symbologies the source decodes, each by name.
	Symbologies []string `json:"symbologies"`
	// Width and Height are the latest decoded frame's; 0 before one.
	Width  int `json:"width"`
	Height int `json:"height"`
	// Saved says that the setup file holds this source's region and
	// symbologies, which then override the configuration file's.
	Saved bool `json:"saved"`
}

// Setup is the answer of GET and PUT /v1/setup.
type Setup struct {
	// File is where saved settings are kept: the daemon's own file,
	// layered over its configuration file.
	File    string        `json:"file"`
	Sources []SetupSource `json:"sources"`
	// Symbologies names every symbology the daemon reads, and Default
	// those it reads when a source names none.
	Symbologies []string `json:"symbologies"`
	Default     []string `json:"default"`
}
