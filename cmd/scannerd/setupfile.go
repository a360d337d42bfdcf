package main

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"

	"github.com/pelletier/go-toml/v2"

	"github.com/scannerd/scannerd/capture"
	"github.com/scannerd/scannerd/internal/conf"
	"github.com/scannerd/scannerd/licensing"
)

// The setup file keeps what the setup page saved: each source's region
// of interest and symbologies, layered over the configuration file at
// every load. It lives in the daemon's state directory, which the
// packaged service may write (/etc/scannerd is read-only to it), and is
// replaced atomically.

// setupFileName is the setup file's name in the state directory, when
// [setup] file does not name it.
const setupFileName = "setup.toml"

// setupFile is the setup file's content.
type setupFile struct {
	Sources []setupEntry `toml:"source"`
}

// setupEntry overrides one source's settings.
type setupEntry struct {
	Name        string    `toml:"name"`
	Region      []int     `toml:"region"`
	Symbologies conf.List `toml:"symbologies"`
}

// setupPath is where the setup file is: [setup] file, else setup.toml in
// the license's state directory.
func (c *Config) setupPath() string {
	if c.Setup.File != "" {
		return c.Setup.File
	}
	return filepath.Join(cmp.Or(c.License.StateDir, licensing.DefaultStateDir), setupFileName)
}

// readSetup reads the configuration's setup file (readSetupFile). When it
// is the default one, in state_dir, and the trouble is the directory (not
// one, or not readable by this user), the error names state_dir: the
// licensing store, opened next, would fail on it too.
func (c *Config) readSetup() ([]byte, error) {
	path := c.setupPath()
	b, err := readSetupFile(path)
	if err == nil || c.Setup.File != "" {
		return b, err
	}
	dir := filepath.Dir(path)
	if st, serr := os.Stat(dir); serr == nil && st.IsDir() && !errors.Is(err, os.ErrPermission) {
		return nil, err // the file's own trouble
	}
	hint := ""
	if errors.Is(err, os.ErrPermission) {
		hint = fmt.Sprintf(" (scannerd runs as uid %d: state_dir must be searchable, and its files readable, by that user)", os.Geteuid())
	}
	return nil, fmt.Errorf("state_dir %s ([license]; it holds the setup file and the licensing store): %w%s", dir, err, hint)
}

// readSetupFile reads the setup file at path; one that does not exist
// holds nothing.
func readSetupFile(path string) ([]byte, error) {
	b, err := conf.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read setup file: %w", err)
	}
	return b, nil
}

// parseSetupFile decodes setup file data as strictly as the
// configuration file.
func parseSetupFile(path string, data []byte) (*setupFile, error) {
	var sf setupFile
	if _, err := conf.Decode(path, data, &sf); err != nil {
		return nil, fmt.Errorf("setup file: %w", err)
	}
	return &sf, nil
}

// applySetup overrides the settings of the sources the setup file names
// and notes which. A device must keep running on a setup file its
// configuration has moved away from, so what no longer fits is left out
// and noted (setupWarnings), never a reason to refuse the load: an entry
// of a source the configuration does not have (renamed or removed: it
// starts again from its configured settings), and a setting the source
// would refuse, such as a region outside the frame size the configuration
// now asks for (the configured region is kept: a region clipped to a
// different frame would cover a part of the view no one chose).
func (c *Config) applySetup(sf *setupFile) {
	c.setupSources, c.setupWarnings = nil, nil
	for _, e := range sf.Sources {
		i := slices.IndexFunc(c.Sources, func(s capture.Spec) bool { return s.Name == e.Name })
		if i < 0 {
			c.setupWarnings = append(c.setupWarnings, setupWarning{Source: e.Name, Err: errSetupNoSource})
			continue
		}
		s := &c.Sources[i]
		took := false
		// The configured spec is valid, so an error once a setting is
		// taken is that setting's.
		region := s.Region
		s.Region = slices.Clone(e.Region)
		if err := s.Validate(); err != nil {
			s.Region = region
			c.setupWarnings = append(c.setupWarnings, setupWarning{Source: e.Name, Setting: "region", Value: fmt.Sprint(e.Region), Err: err})
		} else {
			took = true
		}
		syms := s.Symbologies
		s.Symbologies = slices.Clone(e.Symbologies)
		if err := s.Validate(); err != nil {
			s.Symbologies = syms
			c.setupWarnings = append(c.setupWarnings, setupWarning{Source: e.Name, Setting: "symbologies", Value: fmt.Sprint([]string(e.Symbologies)), Err: err})
		} else {
			took = true
		}
		if took {
			c.setupSources = append(c.setupSources, e.Name)
		}
	}
}

// errSetupNoSource: the setup file has an entry for a source the
// configuration does not have.
var errSetupNoSource = errors.New("the configuration has no source of this name; its setup entry is unused")

// setupWarning is a part of the setup file that a load left out.
type setupWarning struct {
	Source  string
	Setting string // "" for the whole entry
	Value   string
	Err     error
}

// String says what was left out and why, for -check-config.
func (w setupWarning) String() string {
	if w.Setting == "" {
		return fmt.Sprintf("source %q: %v", w.Source, w.Err)
	}
	return fmt.Sprintf("source %q: %s = %s left out, the configuration file's is used: %v", w.Source, w.Setting, w.Value, w.Err)
}

// warnSetup logs what the load left out of the setup file, each part once.
func (c *Config) warnSetup(log *slog.Logger) {
	for _, w := range c.setupWarnings {
		if w.Setting == "" {
			log.Warn("setup file names a source the configuration does not have; its entry is unused",
				"file", c.setupPath(), "source", w.Source)
			continue
		}
		log.Warn("setup file setting left out; the configuration file's is used",
			"file", c.setupPath(), "source", w.Source, w.Setting, w.Value, "err", w.Err)
	}
}

// with returns the setup file with source's entry replaced.
func (sf *setupFile) with(e setupEntry) *setupFile {
	out := &setupFile{}
	for _, old := range sf.Sources {
		if old.Name != e.Name {
			out.Sources = append(out.Sources, old)
		}
	}
	out.Sources = append(out.Sources, e)
	slices.SortFunc(out.Sources, func(a, b setupEntry) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// encode writes the setup file's TOML, with a header saying what it is.
func (sf *setupFile) encode() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("# Saved by scannerd from the setup page (scanctl setup): each source's\n" +
		"# region of interest and symbologies, over those of the configuration\n" +
		"# file. Delete a [[source]] table to go back to the configured settings.\n\n")
	enc := toml.NewEncoder(&buf)
	enc.SetArraysMultiline(false)
	if err := enc.Encode(sf); err != nil {
		return nil, fmt.Errorf("encode setup file: %w", err)
	}
	return buf.Bytes(), nil
}

// writeFileAtomic replaces path with data: written to a temporary file in
// the same directory, synced, renamed over path, and the directory
// synced, so that a crash leaves the old file or the new one, never half
// of one.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // fails harmlessly once renamed
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
