package capture

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/scannerd/scannerd/scanner"
)

// dirSource reads image files that another system drops into a directory,
// each once, and deletes it or moves it away once it has been decoded.
// Files should appear when complete: writers should create them under a
// name starting with '.' or ending in .tmp or .part and rename them into
// place; such names are ignored. A file that is written in place (scp, cp,
// a network share) may be read before it is complete: one that reads as
// cut short is left where it is until it has not changed for dirSettle,
// and only then, still cut short, is it taken for a bad file.
//
// The directory is listed once for a batch of files, which are then read
// in order of age: draining n files costs one listing, not n. A file
// leaves the directory only when the engine is done with it (Frame.Done):
// one that was dropped or refused by the license stays to be read again;
// one that cannot be deleted or moved is logged once and left alone until
// it changes. After a refusal the directory is listed again, and files are
// read one at a time until one is decoded, so that the refused file, the
// oldest, is read again before any newer one; only the files read ahead,
// already with the engine, can overtake it, if the license allows them.
type dirSource struct {
	spec  Spec
	dir   string
	clock func() time.Time
	log   *slog.Logger
	poll  time.Duration
	lim   scanner.Limits
	seq   uint64
	open  bool
	// wait sleeps for d or until ctx ends: the real thing but in tests.
	wait func(ctx context.Context, d time.Duration) error
	// listings counts directory listings, for tests.
	listings int

	pending []string // names from the last listing, oldest first

	mu       sync.Mutex // guards what follows: Done runs on engine workers
	inflight map[string]bool
	stuck    map[string]fileID // decoded but not disposable: left alone
	// settling holds the files that read as cut short, perhaps still
	// being written: each is read again once it has kept the same size
	// and time for dirSettle. Used by Read alone; an entry a file, gone
	// with the file.
	settling map[string]settlingFile
	// refusals in a row, and until when reading pauses, after the license
	// refused a frame: the files stay, and reading resumes with backoff.
	refusals   int
	pauseUntil time.Time
	// relist: a file was handed back (refused, dropped): the names
	// pending after it must not be read before it, so list again.
	relist bool
}

// fileID tells whether a stuck file is still the one that was decoded.
type fileID struct {
	size int64
	mod  time.Time
}

// settlingFile is a file that read as cut short, as it was when seen
// last, and since when it has been so by the source's clock. The file's
// own time is not compared with the clock: a network share's clock may
// be off by minutes.
type settlingFile struct {
	id    fileID
	since time.Time
}

// dirSettle is how long a file that reads as cut short must stay the same
// before it is taken to be complete, and so bad.
const dirSettle = 5 * time.Second

// errSettling: a file read as cut short and is left to settle.
var errSettling = errors.New("cut short; left until it has not changed for " + dirSettle.String())

// Backoff after license refusals: doubling from the first to the last.
const (
	refusalPauseMin = time.Second
	refusalPauseMax = time.Minute
)

func newDirSource(spec Spec, dir string, env Env) *dirSource {
	return &dirSource{spec: spec, dir: dir, clock: env.Clock, log: env.Logger,
		poll: 200 * time.Millisecond, lim: scanner.DefaultLimits, wait: waitFor,
		inflight: map[string]bool{}, stuck: map[string]fileID{}, settling: map[string]settlingFile{}}
}

