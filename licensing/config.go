package licensing

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/scannerd/scannerd/internal/conf"
	"github.com/scannerd/scannerd/licensing/wire"
)

// Config is the [license] table of the scannerd configuration. Either an LTS
// (lts_url, lts_keys, handshake_code) or an offline license file is needed
// for the device to decode.
type Config struct {
	// StateDir holds the licensing store (licensing.db, mode 0600): device
	// identity, authorization, counters and pending usage reports.
	StateDir string
	// LTSURL is the base URL of the License Tracking Server ("https://…").
	LTSURL string
	// LTSURLs are more URLs of the same LTS (its replicas), tried in turn
	// when one cannot be reached.
	LTSURLs []string
	// LTSKeys are the pinned LTS keys ("lts1:…", from "ltsd pin"); replies
	// must be signed by one of them. Several allow a key rotation.
	LTSKeys []string
	// LTSCertSHA256 pins the LTS TLS certificate ("sha256:…", from
	// "ltsd pin"), for self-signed certificates. Empty: verify the
	// certificate against LTSCAFile or the system roots.
	LTSCertSHA256 string
	// LTSCAFile is a PEM file of CA certificates to verify the LTS with.
	LTSCAFile string
	// HandshakeCode names the customer's license configuration on the LTS.
	HandshakeCode string
	// Password is the session password of the handshake code, if it has one.
	// Prefer PasswordFile.
	Password string
	// PasswordFile holds the session password (first line).
	PasswordFile string
	// Domain is the domain the device reports for domain binding.
	Domain string
	// OfflineLicense is a vendor-signed license file bound to this device's
	// UUID. When set, the device never contacts an LTS.
	OfflineLicense string
	// VendorKeys verify the offline license ("ed25519:…").
	VendorKeys []string
	// ReportInterval is how often usage is reported to the LTS.
	ReportInterval Duration
	// RetryMax caps the back-off between failed attempts to reach the LTS.
	RetryMax Duration
	// RequestTimeout bounds one request to the LTS.
	RequestTimeout Duration
	// MachineIDFile is read to derive the device UUID; when it is missing a
	// random UUID is made once and kept in the store.
	MachineIDFile string
	// MarkFile is the rollback mark, kept outside the state directory so
	// that a copy of the state directory put back is noticed. Default:
	// licensing.mark in a directory beside StateDir named after it with
	// "-mark" (/var/lib/scannerd-mark/licensing.mark).
	MarkFile string
	// UnmeteredUploads asks that the images uploaded through the local API
	// go unmetered. It takes effect only while the license grants the
	// unmetered_uploads feature; otherwise uploads are metered and the
	// license status says why (see UploadMetering).
	UnmeteredUploads bool
	// MeterSync is when a delivered result's count is forced to disk:
	// MeterSyncSecond (the default) or MeterSyncDelivery.
	MeterSync string
}

// The values of meter_sync. A count is written before its result is
// delivered either way, so scannerd dying or being killed at any moment
// loses none; they differ in what a power cut (or a crash of the whole
// system) may lose.
const (
	// MeterSyncSecond forces counts to disk within a second: a power cut
	// may lose the counts of the results delivered in the last second.
	MeterSyncSecond = "second"
	// MeterSyncDelivery forces each count to disk (fdatasync) before its
	// result is delivered: a power cut loses none, for about twenty times
	// the CPU per delivery (README, Speed).
	MeterSyncDelivery = "delivery"
)

// Duration is a time.Duration written as a Go duration string ("5m").
type Duration = conf.Duration

// Defaults of Config.
const (
	DefaultStateDir       = "/var/lib/scannerd"
	DefaultReportInterval = 5 * time.Minute
	DefaultRetryMax       = 10 * time.Minute
	DefaultRequestTimeout = 30 * time.Second
	DefaultMachineIDFile  = "/etc/machine-id"
)

// DefaultConfig returns a Config with every default filled in.
func DefaultConfig() Config {
	return Config{
		StateDir: DefaultStateDir, ReportInterval: Duration(DefaultReportInterval),
		RetryMax: Duration(DefaultRetryMax), RequestTimeout: Duration(DefaultRequestTimeout),
		MachineIDFile: DefaultMachineIDFile, MeterSync: MeterSyncSecond,
	}
}

func (c *Config) withDefaults() {
	d := DefaultConfig()
	if c.StateDir == "" {
		c.StateDir = d.StateDir
	}
	if c.ReportInterval == 0 {
		c.ReportInterval = d.ReportInterval
	}
	if c.RetryMax == 0 {
		c.RetryMax = d.RetryMax
	}
	if c.RequestTimeout == 0 {
		c.RequestTimeout = d.RequestTimeout
	}
	if c.MachineIDFile == "" {
		c.MachineIDFile = d.MachineIDFile
	}
	if c.MeterSync == "" {
		c.MeterSync = d.MeterSync
	}
}

