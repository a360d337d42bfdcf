package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/capture"
	"github.com/scannerd/scannerd/internal/conf"
	"github.com/scannerd/scannerd/internal/logging"
	"github.com/scannerd/scannerd/licensing"
	"github.com/scannerd/scannerd/packaging"
	"github.com/scannerd/scannerd/sink"
)

// DefaultConfigPath is where the daemon looks for its configuration.
const DefaultConfigPath = "/etc/scannerd/scannerd.toml"

// Config is scannerd's configuration, as its file (configFile, documented
// by packaging/scannerd.toml) sets it.
type Config struct {
	Log         logTable
	Engine      engineTable
	Dedup       dedupTable
	DebugExport debugExportTable
	Setup       setupTable
	API         api.Config
	Sources     []capture.Spec
	License     licensing.Config
	Sinks       []sink.Spec

	// setupSources are the sources whose region and symbologies come from
	// the setup file.
	setupSources []string
	// setupWarnings are the parts of the setup file the load left out.
	setupWarnings []setupWarning
	// file knows the lines of the file's keys, for errors found later.
	file *conf.File
}

// LoadConfig reads and validates a config file. An empty path means the
// default: DefaultConfigPath when it exists, else the built-in default
// (the demo camera), so the daemon runs on a machine with no set-up. Only
// a regular file is read: a FIFO or a device is refused without waiting.
func LoadConfig(path string) (*Config, string, error) {
	return loadConfig(path, nil)
}

// loadConfig is LoadConfig with setup file data in place of the file's
// when setup is not nil.
func loadConfig(path string, setup []byte) (*Config, string, error) {
	var data []byte
	name := path
	switch {
	case path != "":
		b, err := conf.ReadFile(path)
		if err != nil {
			return nil, path, fmt.Errorf("read config: %w", err)
		}
		data = b
	default:
		b, err := conf.ReadFile(DefaultConfigPath)
		switch {
		case err == nil:
			data, name = b, DefaultConfigPath
		case errors.Is(err, os.ErrNotExist):
			data, name = packaging.DefaultScannerdConfig, "built-in default"
		default:
			return nil, DefaultConfigPath, fmt.Errorf("read config: %w", err)
		}
	}
	cfg, err := ParseConfig(name, data)
	if err != nil {
		return nil, name, err
	}
	if setup == nil {
		if setup, err = cfg.readSetup(); err != nil {
			return nil, name, err
		}
	}
	if err := cfg.layerSetup(setup); err != nil {
		return nil, name, err
	}
	return cfg, name, nil
}

// layerSetup applies setup file data over the configuration and checks
// the result as the configuration is checked.
func (c *Config) layerSetup(data []byte) error {
	if data == nil {
		return nil
	}
	path := c.setupPath()
	sf, err := parseSetupFile(path, data)
	if err != nil {
		return err
	}
	c.applySetup(sf)
	if err := c.Validate(); err != nil {
		return fmt.Errorf("setup file %s: %w", path, err)
	}
	return nil
}

// ParseConfig parses and validates config data: both -check-config and
// every reload go through it, so a file that passes the check is one the
// daemon runs with. Errors name the key and its line.
func ParseConfig(name string, data []byte) (*Config, error) {
	var file configFile
	f, err := conf.Decode(name, data, &file)
	if err != nil {
		return nil, err
	}
	for i, k := range file.Sinks {
		if k.Queue != nil && *k.Queue == 0 {
			// 0 is the sink package's "default"; written out, it is a mistake.
			return nil, f.Locate(conf.Keyf(fmt.Sprintf("sink[%d].queue", i+1), "0: want 1 to %d (leave queue out for %d)", sink.MaxQueue, sink.DefaultQueue))
		}
	}
	c := file.config()
	c.file = f
	if err := f.Locate(c.Validate()); err != nil {
		return nil, err
	}
	return c, nil
}