func (s *dirSource) Open(ctx context.Context) error {
	st, err := os.Stat(s.dir)
	if err != nil {
		return fmt.Errorf("open %s: %w", s.spec.Name, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("open %s: %s is not a directory", s.spec.Name, s.dir)
	}
	if dest, ok := strings.CutPrefix(s.spec.AfterRead, "move:"); ok {
		if err := os.MkdirAll(dest, 0o750); err != nil {
			return fmt.Errorf("open %s: %w", s.spec.Name, err)
		}
	}
	s.pending = nil
	s.open = true
	return nil
}

// Read returns the oldest waiting image, polling until one arrives. A file
// that is not a readable image is logged and disposed of at once, so one
// bad file never blocks the directory.
func (s *dirSource) Read(ctx context.Context, pool *scanner.PlanePool) (*scanner.Frame, error) {
	if !s.open {
		return nil, fmt.Errorf("read %s: source not open", s.spec.Name)
	}
	for {
		if d := s.paused(); d > 0 {
			if err := s.wait(ctx, d); err != nil {
				return nil, err
			}
			continue
		}
		if s.held() {
			// After a refusal, one file at a time until one is decoded:
			// a file already with the engine may yet be refused and must
			// then be read again before any newer one.
			if err := s.wait(ctx, s.poll); err != nil {
				return nil, err
			}
			continue
		}
		if s.takeRelist() {
			s.pending = s.pending[:0]
		}
		if len(s.pending) == 0 {
			if err := s.list(); err != nil {
				return nil, fmt.Errorf("read %s: %w", s.spec.Name, err)
			}
			if len(s.pending) == 0 {
				if err := s.wait(ctx, s.poll); err != nil {
					return nil, err
				}
				continue
			}
		}
		name := s.pending[0]
		s.pending = s.pending[1:]
		if s.taken(name) {
			continue
		}
		f, err := s.readFile(name, pool)
		if err == nil && s.handedBack() {
			// A file was refused (or dropped) while this one was read:
			// this one stays, to be read again after it once reading
			// resumes, rather than going to the engine after it. Asked
			// of the hand-back, not of the pause, which a read slower
			// than the pause would outlast.
			f.Purge()
			f.Done(scanner.ErrDropped)
			continue
		}
		if err == nil {
			return f, nil
		}
		if errors.Is(err, errSettling) {
			s.log.Debug("image file incomplete", "source", s.spec.Name, "file", name, "err", err)
			continue
		}
		if !errors.Is(err, fs.ErrNotExist) { // else taken by someone else meanwhile
			s.log.Warn("image file skipped", "source", s.spec.Name, "file", name, "err", err)
		}
	}
}

// paused returns how long reading waits after a license refusal.
func (s *dirSource) paused() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pauseUntil.Sub(s.clock())
}

// held reports whether reading waits for the files with the engine: after
// a refusal, until a file is decoded.
func (s *dirSource) held() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refusals > 0 && len(s.inflight) > 0
}

// takeRelist reports, once, that a file was handed back since the last
// listing.
func (s *dirSource) takeRelist() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.relist
	s.relist = false
	return r
}

// handedBack reports whether a file was handed back since the last
// listing, leaving that to the next takeRelist.
func (s *dirSource) handedBack() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.relist
}

// taken reports whether a file is with the engine, or stuck.
func (s *dirSource) taken(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, stuck := s.stuck[name]
	return s.inflight[name] || stuck
}

// list reads the directory once: the files to read, oldest first, leaving
// out those with the engine, stuck ones that have not changed, and cut
// short ones that have not yet been the same for dirSettle.
func (s *dirSource) list() error {
	s.listings++
	now := s.clock()
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return err
	}
	type item struct {
		name string
		mod  time.Time
	}
	var items []item
	present := make(map[string]bool, len(entries))
	s.mu.Lock()
	for _, e := range entries {
		n := e.Name()
		if !e.Type().IsRegular() || strings.HasPrefix(n, ".") || strings.HasSuffix(n, ".tmp") || strings.HasSuffix(n, ".part") {
			continue
		}
		present[n] = true
		if s.inflight[n] {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		if id, ok := s.stuck[n]; ok {
			if id == (fileID{info.Size(), info.ModTime()}) {
				continue
			}
			delete(s.stuck, n) // a new file under the old name
		}
		if sf, ok := s.settling[n]; ok {
			if id := (fileID{info.Size(), info.ModTime()}); id != sf.id {
				s.settling[n] = settlingFile{id, now} // still being written
				continue
			}
			if now.Sub(sf.since) < dirSettle {
				continue
			}
		}
		items = append(items, item{n, info.ModTime()})
	}
	for n := range s.stuck {
		if !present[n] {
			delete(s.stuck, n) // someone else removed it
		}
	}
	for n := range s.settling {
		if !present[n] {
			delete(s.settling, n)
		}
	}
	s.mu.Unlock()
	slices.SortFunc(items, func(a, b item) int {
		if c := a.mod.Compare(b.mod); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	})
	s.pending = s.pending[:0]
	for _, it := range items {
		s.pending = append(s.pending, it.name)
	}
	return nil
}

