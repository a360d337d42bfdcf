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
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scannerd/scannerd/api/apitype"
	"github.com/scannerd/scannerd/scanner"
)

// Errors callers branch on.
var (
	// ErrBadSettings: the settings are malformed or out of range (the
	// API's error of that name).
	ErrBadSettings = apitype.ErrBadSettings
	// ErrBadDir: the target directory cannot be used safely.
	ErrBadDir = errors.New("unusable debug export directory")
	// ErrAlreadyOn: the export is switched on while it is on; it goes off
	// first, so that no one's settings are replaced unnoticed (the API's
	// debug_export_on).
	ErrAlreadyOn = apitype.ErrDebugExportOn
	// ErrClosed: the exporter was closed.
	ErrClosed = errors.New("debug export closed")
)

// queueLen bounds the frames waiting for the writer.
const queueLen = 4

// Config sets up an Exporter.
type Config struct {
	// AllowedRoot, when set, is the directory export directories must be
	// inside (the service may write nowhere else). Every component of an
	// export directory's path below it is resolved inside it: a symbolic
	// link that leads out is refused.
	AllowedRoot string
	Clock       func() time.Time
	Logger      *slog.Logger
	// OnStop is told when the export turns itself off (a limit was hit),
	// for an event to subscribers. It runs on the exporter's own goroutine,
	// one call at a time, never after Close has returned.
	OnStop func(State)
	// write stores one frame (tests slow it down); default writeFrame.
	write func(root *os.Root, base string, f *snapshot) (int64, error)
}

// Exporter is the debug export. Its zero value is not usable; call New,
// then Start, and Close at the end. Every method is safe to call at any
// time, also after Close.
type Exporter struct {
	cfg Config
	log *slog.Logger

	mu      sync.Mutex
	st      State
	root    *os.Root
	matched int  // matching frames seen, for sampling
	gen     int  // bumped at every change, so queued frames of an old setting are dropped
	closed  bool // no more frames, notices or settings
	pending int  // frames queued or being written
	idle    chan struct{}
	// writing is the frame being written, nil between writes. A change
	// of settings abandons it (its files are removed) and waits for it,
	// so no file appears once the export is off.
	writing *snapshot

	queue    chan *snapshot
	stops    chan State // notices for OnStop
	writerWG sync.WaitGroup
	notifyWG sync.WaitGroup
	start    sync.Once
	close    sync.Once
}

// snapshot is a frame copied for export, with its report.
type snapshot struct {
	gen int
	// abandon is set when the settings change while the frame is being
	// written: the write stops at its next step and its files go.
	abandon atomic.Bool
	done    chan struct{} // closed once written or removed
	pix     []byte        // gray, or B, G, R per pixel when color
	color   bool
	w, h    int
	report  scanner.FrameReport
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
	return &Exporter{cfg: cfg, log: cfg.Logger, queue: make(chan *snapshot, queueLen), stops: make(chan State, 8)}
}

// Start launches the writer and the goroutine that tells OnStop.
func (e *Exporter) Start() {
	e.start.Do(func() {
		e.writerWG.Add(1)
		go e.writer()
		e.notifyWG.Add(1)
		go e.notifier()
	})
}

