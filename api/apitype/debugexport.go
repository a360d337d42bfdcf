package apitype

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"
)

// Which frames the debug export saves (DebugExportSettings.Frames).
const (
	// FramesDecoded: frames with at least one result (the default).
	FramesDecoded = "decoded"
	// FramesFailed: frames without a result where regions looked like
	// barcodes: the misses worth a look, not every empty scene.
	FramesFailed = "failed"
	// FramesAll: every frame.
	FramesAll = "all"
)

// DebugExportSettings are the body of PUT /v1/debug/export: what the
// debug image export saves, where, and for how long. Zero values take the
// defaults below. The export is off by default; images leave memory only
// while it is enabled.
type DebugExportSettings struct {
	Enabled bool `json:"enabled"`
	// Dir receives the images: an absolute path, required to enable.
	Dir string `json:"dir,omitempty"`
	// Frames is FramesDecoded, FramesFailed or FramesAll.
	Frames string `json:"frames,omitempty"`
	// Sample exports one matching frame in Sample (default 1: each).
	Sample int `json:"sample,omitempty"`
	// MaxImages and MaxBytes stop the export when reached.
	MaxImages int   `json:"max_images,omitempty"`
	MaxBytes  int64 `json:"max_bytes,omitempty"`
	// Duration turns the export off after this long ("10m" in JSON).
	Duration Duration `json:"duration,omitempty"`
	// Color saves the colour frame as captured where the source has one
	// (cameras, files, pipelines), the gray plane otherwise.
	Color bool `json:"color,omitempty"`
}

// DebugExportState is the answer of GET and PUT /v1/debug/export, and the
// data of the debug_export event: the settings with their defaults filled
// in, and what the export has done.
type DebugExportState struct {
	DebugExportSettings
	Since      time.Time `json:"since,omitzero"`
	Until      time.Time `json:"until,omitzero"`
	Images     int       `json:"images"`
	Bytes      int64     `json:"bytes"`
	Dropped    int       `json:"dropped"` // matching frames not written: the writer was busy
	Failed     int       `json:"failed"`  // writes that failed
	StopReason string    `json:"stop_reason,omitempty"`
}

// Defaults for zero debug export settings, and the largest values
// accepted.
const (
	DefaultSample    = 1
	DefaultMaxImages = 1000
	DefaultMaxBytes  = 1 << 30
	DefaultDuration  = time.Hour

	MaxSample    = 1_000_000
	MaxMaxImages = 10_000_000
	MaxMaxBytes  = 1 << 40
	MaxDuration  = 7 * 24 * time.Hour
)

// Validate reports the first setting that cannot work, wrapping
// ErrBadSettings. Zero values are valid: they take the defaults.
func (s DebugExportSettings) Validate() error {
	switch s.Frames {
	case "", FramesDecoded, FramesFailed, FramesAll:
	default:
		return fmt.Errorf("%w: frames %q: want decoded, failed or all", ErrBadSettings, truncate(s.Frames, 32))
	}
	for _, f := range []struct {
		name   string
		v, max int64
	}{
		{"sample", int64(s.Sample), MaxSample},
		{"max_images", int64(s.MaxImages), MaxMaxImages},
		{"max_bytes", s.MaxBytes, MaxMaxBytes},
	} {
		if f.v < 0 || f.v > f.max {
			return fmt.Errorf("%w: %s must be from 0 (the default) to %d", ErrBadSettings, f.name, f.max)
		}
	}
	if s.Duration < 0 || s.Duration.D() > MaxDuration {
		// Said in hours as the documentation says it, not in nanoseconds.
		return fmt.Errorf("%w: duration %v: at most %s (0: the default, %s)", ErrBadSettings,
			s.Duration.D(), hours(MaxDuration), hours(DefaultDuration))
	}
	if s.Enabled {
		if s.Dir == "" {
			return fmt.Errorf("%w: dir is required to enable the export", ErrBadSettings)
		}
		if !filepath.IsAbs(s.Dir) {
			return fmt.Errorf("%w: dir %q must be an absolute path", ErrBadSettings, truncate(s.Dir, 128))
		}
	}
	return nil
}

// WithDefaults returns the settings with every zero value replaced by its
// default and Dir cleaned: the form the daemon reports.
func (s DebugExportSettings) WithDefaults() DebugExportSettings {
	if s.Dir != "" {
		s.Dir = filepath.Clean(s.Dir)
	}
	if s.Frames == "" {
		s.Frames = FramesDecoded
	}
	if s.Sample == 0 {
		s.Sample = DefaultSample
	}
	if s.MaxImages == 0 {
		s.MaxImages = DefaultMaxImages
	}
	if s.MaxBytes == 0 {
		s.MaxBytes = DefaultMaxBytes
	}
	if s.Duration == 0 {
		s.Duration = Duration(DefaultDuration)
	}
	return s
}

// Duration is a time.Duration written in JSON as a string with a unit,
// such as "10m" or "1h30m". A bare number is refused (it would have no
// unit), and so is a negative duration.
type Duration time.Duration

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("duration %q: want a number with a unit, like 30s or 15m", truncate(string(b), 40))
	}
	if v < 0 {
		return fmt.Errorf("duration %q must not be negative", truncate(string(b), 40))
	}
	*d = Duration(v)
	return nil
}

// UnmarshalJSON takes a JSON string and refuses anything else (a bare
// number has no unit) with the same message as a string without a unit.
func (d *Duration) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration %s: want a string with a unit, like \"30s\" or \"15m\"", truncate(string(b), 40))
	}
	return d.UnmarshalText([]byte(s))
}

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// String returns the Go duration string, e.g. "1m30s".
func (d Duration) String() string { return time.Duration(d).String() }

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// truncate shortens client-supplied text quoted back in error messages.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// hours writes a whole number of hours as "168h" (time.Duration writes
// "168h0m0s").
func hours(d time.Duration) string { return fmt.Sprintf("%dh", d/time.Hour) }
