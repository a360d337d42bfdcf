// Package debugexport saves the frames the engine reads, for developers
// who need to see what the camera saw when a barcode was missed or
// misread. It is off unless an administrator turns it on, and it is the
// only way image data outlives decoding: each exported frame is copied
// before the engine purges it, written as a lossless PNG with a JSON
// sidecar, and the copy is zeroed once written.
//
// Export never slows the pipeline: frames wait for the writer in a short
// queue, and when the disk is slow, exports are dropped (and counted), not
// frames.
package debugexport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scannerd/scannerd/scanner"
)

// Errors callers branch on.
var (
	// ErrBadSettings: the settings request is malformed or out of range.
	ErrBadSettings = errors.New("invalid debug export settings")
	// ErrBadDir: the target directory cannot be used safely.
	ErrBadDir = errors.New("unusable debug export directory")
)

// Which frames to export.
const (
	FramesDecoded = "decoded" // frames with at least one result
	FramesFailed  = "failed"  // frames where regions looked like barcodes but nothing was read
	FramesAll     = "all"
)

// Settings are what an administrator asks for (the JSON body of PUT
// /v1/debug/export).
type Settings struct {
	Enabled bool   `json:"enabled"`
	Dir     string `json:"dir,omitempty"`
	Frames  string `json:"frames,omitempty"` // decoded, failed or all (default decoded)
	// Sample exports one matching frame in Sample (default 1: each).
	Sample int `json:"sample,omitempty"`
	// MaxImages and MaxBytes stop the export when reached (defaults 1000
	// images, 1 GiB).
	MaxImages int   `json:"max_images,omitempty"`
	MaxBytes  int64 `json:"max_bytes,omitempty"`
	// Duration turns the export off after this long ("10m"; default 1h).
	Duration string `json:"duration,omitempty"`
	// Color saves the colour frame as captured where the source has one
	// (cameras, files, pipelines), the gray plane otherwise.
	Color bool `json:"color,omitempty"`
}

// State is Settings plus what the export has done, for GET and status.
type State struct {
	Settings
	Since      time.Time `json:"since,omitzero"`
	Until      time.Time `json:"until,omitzero"`
	Images     int       `json:"images"`
	Bytes      int64     `json:"bytes"`
	Dropped    int       `json:"dropped"` // matching frames not written: the writer was busy
	Failed     int       `json:"failed"`  // writes that failed
	StopReason string    `json:"stop_reason,omitempty"`
}

// Defaults for unset limits.
const (
	DefaultMaxImages = 1000
	DefaultMaxBytes  = 1 << 30
	DefaultDuration  = time.Hour
	queueLen         = 4
)

// Config sets up an Exporter.
type Config struct {
	// AllowedRoot, when set, is the directory export directories must be
	// inside (the service may write nowhere else).
	AllowedRoot string
	Clock       func() time.Time
	Logger      *slog.Logger
	// OnStop is told when the export turns itself off (a limit was hit),
	// for an event to subscribers. It must not block.
	OnStop func(State)
	// write stores one frame (tests slow it down); default writeFrame.
	write func(root *os.Root, base string, f *snapshot) (int64, error)
}

// Exporter is the debug export. Its zero value is not usable; call New,
// then Start, and Close at the end.
type Exporter struct {
	cfg Config
	log *slog.Logger

	mu      sync.Mutex
	st      State
	root    *os.Root
	matched int // matching frames seen, for sampling
	gen     int // bumped at every change, so queued frames of an old setting are dropped

	queue   chan *snapshot
	pending atomic.Int64 // frames queued or being written
	wg      sync.WaitGroup
	once    sync.Once
}

// snapshot is a frame copied for export, with its report.
type snapshot struct {
	gen    int
	pix    []byte // gray, or B, G, R per pixel when color
	color  bool
	w, h   int
	report scanner.FrameReport
}

// New returns an exporter that is off.
func New(cfg Config) *Exporter {
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.write == nil {
		cfg.write = writeFrame
	}
	return &Exporter{cfg: cfg, log: cfg.Logger, queue: make(chan *snapshot, queueLen)}
}

// Start launches the writer.
func (e *Exporter) Start() {
	e.wg.Add(1)
	go e.writer()
}