// Close stops taking frames, writes the queued ones, and returns once its
// goroutines have ended; it is idempotent.
func (e *Exporter) Close() error {
	e.close.Do(func() {
		e.start.Do(func() {}) // a Start after Close starts nothing
		e.mu.Lock()
		e.closed = true
		close(e.queue)
		e.mu.Unlock()
		e.writerWG.Wait()
		e.mu.Lock()
		close(e.stops) // under mu: notifyStopLocked sends only while !closed
		if e.root != nil {
			e.root.Close()
			e.root = nil
		}
		e.mu.Unlock()
		e.notifyWG.Wait()
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

// Configure applies settings. who names the requester (uid and pid) for
// the log. Invalid settings are refused with ErrBadSettings, a directory
// that is a symlink, not a directory, outside the allowed root or not
// writable with ErrBadDir, settings that turn it on while it is on with
// ErrAlreadyOn (nothing is created then); each way the previous settings
// stay. Turning it off is always accepted.
func (e *Exporter) Configure(ctx context.Context, s Settings, who string) (State, error) {
	if err := s.Validate(); err != nil {
		return State{}, err
	}
	if !s.Enabled {
		e.mu.Lock()
		was := e.st.Enabled
		e.stopLocked("turned off")
		e.mu.Unlock()
		// The frame being written is abandoned: once it is gone, no file
		// appears any more and the counts are those of the files there.
		if err := e.waitWriting(ctx); err != nil {
			return e.State(), err
		}
		st := e.State()
		if was {
			e.log.Info("debug export off", "by", who, "images", st.Images, "bytes", st.Bytes)
		}
		return st, nil
	}
	s = s.WithDefaults()
	if err := e.canStart(); err != nil {
		return State{}, err
	}
	root, err := e.openDir(s.Dir)
	if err != nil {
		return State{}, err
	}
	now := e.cfg.Clock()
	e.mu.Lock()
	if err := e.canStartLocked(); err != nil { // changed while the directory was opened
		e.mu.Unlock()
		root.Close()
		return State{}, err
	}
	old := e.root
	e.root = root
	e.bumpLocked()
	e.matched = 0
	e.st = State{DebugExportSettings: s, Since: now, Until: now.Add(s.Duration.D())}
	st := e.st
	e.mu.Unlock()
	if old != nil {
		// A frame of the old settings may still be removing its files.
		e.waitWriting(context.Background())
		old.Close()
	}
	e.log.Warn("debug export on: frames will be saved to disk", "by", who, "dir", s.Dir, "frames", s.Frames,
		"sample", s.Sample, "max_images", s.MaxImages, "max_bytes", s.MaxBytes, "until", st.Until.Format(time.RFC3339))
	return st, nil
}

func (e *Exporter) canStart() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.canStartLocked()
}

func (e *Exporter) canStartLocked() error {
	if e.closed {
		return ErrClosed
	}
	if e.expireLocked(); e.st.Enabled {
		return fmt.Errorf("%w (saving to %s until %s)", ErrAlreadyOn, e.st.Dir, e.st.Until.UTC().Format(time.RFC3339))
	}
	return nil
}

// openDir creates the directory (0750) when missing and opens it as a root
// that no path written below it can escape. The whole path below the
// allowed root is resolved inside it, component by component: a symbolic
// link anywhere on it that leads out of the allowed root is refused, as is
// a directory that is itself a symbolic link. Directories are created
// group-readable: below a setgid root (the packaged /var/lib/scannerd/debug,
// group scannerd-admin) the files take the root's group.
func (e *Exporter) openDir(dir string) (*os.Root, error) {
	base := e.cfg.AllowedRoot
	if base == "" {
		base = "/"
	}
	rel, err := filepath.Rel(base, dir)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return nil, fmt.Errorf("%w: %s is not inside %s", ErrBadDir, dir, base)
	}
	top, err := os.OpenRoot(base)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadDir, err)
	}
	defer top.Close()
	if rel != "." {
		if err := top.MkdirAll(rel, 0o750); err != nil {
			if link := symlinkOn(top, base, rel); link != "" {
				// os.Root says "path escapes from parent" about a path
				// relative to base: name the link instead.
				return nil, fmt.Errorf("%w: %s: %s is a symbolic link leading out of %s", ErrBadDir, dir, link, base)
			}
			return nil, fmt.Errorf("%w: %s: %w", ErrBadDir, dir, err)
		}
		st, err := top.Lstat(rel)
		switch {
		case err != nil:
			return nil, fmt.Errorf("%w: %w", ErrBadDir, err)
		case st.Mode()&os.ModeSymlink != 0:
			return nil, fmt.Errorf("%w: %s is a symbolic link", ErrBadDir, dir)
		case !st.IsDir():
			return nil, fmt.Errorf("%w: %s is not a directory", ErrBadDir, dir)
		}
	}
	root, err := top.OpenRoot(rel)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrBadDir, dir, err)
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

// symlinkOn returns the first symbolic link on the path rel below top
// (opened at base), as an absolute path, or "" when there is none.
func symlinkOn(top *os.Root, base, rel string) string {
	p := ""
	for _, c := range strings.Split(rel, string(filepath.Separator)) {
		p = filepath.Join(p, c)
		st, err := top.Lstat(p)
		if err != nil {
			return ""
		}
		if st.Mode()&os.ModeSymlink != 0 {
			return filepath.Join(base, p)
		}
	}
	return ""
}

