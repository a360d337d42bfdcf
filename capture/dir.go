package capture

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/scannerd/scannerd/scanner"
)

// dirSource reads image files that another system drops into a directory,
// each once, then deletes it or moves it away. Files appear when complete:
// writers should create them under a name starting with '.' or ending in
// .tmp or .part and rename them into place; such names are ignored.
type dirSource struct {
	spec  Spec
	dir   string
	clock func() time.Time
	log   *slog.Logger
	poll  time.Duration
	// wait sleeps between polls and ends early with ctx; waitFor but in
	// tests.
	wait func(ctx context.Context, d time.Duration) error
	lim  scanner.Limits
	seq  uint64
	open bool
}

func newDirSource(spec Spec, dir string, env Env) *dirSource {
	return &dirSource{spec: spec, dir: dir, clock: env.Clock, log: env.Logger,
		poll: 200 * time.Millisecond, wait: waitFor, lim: scanner.DefaultLimits}
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
	s.open = true
	return nil
}

// Read returns the oldest waiting image, polling until one arrives. A file
// that is not a readable image is logged and disposed of like the others,
// so one bad file never blocks the directory.
func (s *dirSource) Read(ctx context.Context, pool *scanner.PlanePool) (*scanner.Frame, error) {
	if !s.open {
		return nil, fmt.Errorf("read %s: source not open", s.spec.Name)
	}
	for {
		names, err := s.waiting()
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", s.spec.Name, err)
		}
		for _, name := range names {
			f, err := s.readFile(name, pool)
			if err == nil {
				return f, nil
			}
			if errors.Is(err, os.ErrNotExist) {
				continue // taken by someone else meanwhile
			}
			s.log.Warn("image file skipped", "source", s.spec.Name, "file", name, "err", err)
		}
		if err := s.wait(ctx, s.poll); err != nil {
			return nil, err
		}
	}
}

// waiting lists the files to read, oldest first.
func (s *dirSource) waiting() ([]string, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, err
	}
	type item struct {
		name string
		mod  time.Time
	}
	var items []item
	for _, e := range entries {
		n := e.Name()
		if !e.Type().IsRegular() || strings.HasPrefix(n, ".") || strings.HasSuffix(n, ".tmp") || strings.HasSuffix(n, ".part") {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		items = append(items, item{n, info.ModTime()})
	}
	sort.Slice(items, func(i, j int) bool {
		if !items[i].mod.Equal(items[j].mod) {
			return items[i].mod.Before(items[j].mod)
		}
		return items[i].name < items[j].name
	})
	names := make([]string, len(items))
	for i, it := range items {
		names[i] = it.name
	}
	return names, nil
}

func (s *dirSource) readFile(name string, pool *scanner.PlanePool) (*scanner.Frame, error) {
	path := filepath.Join(s.dir, name)
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	f, readErr := scanner.ReadImage(fh, s.lim, pool)
	fh.Close()
	if err := s.dispose(path, name); err != nil {
		if f != nil {
			f.Purge()
		}
		return nil, fmt.Errorf("dispose of %s: %w", name, err)
	}
	if readErr != nil {
		return nil, readErr
	}
	f.Source, f.Seq, f.CapturedAt = s.spec.Name, s.seq, s.clock()
	s.seq++
	return f, nil
}

func (s *dirSource) dispose(path, name string) error {
	if dest, ok := strings.CutPrefix(s.spec.AfterRead, "move:"); ok {
		return os.Rename(path, filepath.Join(dest, name))
	}
	return os.Remove(path)
}

func (s *dirSource) Close() error {
	s.open = false
	return nil
}
