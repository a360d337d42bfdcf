package main

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/scannerd/scannerd/internal/conf"
	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/wire"
)

// Config is the ltsd configuration file (TOML), which packaging/ltsd.toml
// documents: the file's schema, read here and turned into the plain
// options of the lts packages (lts.ServerOptions, console.Options).
// Relative paths are relative to the directory of the file.
type Config struct {
	// Listen is the address of the HTTPS listener.
	Listen string `toml:"listen"`
	// URL is where devices reach the server ("https://lts.example.com:8443"),
	// printed for device configs; empty means https:// and Listen.
	URL string `toml:"url"`
	// TLSCert and TLSKey are the PEM certificate (chain) and key files.
	TLSCert string `toml:"tls_cert"`
	TLSKey  string `toml:"tls_key"`
	// Key is the LTS key pair file (PEM): the Ed25519 signing key and the
	// X25519 key requests are sealed to. Devices pin its public half.
	Key string `toml:"key"`
	// Store is where the records are kept: the [store] table ("store =
	// FILE" is short for its path, "store = "postgres://…"" for its url).
	Store StoreConfig `toml:"store"`
	// VendorKeys are the public keys ("ed25519:…") that license files must
	// be signed with.
	VendorKeys []string `toml:"vendor_keys"`
	// AdminTokenFile holds the bearer token of the admin API; empty disables it.
	AdminTokenFile string `toml:"admin_token_file"`
	// Console configures the admin console on the admin listener.
	Console ConsoleConfig `toml:"console"`
	// AdminListen, when set, is the address of a second HTTPS listener
	// (same certificate) that serves the admin API and /metrics apart from
	// devices. Without it both are on Listen, /metrics behind the token.
	AdminListen string `toml:"admin_listen"`
	// MaxClockSkew is how far a device clock may be from the LTS clock when
	// it asks for authorization.
	MaxClockSkew Duration `toml:"max_clock_skew"`
	// PasswordAttempts failed attempts per handshake code and per source
	// address (IPv6: per /64) within PasswordWindow block further attempts
	// until the window passes.
	PasswordAttempts int      `toml:"password_attempts"`
	PasswordWindow   Duration `toml:"password_window"`
	// LogLevel is debug, info, warn or error.
	LogLevel string `toml:"log_level"`

	dir string
}

// ConsoleConfig is the [console] table: the admin console that the admin
// listener serves under /console/.
type ConsoleConfig struct {
	// Disabled turns the console off.
	Disabled bool `toml:"disabled"`
	// WebhookURL receives alerts (JSON POSTs) when set.
	WebhookURL string `toml:"webhook_url"`
	// WebhookSecretFile holds the key that signs each alert POST.
	WebhookSecretFile string `toml:"webhook_secret_file"`
	// SessionLifetime is how long a sign-in lasts (default 12h).
	SessionLifetime Duration `toml:"session_lifetime"`
}

// WebhookSecret reads the alert webhook's signing key ("" when unset).
func (c Config) WebhookSecret() ([]byte, error) {
	if c.Console.WebhookSecretFile == "" {
		return nil, nil
	}
	b, err := os.ReadFile(c.Path(c.Console.WebhookSecretFile))
	if err != nil {
		return nil, fmt.Errorf("[console] webhook_secret_file: %w", err)
	}
	return []byte(strings.TrimSpace(string(b))), nil
}

// StoreConfig is the [store] table: where the LTS keeps its records.
type StoreConfig struct {
	// Path is the bbolt file, for one ltsd: the default.
	Path string `toml:"path"`
	// URL, when set, is a PostgreSQL database ("postgres://…") that any
	// number of ltsd replicas share; Path is then unused.
	URL string `toml:"url"`
}

// UnmarshalText reads the short forms: "store = FILE" for [store] path,
// and "store = "postgres://…"" for [store] url.
func (s *StoreConfig) UnmarshalText(b []byte) error {
	if v := string(b); isPostgresURL(v) {
		s.URL = v
	} else {
		s.Path = v
	}
	return nil
}

func isPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Postgres reports whether the store is a PostgreSQL database.
func (s StoreConfig) Postgres() bool { return s.URL != "" }

// Duration is a time.Duration written as a string with a unit ("15m",
// "168h"); a bare number is refused.
type Duration = conf.Duration

