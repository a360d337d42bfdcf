package debugexport

import "os"

// WithWriter replaces how frames are written (tests slow it down or
// watch it).
func WithWriter(cfg Config, w func(root *os.Root, base string, f *Snapshot) (int64, error)) Config {
	cfg.write = w
	return cfg
}

// Snapshot is a frame waiting to be written.
type Snapshot = snapshot

// Pix returns the snapshot's pixel copy.
func (s *snapshot) Pix() []byte { return s.pix }

// WriteFrame is the real writer.
var WriteFrame = writeFrame

// Waiting returns how many frame requests wait.
func (s *Snapshots) Waiting() int { return int(s.waiting.Load()) }
