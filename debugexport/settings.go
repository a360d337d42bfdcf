package debugexport

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/scannerd/scannerd/internal/conf"
)

// Which frames to export.
const (
	// FramesDecoded: frames with at least one result (the default).
	FramesDecoded = "decoded"
	// FramesFailed: frames without a result where regions looked like
	// barcodes: the misses worth a look, not every empty scene.
	FramesFailed = "failed"
	// FramesAll: every frame.
	FramesAll = "all"
)

// Settings are what an administrator asks for: the JSON body of PUT
// /v1/debug/export, decoded once by the API and handed to Configure as it
// is. Zero values take the defaults below.
type Settings struct {
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
	Duration conf.Duration `json:"duration,omitempty"`
	// Color saves the colour frame as captured where the source has one
	// (cameras, files, pipelines), the gray plane otherwise.
	Color bool `json:"color,omitempty"`
}

// Defaults for zero settings, and the largest values accepted.
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
func (s Settings) Validate() error {
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
		{"duration", int64(s.Duration), int64(MaxDuration)},
	} {
		if f.v < 0 || f.v > f.max {
			return fmt.Errorf("%w: %s must be from 0 (the default) to %d", ErrBadSettings, f.name, f.max)
		}
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

// withDefaults returns valid settings with every zero value replaced by
// its default, the form State reports.
func (s Settings) withDefaults() Settings {
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
		s.Duration = conf.Duration(DefaultDuration)
	}
	return s
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