// defaultConfig returns the defaults, with paths relative to dir: the
// layout lts.Init writes.
func defaultConfig(dir string) Config {
	return Config{
		Listen: lts.DefaultListen, TLSCert: lts.TLSCertFile, TLSKey: lts.TLSKeyFile, Key: lts.KeyFile,
		Store: StoreConfig{Path: lts.StoreFile}, AdminTokenFile: lts.AdminTokenFile,
		MaxClockSkew: Duration(lts.DefaultMaxClockSkew), PasswordAttempts: lts.DefaultPasswordAttempts,
		PasswordWindow: Duration(lts.DefaultPasswordWindow), LogLevel: "info", dir: dir,
	}
}

// LoadConfig reads a config file over the defaults. Unknown keys, values
// of the wrong kind and values out of range are errors naming the key and
// its line.
func LoadConfig(path string) (Config, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return Config{}, err
	}
	data, err := conf.ReadFile(abs)
	if err != nil {
		return Config{}, fmt.Errorf("read config: %w", err)
	}
	return ParseConfig(path, data, filepath.Dir(abs))
}

// ParseConfig parses config file contents over the defaults; relative paths
// will resolve against dir. name labels errors (the file's path).
func ParseConfig(name string, data []byte, dir string) (Config, error) {
	c := defaultConfig(dir)
	f, err := conf.Decode(name, data, &c)
	if err != nil {
		return Config{}, err
	}
	if err := f.Locate(c.validate()); err != nil {
		return Config{}, err
	}
	return c, nil
}

// validate checks what decoding cannot.
func (c *Config) validate() error {
	if _, err := c.Vendors(); err != nil {
		return conf.InTable("vendor_keys", err)
	}
	for _, k := range []struct {
		key   string
		empty bool
	}{{"listen", c.Listen == ""}, {"store", c.Store.Path == "" && c.Store.URL == ""}, {"key", c.Key == ""}} {
		if k.empty {
			return conf.Keyf(k.key, "must not be empty")
		}
	}
	if u := c.Store.URL; u != "" && !isPostgresURL(u) {
		return conf.Keyf("store.url", "must be a postgres:// URL")
	}
	return conf.First(
		c.checkURL(),
		conf.Within("max_clock_skew", c.MaxClockSkew, Duration(time.Second), Duration(24*time.Hour)),
		conf.Within("password_attempts", c.PasswordAttempts, 1, 1000),
		conf.Within("password_window", c.PasswordWindow, Duration(time.Second), Duration(24*time.Hour)),
	)
}

// checkURL refuses a device URL other than https://HOST[:PORT].
func (c *Config) checkURL() error {
	if c.URL == "" {
		return nil
	}
	if u, err := url.Parse(c.URL); err != nil || u.Scheme != "https" || u.Host == "" {
		return conf.Keyf("url", "%q: want https://HOST[:PORT]", c.URL)
	}
	return nil
}

// DeviceURL returns the URL devices reach the server at: URL when set,
// else https:// and the listen address, with this machine's host name in
// place of an address that listens on every interface.
func (c Config) DeviceURL() string {
	if c.URL != "" {
		return c.URL
	}
	host, port, err := net.SplitHostPort(c.Listen)
	if err != nil {
		return "https://" + c.Listen
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
		if name, err := os.Hostname(); err == nil && name != "" {
			host = name
		}
	}
	return "https://" + net.JoinHostPort(host, port)
}

// Path resolves a path of the config relative to its directory.
func (c Config) Path(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.dir, p)
}

// Vendors parses the vendor keys.
func (c Config) Vendors() ([]wire.VendorKey, error) { return wire.ParseVendorKeys(c.VendorKeys) }

// LoadKey reads the LTS key pair.
func (c Config) LoadKey() (wire.LTSPrivateKey, error) {
	data, err := os.ReadFile(c.Path(c.Key))
	if err != nil {
		return wire.LTSPrivateKey{}, fmt.Errorf("read LTS key: %w", err)
	}
	return wire.ParseLTSPrivateKeyPEM(data)
}

// AdminToken reads the admin token; empty when no token file is configured.
func (c Config) AdminToken() (string, error) {
	if c.AdminTokenFile == "" {
		return "", nil
	}
	b, err := os.ReadFile(c.Path(c.AdminTokenFile))
	if err != nil {
		return "", fmt.Errorf("read admin token: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// TLSConfig loads the certificate and returns a TLS 1.2+ server config.
func (c Config) TLSConfig() (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(c.Path(c.TLSCert), c.Path(c.TLSKey))
	if err != nil {
		return nil, fmt.Errorf("load TLS certificate: %w", err)
	}
	return &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}, nil
}