// Close stops the writer after the queued frames; it is idempotent.
func (e *Exporter) Close() error {
	e.once.Do(func() {
		close(e.queue)
		e.wg.Wait()
		e.mu.Lock()
		if e.root != nil {
			e.root.Close()
			e.root = nil
		}
		e.mu.Unlock()
	})
	return nil
}

// State returns the current settings and counters.
func (e *Exporter) State() State {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.expireLocked()
	return e.st
}

// Configure applies settings from a JSON body. who names the requester
// (uid and pid) for the log. A directory that is a symlink, not a
// directory, outside the allowed root or not writable is refused with
// ErrBadDir and the previous settings stay.
func (e *Exporter) Configure(body []byte, who string) (State, error) {
	var s Settings
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return State{}, fmt.Errorf("%w: %w", ErrBadSettings, err)
	}
	if dec.More() {
		return State{}, fmt.Errorf("%w: trailing data after the JSON object", ErrBadSettings)
	}
	if !s.Enabled {
		e.mu.Lock()
		was := e.st.Enabled
		e.stopLocked("turned off")
		st := e.st
		e.mu.Unlock()
		if was {
			e.log.Info("debug export off", "by", who, "images", st.Images, "bytes", st.Bytes)
		}
		return st, nil
	}
	dur, err := s.normalize()
	if err != nil {
		return State{}, err
	}
	root, err := e.openDir(s.Dir)
	if err != nil {
		return State{}, err
	}
	now := e.cfg.Clock()
	e.mu.Lock()
	if e.root != nil {
		e.root.Close()
	}
	e.root = root
	e.gen++
	e.matched = 0
	e.st = State{Settings: s, Since: now, Until: now.Add(dur)}
	st := e.st
	e.mu.Unlock()
	e.log.Warn("debug export on: frames will be saved to disk", "by", who, "dir", s.Dir, "frames", s.Frames,
		"sample", s.Sample, "max_images", s.MaxImages, "max_bytes", s.MaxBytes, "until", st.Until.Format(time.RFC3339))
	return st, nil
}

func (s *Settings) normalize() (time.Duration, error) {
	if s.Dir == "" || !filepath.IsAbs(s.Dir) {
		return 0, fmt.Errorf("%w: dir must be an absolute path", ErrBadSettings)
	}
	s.Dir = filepath.Clean(s.Dir)
	switch s.Frames {
	case "":
		s.Frames = FramesDecoded
	case FramesDecoded, FramesFailed, FramesAll:
	default:
		return 0, fmt.Errorf("%w: frames %q: want decoded, failed or all", ErrBadSettings, s.Frames)
	}
	if s.Sample == 0 {
		s.Sample = 1
	}
	if s.MaxImages == 0 {
		s.MaxImages = DefaultMaxImages
	}
	if s.MaxBytes == 0 {
		s.MaxBytes = DefaultMaxBytes
	}
	if s.Sample < 0 || s.MaxImages < 0 || s.MaxBytes < 0 {
		return 0, fmt.Errorf("%w: sample, max_images and max_bytes must be positive", ErrBadSettings)
	}
	dur := DefaultDuration
	if s.Duration != "" {
		d, err := time.ParseDuration(s.Duration)
		if err != nil || d <= 0 {
			return 0, fmt.Errorf("%w: duration %q: want a positive duration like 10m", ErrBadSettings, s.Duration)
		}
		dur = d
	}
	s.Duration = dur.String()
	return dur, nil
}

// openDir creates the directory (0750) when missing and opens it as a
// root that no path written below it can escape, symlinks included.
func (e *Exporter) openDir(dir string) (*os.Root, error) {
	if r := e.cfg.AllowedRoot; r != "" {
		if rel, err := filepath.Rel(r, dir); err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
			return nil, fmt.Errorf("%w: %s is not inside %s", ErrBadDir, dir, r)
		}
	}
	st, err := os.Lstat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBadDir, err)
		}
	case err != nil:
		return nil, fmt.Errorf("%w: %w", ErrBadDir, err)
	case st.Mode()&os.ModeSymlink != 0:
		return nil, fmt.Errorf("%w: %s is a symbolic link", ErrBadDir, dir)
	case !st.IsDir():
		return nil, fmt.Errorf("%w: %s is not a directory", ErrBadDir, dir)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadDir, err)
	}
	// Prove it is writable now rather than at the first frame.
	probe := fmt.Sprintf(".probe-%d", os.Getpid())
	f, err := root.OpenFile(probe, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		root.Close()
		return nil, fmt.Errorf("%w: %s is not writable: %w", ErrBadDir, dir, err)
	}
	f.Close()
	root.Remove(probe)
	return root, nil
}