// Limits of the [engine] and [dedup] tables.
const (
	maxWorkers       = 256
	maxQueue         = 256 // live video wants the newest frame: a long queue only holds memory
	maxGCPercent     = 1000
	maxConfirmFrames = 100
)

// Validate checks what decoding cannot; its errors are conf.KeyErrors
// where a key is to blame.
func (c *Config) Validate() error {
	if c.Log.Level != "" {
		if _, err := logging.ParseLevel(c.Log.Level); err != nil {
			return conf.Keyf("log.level", "%v", err)
		}
	}
	switch c.Log.Format {
	case "", logging.FormatAuto, logging.FormatText, logging.FormatJSON, logging.FormatJournal:
	default:
		return conf.Keyf("log.format", "%q: want auto, text, json or journal", c.Log.Format)
	}
	if err := conf.First(
		conf.Within("engine.workers", c.Engine.Workers, 0, maxWorkers),
		conf.Within("engine.queue", c.Engine.Queue, 0, maxQueue),
		optional("engine.stuck_after", c.Engine.StuckAfter, 100*time.Millisecond, time.Hour),
		conf.Within("engine.gc_percent", c.Engine.GCPercent, 0, maxGCPercent),
		conf.Within("dedup.forget", c.Dedup.Forget, 0, conf.Duration(24*time.Hour)),
		conf.Within("dedup.confirm_frames", c.Dedup.ConfirmFrames, 0, maxConfirmFrames),
	); err != nil {
		return err
	}
	if f := c.Setup.File; f != "" && !filepath.IsAbs(f) {
		return conf.Keyf("setup.file", "%q must be an absolute path", f)
	}
	if r := c.DebugExport.Root; r != "" && !filepath.IsAbs(r) {
		return conf.Keyf("debug_export.root", "%q must be an absolute path", r)
	}
	if err := c.API.Validate(); err != nil {
		return conf.InTable("api", err)
	}
	if err := c.License.Validate(); err != nil {
		return conf.InTable("license", err)
	}
	names := map[string]bool{}
	for i := range c.Sources {
		s, table := &c.Sources[i], fmt.Sprintf("source[%d]", i+1)
		if err := s.Validate(); err != nil {
			return conf.InTable(table, err)
		}
		if names[s.Name] {
			return conf.Keyf(table+".name", "%q is used by an earlier source", s.Name)
		}
		if strings.ContainsAny(s.Name, " \t\n/") {
			return conf.Keyf(table+".name", "%q must not contain spaces or slashes", s.Name)
		}
		names[s.Name] = true
	}
	return c.validateSinks(names)
}

// CheckFiles reads the files the configuration names that Validate leaves
// alone (the sinks' secret and CA files), for -check-config: a file the
// daemon could not read is found before it starts.
func (c *Config) CheckFiles() error {
	for i := range c.Sinks {
		if err := c.Sinks[i].CheckFiles(); err != nil {
			err = conf.InTable(fmt.Sprintf("sink[%d]", i+1), err)
			if c.file != nil {
				return c.file.Locate(err)
			}
			return err
		}
	}
	return nil
}

// validateSinks checks the [[sink]] tables: each valid, names unique, and
// every source a filter names configured (a typo would silently select
// nothing).
func (c *Config) validateSinks(sources map[string]bool) error {
	sinks := map[string]bool{}
	for i := range c.Sinks {
		k, table := &c.Sinks[i], fmt.Sprintf("sink[%d]", i+1)
		if err := k.Validate(); err != nil {
			return conf.InTable(table, err)
		}
		if sinks[k.Name] {
			return conf.Keyf(table+".name", "%q is used twice", k.Name)
		}
		sinks[k.Name] = true
		for _, src := range k.Sources {
			if !sources[src] {
				return conf.Keyf(table+".sources", "no [[source]] is named %q", src)
			}
		}
	}
	return nil
}

// optional checks a duration where zero means the default.
func optional(key string, d conf.Duration, lo, hi time.Duration) error {
	if d == 0 {
		return nil
	}
	return conf.Within(key, d, conf.Duration(lo), conf.Duration(hi))
}