// Mode says how the device is licensed.
type Mode string

// The licensing modes.
const (
	ModeLTS          Mode = "lts"
	ModeOffline      Mode = "offline_license"
	ModeUnconfigured Mode = "unconfigured"
)

// Mode returns how a valid config licenses the device.
func (c *Config) Mode() Mode {
	switch {
	case c.OfflineLicense != "":
		return ModeOffline
	case c.LTSURL != "" || len(c.LTSURLs) > 0 || c.HandshakeCode != "" || len(c.LTSKeys) > 0:
		return ModeLTS
	}
	return ModeUnconfigured
}

// Validate checks the config, the way scannerd -check-config reports it.
func (c *Config) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrConfig}, args...)...)
	}
	if c.OfflineLicense != "" && (c.LTSURL != "" || len(c.LTSURLs) > 0 || c.HandshakeCode != "") {
		return bad("set either offline_license or lts_url/handshake_code, not both")
	}
	for _, d := range []struct {
		key    string
		v      Duration
		lo, hi time.Duration
	}{
		{"report_interval", c.ReportInterval, 10 * time.Second, 24 * time.Hour},
		{"retry_max", c.RetryMax, time.Second, 24 * time.Hour},
		{"request_timeout", c.RequestTimeout, time.Second, 10 * time.Minute},
	} {
		if d.v != 0 && (d.v.D() < d.lo || d.v.D() > d.hi) {
			return &conf.KeyError{Key: d.key, Err: bad("%v is outside %v to %v", d.v, d.lo, d.hi)}
		}
	}
	if c.MeterSync != "" && c.MeterSync != MeterSyncSecond && c.MeterSync != MeterSyncDelivery {
		return &conf.KeyError{Key: "meter_sync", Err: bad("%q is neither %q nor %q", c.MeterSync, MeterSyncSecond, MeterSyncDelivery)}
	}
	switch c.Mode() {
	case ModeOffline:
		if len(c.VendorKeys) == 0 {
			return bad("offline_license needs vendor_keys")
		}
		if _, err := c.vendorKeys(); err != nil {
			return &conf.KeyError{Key: "vendor_keys", Err: bad("vendor_keys: %v", err)}
		}
	case ModeLTS:
		if c.LTSURL == "" && len(c.LTSURLs) == 0 {
			return bad("lts_url is empty")
		}
		for _, u := range c.ltsURLs() {
			if !strings.HasPrefix(u, "https://") {
				key := "lts_urls"
				if u == c.LTSURL {
					key = "lts_url"
				}
				return &conf.KeyError{Key: key, Err: bad("LTS URL %q must be an https:// URL", u)}
			}
		}
		if len(c.LTSKeys) == 0 {
			return bad("lts_keys is empty: pin the LTS key printed by \"ltsd pin\"")
		}
		if _, err := c.ltsKeys(); err != nil {
			return &conf.KeyError{Key: "lts_keys", Err: bad("lts_keys: %v", err)}
		}
		if c.HandshakeCode == "" {
			return bad("handshake_code is empty")
		}
		if c.LTSCertSHA256 != "" && !strings.HasPrefix(c.LTSCertSHA256, "sha256:") {
			return &conf.KeyError{Key: "lts_cert_sha256", Err: bad("lts_cert_sha256 %q must start with sha256:", c.LTSCertSHA256)}
		}
		if c.Password != "" && c.PasswordFile != "" {
			return &conf.KeyError{Key: "password_file", Err: bad("set password or password_file, not both")}
		}
	}
	return nil
}

func (c *Config) ltsKeys() ([]wire.LTSKey, error) { return wire.ParseLTSKeys(c.LTSKeys) }

// ltsURLs returns lts_url and then lts_urls, each once.
func (c *Config) ltsURLs() []string {
	var out []string
	for _, u := range append([]string{c.LTSURL}, c.LTSURLs...) {
		if u != "" && !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	return out
}

func (c *Config) vendorKeys() ([]wire.VendorKey, error) { return wire.ParseVendorKeys(c.VendorKeys) }

func (c *Config) password() (string, error) {
	if c.PasswordFile == "" {
		return c.Password, nil
	}
	b, err := os.ReadFile(c.PasswordFile)
	if err != nil {
		return "", fmt.Errorf("read password_file: %w", err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimRight(line, "\r"), nil
}