// Inspect is the engine's hook: it runs on a worker after decoding and
// before the purge. It copies a matching frame into the queue, or drops
// it when the queue is full; it never waits.
func (e *Exporter) Inspect(f *scanner.Frame, rep *scanner.FrameReport) {
	e.mu.Lock()
	if e.closed || !e.st.Enabled || !e.matches(rep) {
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

	// The copy is made outside the lock: frames are large.
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

	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed || gen != e.gen {
		clear(snap.pix)
		return
	}
	select {
	case e.queue <- snap: // under mu: Close closes the queue under mu too
		e.pending++
	default:
		clear(snap.pix)
		e.st.Dropped++
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
		e.notifyStopLocked()
	}
}

func (e *Exporter) stopLocked(reason string) {
	if !e.st.Enabled {
		return
	}
	e.st.Enabled = false
	e.st.StopReason = reason
	e.bumpLocked()
}

// bumpLocked starts a new generation of settings: frames queued under the
// old one are dropped and the one being written is abandoned.
func (e *Exporter) bumpLocked() {
	e.gen++
	if e.writing != nil {
		e.writing.abandon.Store(true)
	}
}

// waitWriting waits until the frame being written, if any, is written or
// abandoned and removed, or ctx ends.
func (e *Exporter) waitWriting(ctx context.Context) error {
	e.mu.Lock()
	w := e.writing
	e.mu.Unlock()
	if w == nil {
		return nil
	}
	select {
	case <-w.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("debug export off, but a frame is still being written (its files will be removed): %w", ctx.Err())
	}
}

// notifyStopLocked logs a stop and hands it to the notifier: OnStop runs
// outside the caller's lock and critical path. After Close there is no
// notifier, and no notice.
func (e *Exporter) notifyStopLocked() {
	st := e.st
	e.log.Info("debug export stopped", "reason", st.StopReason, "images", st.Images, "bytes", st.Bytes)
	if e.closed || e.cfg.OnStop == nil {
		return
	}
	select {
	case e.stops <- st:
	default: // a notice is waiting already; State has the latest
	}
}

func (e *Exporter) notifier() {
	defer e.notifyWG.Done()
	for st := range e.stops {
		if e.cfg.OnStop != nil {
			e.cfg.OnStop(st)
		}
	}
}

func (e *Exporter) writer() {
	defer e.writerWG.Done()
	for snap := range e.queue {
		e.mu.Lock()
		root, current := e.root, snap.gen == e.gen && e.st.Enabled
		if current {
			snap.done = make(chan struct{})
			e.writing = snap
		}
		e.mu.Unlock()
		if current {
			e.writeOne(root, snap)
		}
		clear(snap.pix)
		e.mu.Lock()
		if e.pending--; e.pending == 0 && e.idle != nil {
			close(e.idle)
			e.idle = nil
		}
		e.mu.Unlock()
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
func (e *Exporter) Pending() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.pending
}

// Flush waits until no frame waits to be written, or ctx ends.
func (e *Exporter) Flush(ctx context.Context) error {
	e.mu.Lock()
	if e.pending == 0 {
		e.mu.Unlock()
		return nil
	}
	if e.idle == nil {
		e.idle = make(chan struct{})
	}
	idle := e.idle
	e.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// writeOne writes a frame and counts it, or, when the settings changed
// meanwhile, removes what it wrote: a frame counts only when its files
// were all in place while the export was on with the settings it was
// taken under. Either way the frame's done is closed last.
func (e *Exporter) writeOne(root *os.Root, snap *snapshot) {
	base := fmt.Sprintf("%s-%s-%06d", safeName(snap.report.Source),
		snap.report.CapturedAt.UTC().Format("20060102T150405.000"), snap.report.Seq)
	n, err := e.cfg.write(root, base, snap)
	e.mu.Lock()
	if !snap.abandon.Load() {
		e.account(n, err)
		e.writing = nil
		e.mu.Unlock()
		close(snap.done)
		return
	}
	e.mu.Unlock()
	// Abandoned: remove whatever of it reached the directory (outside the
	// lock: Inspect never waits for the disk).
	removeFrame(root, base)
	e.mu.Lock()
	e.writing = nil
	e.mu.Unlock()
	close(snap.done)
}

// account counts a write and stops the export at a limit; mu is held.
func (e *Exporter) account(n int64, err error) {
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
		e.notifyStopLocked()
	case e.st.Bytes >= e.st.MaxBytes:
		e.stopLocked("max_bytes reached")
		e.notifyStopLocked()
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