// Inspect is the engine's hook: it runs on a worker after decoding and
// before the purge. It copies a matching frame into the queue, or drops
// it when the queue is full; it never waits.
func (e *Exporter) Inspect(f *scanner.Frame, rep *scanner.FrameReport) {
	e.mu.Lock()
	if !e.st.Enabled || !e.matches(rep) {
		e.mu.Unlock()
		return
	}
	e.expireLocked()
	if !e.st.Enabled {
		e.mu.Unlock()
		return
	}
	e.matched++
	if (e.matched-1)%e.st.Sample != 0 {
		e.mu.Unlock()
		return
	}
	gen, color := e.gen, e.st.Color
	e.mu.Unlock()

	snap := &snapshot{gen: gen, w: f.Width, h: f.Height, report: *rep}
	if color && len(f.Color) == 3*f.Width*f.Height {
		snap.pix, snap.color = bytes.Clone(f.Color), true
	} else {
		snap.pix = make([]byte, f.Width*f.Height)
		for y := 0; y < f.Height; y++ {
			copy(snap.pix[y*f.Width:(y+1)*f.Width], f.Pix[y*f.Stride:])
		}
	}
	snap.report.Results = append([]scanner.Result(nil), rep.Results...)
	e.pending.Add(1)
	select {
	case e.queue <- snap:
	default:
		e.pending.Add(-1)
		clear(snap.pix)
		e.mu.Lock()
		if e.gen == gen {
			e.st.Dropped++
		}
		e.mu.Unlock()
	}
}

func (e *Exporter) matches(rep *scanner.FrameReport) bool {
	switch e.st.Frames {
	case FramesAll:
		return true
	case FramesFailed:
		return len(rep.Results) == 0 && rep.Candidates > 0
	}
	return len(rep.Results) > 0
}

// expireLocked turns the export off once its time is up.
func (e *Exporter) expireLocked() {
	if e.st.Enabled && !e.cfg.Clock().Before(e.st.Until) {
		e.stopLocked("duration elapsed")
		e.notifyStop()
	}
}

func (e *Exporter) stopLocked(reason string) {
	if !e.st.Enabled {
		return
	}
	e.st.Enabled = false
	e.st.StopReason = reason
	e.gen++
}

// notifyStop tells OnStop, outside the caller's critical path.
func (e *Exporter) notifyStop() {
	st := e.st
	e.log.Info("debug export stopped", "reason", st.StopReason, "images", st.Images, "bytes", st.Bytes)
	if e.cfg.OnStop != nil {
		go e.cfg.OnStop(st)
	}
}

func (e *Exporter) writer() {
	defer e.wg.Done()
	for snap := range e.queue {
		e.mu.Lock()
		root, current := e.root, snap.gen == e.gen && e.st.Enabled
		e.mu.Unlock()
		if current {
			base := fmt.Sprintf("%s-%s-%06d", safeName(snap.report.Source),
				snap.report.CapturedAt.UTC().Format("20060102T150405.000"), snap.report.Seq)
			n, err := e.cfg.write(root, base, snap)
			e.account(snap.gen, n, err)
		}
		clear(snap.pix)
		e.pending.Add(-1)
	}
}

// WantsColor reports whether the export is on and saving colour frames:
// sources keep the colour image of each frame only then.
func (e *Exporter) WantsColor() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.st.Enabled && e.st.Color
}

// Pending returns how many frames wait to be written or are being written.
func (e *Exporter) Pending() int { return int(e.pending.Load()) }

// account counts a write and stops the export at a limit.
func (e *Exporter) account(gen int, n int64, err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if gen != e.gen {
		return
	}
	if err != nil {
		e.st.Failed++
		e.log.Error("debug export write failed", "err", err)
		return
	}
	e.st.Images++
	e.st.Bytes += n
	switch {
	case e.st.Images >= e.st.MaxImages:
		e.stopLocked("max_images reached")
		e.notifyStop()
	case e.st.Bytes >= e.st.MaxBytes:
		e.stopLocked("max_bytes reached")
		e.notifyStop()
	}
}

// safeName keeps a source name usable in a file name.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == 0 || r == '.' && len(s) <= 2 {
			return '_'
		}
		return r
	}, s)
}