// readFile reads one file into a frame whose Done disposes of the file.
// A file that is no image is disposed of at once, unless it reads as cut
// short and has not yet been the same for dirSettle: it is left to
// settle (errSettling).
func (s *dirSource) readFile(name string, pool *scanner.PlanePool) (*scanner.Frame, error) {
	path := filepath.Join(s.dir, name)
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	info, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, err
	}
	f, err := scanner.ReadImage(fh, s.lim, pool)
	fh.Close()
	id := fileID{info.Size(), info.ModTime()}
	if err != nil {
		if cutShort(err, info.Size()) {
			now := s.clock()
			sf, ok := s.settling[name]
			if !ok || sf.id != id {
				s.settling[name] = settlingFile{id, now}
				return nil, fmt.Errorf("%w: %w", errSettling, err)
			}
			if now.Sub(sf.since) < dirSettle {
				return nil, fmt.Errorf("%w: %w", errSettling, err)
			}
		}
		delete(s.settling, name)
		s.disposeOf(name, id)
		return nil, err
	}
	delete(s.settling, name)
	f.Source, f.Seq, f.CapturedAt = s.spec.Name, s.seq, s.clock()
	s.seq++
	s.mu.Lock()
	s.inflight[name] = true
	s.mu.Unlock()
	f.Done = func(err error) { s.decoded(name, id, err) }
	return f, nil
}

// decoded hears how the engine finished with a file's frame.
func (s *dirSource) decoded(name string, id fileID, err error) {
	s.mu.Lock()
	delete(s.inflight, name)
	switch {
	case errors.Is(err, scanner.ErrRefused):
		// The license refused decoding now: keep the file for later and
		// pause, rather than read the directory dry into refusals.
		pause := min(refusalPauseMax, refusalPauseMin<<min(s.refusals, 16))
		s.refusals++
		s.pauseUntil = s.clock().Add(pause)
		s.relist = true
		first := s.refusals == 1
		s.mu.Unlock()
		if first {
			s.log.Warn("decoding refused; the files stay until it is allowed", "source", s.spec.Name, "err", err)
		}
		return
	case errors.Is(err, scanner.ErrDropped), errors.Is(err, scanner.ErrClosed),
		errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		// Not decoded: it stays and is read again, before newer files.
		s.relist = true
		s.mu.Unlock()
		return
	}
	if s.refusals > 0 {
		s.log.Info("decoding allowed again", "source", s.spec.Name)
	}
	s.refusals = 0
	s.mu.Unlock()
	s.disposeOf(name, id)
}

// disposeOf deletes or moves a file that has been read. One that cannot
// be is logged once and left alone until it changes.
func (s *dirSource) disposeOf(name string, id fileID) {
	path := filepath.Join(s.dir, name)
	var err error
	if dest, ok := strings.CutPrefix(s.spec.AfterRead, "move:"); ok {
		err = os.Rename(path, filepath.Join(dest, name))
	} else {
		err = os.Remove(path)
	}
	if err == nil || errors.Is(err, fs.ErrNotExist) {
		return
	}
	s.mu.Lock()
	s.stuck[name] = id
	s.mu.Unlock()
	s.log.Warn("image file read but cannot be disposed of; it is left alone until it changes",
		"source", s.spec.Name, "file", name, "err", err)
}

// cutShort reports whether a file of size bytes that failed to decode with
// err may be an image still being written: empty, shorter than any
// signature, or ending before the data its header announces. The standard
// library's decoders do not export these errors, so their texts are
// matched (the tests cut each format short at many points); corrupt data
// (a bad checksum, chunks out of order) is not cut short.
func cutShort(err error, size int64) bool {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return true
	}
	if size < 8 && (errors.Is(err, scanner.ErrBadImage) || errors.Is(err, scanner.ErrUnsupportedImage)) {
		return true // empty, or no more than a signature's first bytes
	}
	if !errors.Is(err, scanner.ErrBadImage) {
		return false
	}
	msg := err.Error()
	for _, short := range [...]string{
		"not enough pixel data", // png
		"not enough image data", // gif
		"short Huffman data",    // jpeg
		"unexpected EOF",        // gif, which does not wrap io.ErrUnexpectedEOF
		"cannot hold",           // scanner's image bomb check: less data than the header's pixels need
	} {
		if strings.Contains(msg, short) {
			return true
		}
	}
	return false
}

func (s *dirSource) Close() error {
	s.open = false
	s.pending = nil
	return nil
}
