package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

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

// Config is scannerd's configuration file; packaging/scannerd.toml
// documents every key.
type Config struct {
	Log struct {
		Level  string `toml:"level"`
		Format string `toml:"format"`
	} `toml:"log"`
	Engine struct {
		Workers    int           `toml:"workers"`
		Queue      int           `toml:"queue"`
		StuckAfter conf.Duration `toml:"stuck_after"`
	} `toml:"engine"`
	Dedup struct {
		Forget        conf.Duration `toml:"forget"`
		ConfirmFrames int           `toml:"confirm_frames"`
	} `toml:"dedup"`
	DebugExport struct {
		// Root is the directory debug export directories must be inside.
		Root string `toml:"root"`
	} `toml:"debug_export"`
	API     api.Config       `toml:"api"`
	Sources []capture.Spec   `toml:"source"`
	License licensing.Config `toml:"license"`
	Sinks   []sink.Spec      `toml:"sink"`
}

// LoadConfig reads and validates a config file. An empty path means the
// default: DefaultConfigPath when it exists, else the built-in default
// (the demo camera), so the daemon runs on a machine with no set-up.
func LoadConfig(path string) (*Config, string, error) {
	var data []byte
	name := path
	switch {
	case path != "":
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, path, fmt.Errorf("read config: %w", err)
		}
		data = b
	default:
		b, err := os.ReadFile(DefaultConfigPath)
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
	return cfg, name, err
}

// ParseConfig parses and validates config data.
func ParseConfig(name string, data []byte) (*Config, error) {
	var c Config
	if err := conf.Decode(name, data, &c); err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &c, nil
}

// Validate checks what decoding cannot.
func (c *Config) Validate() error {
	if c.Log.Level != "" {
		if _, err := logging.ParseLevel(c.Log.Level); err != nil {
			return err
		}
	}
	switch c.Log.Format {
	case "", logging.FormatAuto, logging.FormatText, logging.FormatJSON, logging.FormatJournal:
	default:
		return fmt.Errorf("log format %q: want auto, text, json or journal", c.Log.Format)
	}
	if c.Engine.Workers < 0 || c.Engine.Queue < 0 {
		return errors.New("engine: workers and queue must not be negative")
	}
	if c.Dedup.ConfirmFrames < 0 {
		return errors.New("dedup: confirm_frames must not be negative")
	}
	if r := c.DebugExport.Root; r != "" && !filepath.IsAbs(r) {
		return fmt.Errorf("debug_export: root %q must be an absolute path", r)
	}
	if err := c.API.Validate(); err != nil {
		return fmt.Errorf("api: %w", err)
	}
	if err := c.License.Validate(); err != nil {
		return fmt.Errorf("license: %w", err)
	}
	names := map[string]bool{}
	for i := range c.Sources {
		s := &c.Sources[i]
		if err := s.Validate(); err != nil {
			return fmt.Errorf("source %d: %w", i+1, err)
		}
		if names[s.Name] {
			return fmt.Errorf("source %d: the name %q is used twice", i+1, s.Name)
		}
		if strings.ContainsAny(s.Name, " \t\n/") {
			return fmt.Errorf("source %d: name %q must not contain spaces or slashes", i+1, s.Name)
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
		k := &c.Sinks[i]
		if err := k.Validate(); err != nil {
			return fmt.Errorf("sink %d: %w", i+1, err)
		}
		if sinks[k.Name] {
			return fmt.Errorf("sink %d: the name %q is used twice", i+1, k.Name)
		}
		sinks[k.Name] = true
		for _, src := range k.Sources {
			if !sources[src] {
				return fmt.Errorf("sink %q: sources: no [[source]] is named %q", k.Name, src)
			}
		}
	}
	return nil
}
