package api

import (
	"fmt"
	"strconv"
	"time"

	"github.com/scannerd/scannerd/internal/conf"
)

// Config configures the socket server. The daemon reads it as the [api]
// table of its TOML configuration; zero values take the defaults listed in
// docs/api.md and DefaultConfig.
type Config struct {
	// Socket is the path of the Unix socket the server creates when no
	// listener is passed by systemd.
	Socket string `toml:"socket"`
	// SocketMode is the octal permission of a socket the server creates.
	// Connecting needs write permission, so 0660 admits the owner and the
	// socket group.
	SocketMode string `toml:"socket_mode"`
	// SocketGroup owns a socket the server creates; its members may use the
	// read endpoints. "none" keeps the daemon's own group.
	SocketGroup string `toml:"socket_group"`
	// AdminGroup's members (by primary or supplementary group) may use the
	// admin endpoints, as may uid 0. "none": only root. A group that does
	// not exist on the system also leaves only root.
	AdminGroup string `toml:"admin_group"`

	// ResultTTL is how long delivered results stay in memory for
	// /v1/results and event replay; they are purged afterwards.
	ResultTTL Duration `toml:"result_ttl"`
	// MaxHeldResults bounds the results held in memory, oldest purged first.
	MaxHeldResults int `toml:"max_held_results"`

	// Heartbeat is the interval of the keep-alive comment on event streams.
	Heartbeat Duration `toml:"heartbeat"`
	// SubscriberBuffer is how many events may wait for one slow
	// subscriber; beyond it the oldest are dropped and it is told how many.
	SubscriberBuffer int `toml:"subscriber_buffer"`
	// MaxSubscribers bounds event streams and waiting scans together.
	MaxSubscribers int `toml:"max_subscribers"`
	// LagLimit disconnects a subscriber whose buffer has kept overflowing
	// for this long without it catching up.
	LagLimit Duration `toml:"lag_limit"`
	// WriteTimeout bounds one write to a client (one event, one response).
	WriteTimeout Duration `toml:"write_timeout"`

	// ReadHeaderTimeout bounds reading a request's headers: a client that
	// trickles them (slow-loris) gets 408 header_timeout and is cut off.
	ReadHeaderTimeout Duration `toml:"read_header_timeout"`
	// BodyTimeout bounds reading an uploaded image.
	BodyTimeout Duration `toml:"body_timeout"`
	// IdleTimeout closes keep-alive connections idle for this long.
	IdleTimeout Duration `toml:"idle_timeout"`
	// MaxHeaderBytes bounds a request's header block.
	MaxHeaderBytes int `toml:"max_header_bytes"`

	// MaxBodyBytes bounds an uploaded image file.
	MaxBodyBytes int64 `toml:"max_body_bytes"`
	// MaxImagePixels bounds an uploaded image's width × height, checked on
	// its header before decoding.
	MaxImagePixels int64 `toml:"max_image_pixels"`
	// MaxDecodes bounds uploads decoded at once; more get 429 busy.
	MaxDecodes int `toml:"max_decodes"`

	// ScanTimeout is how long POST /v1/scan waits without ?timeout=.
	ScanTimeout Duration `toml:"scan_timeout"`
	// MaxScanTimeout is the longest ?timeout= accepted.
	MaxScanTimeout Duration `toml:"max_scan_timeout"`
}

// DefaultConfig returns the configuration used for every key left unset.
func DefaultConfig() Config {
	return Config{
		Socket:            "/run/scannerd/scannerd.sock",
		SocketMode:        "0660",
		SocketGroup:       "scannerd",
		AdminGroup:        "scannerd-admin",
		ResultTTL:         Duration(30 * time.Second),
		MaxHeldResults:    10000,
		Heartbeat:         Duration(15 * time.Second),
		SubscriberBuffer:  256,
		MaxSubscribers:    64,
		LagLimit:          Duration(10 * time.Second),
		WriteTimeout:      Duration(10 * time.Second),
		ReadHeaderTimeout: Duration(5 * time.Second),
		BodyTimeout:       Duration(30 * time.Second),
		IdleTimeout:       Duration(60 * time.Second),
		MaxHeaderBytes:    64 << 10,
		MaxBodyBytes:      16 << 20,
		MaxImagePixels:    25_000_000,
		MaxDecodes:        2,
		ScanTimeout:       Duration(10 * time.Second),
		MaxScanTimeout:    Duration(5 * time.Minute),
	}
}

// NoGroup as SocketGroup or AdminGroup means no group: an empty value
// takes the default instead.
const NoGroup = "none"

// withDefaults fills zero fields from DefaultConfig.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	setString(&c.Socket, d.Socket)
	setString(&c.SocketMode, d.SocketMode)
	setString(&c.SocketGroup, d.SocketGroup)
	setString(&c.AdminGroup, d.AdminGroup)
	setPositive(&c.ResultTTL, d.ResultTTL)
	setPositive(&c.MaxHeldResults, d.MaxHeldResults)
	setPositive(&c.Heartbeat, d.Heartbeat)
	setPositive(&c.SubscriberBuffer, d.SubscriberBuffer)
	setPositive(&c.MaxSubscribers, d.MaxSubscribers)
	setPositive(&c.LagLimit, d.LagLimit)
	setPositive(&c.WriteTimeout, d.WriteTimeout)
	setPositive(&c.ReadHeaderTimeout, d.ReadHeaderTimeout)
	setPositive(&c.BodyTimeout, d.BodyTimeout)
	setPositive(&c.IdleTimeout, d.IdleTimeout)
	setPositive(&c.MaxHeaderBytes, d.MaxHeaderBytes)
	setPositive(&c.MaxBodyBytes, d.MaxBodyBytes)
	setPositive(&c.MaxImagePixels, d.MaxImagePixels)
	setPositive(&c.MaxDecodes, d.MaxDecodes)
	setPositive(&c.ScanTimeout, d.ScanTimeout)
	setPositive(&c.MaxScanTimeout, d.MaxScanTimeout)
	return c
}

func setString(v *string, def string) {
	if *v == "" {
		*v = def
	}
}

func setPositive[T int | int64 | Duration](v *T, def T) {
	if *v == 0 {
		*v = def
	}
}

// Validate reports the first setting that cannot work, after defaults.
func (c Config) Validate() error {
	c = c.withDefaults()
	if _, err := c.socketMode(); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		v    int64
	}{
		{"result_ttl", int64(c.ResultTTL)}, {"max_held_results", int64(c.MaxHeldResults)},
		{"heartbeat", int64(c.Heartbeat)}, {"subscriber_buffer", int64(c.SubscriberBuffer)},
		{"max_subscribers", int64(c.MaxSubscribers)}, {"lag_limit", int64(c.LagLimit)},
		{"write_timeout", int64(c.WriteTimeout)}, {"read_header_timeout", int64(c.ReadHeaderTimeout)},
		{"body_timeout", int64(c.BodyTimeout)}, {"idle_timeout", int64(c.IdleTimeout)},
		{"max_header_bytes", int64(c.MaxHeaderBytes)}, {"max_body_bytes", c.MaxBodyBytes},
		{"max_image_pixels", c.MaxImagePixels}, {"max_decodes", int64(c.MaxDecodes)},
		{"scan_timeout", int64(c.ScanTimeout)}, {"max_scan_timeout", int64(c.MaxScanTimeout)},
	} {
		if f.v < 0 {
			return fmt.Errorf("api config: %s must not be negative", f.name)
		}
	}
	if c.ScanTimeout > c.MaxScanTimeout {
		return fmt.Errorf("api config: scan_timeout %v exceeds max_scan_timeout %v", c.ScanTimeout, c.MaxScanTimeout)
	}
	return nil
}

func (c Config) socketMode() (uint32, error) {
	m, err := strconv.ParseUint(c.SocketMode, 8, 32)
	if err != nil || m > 0o777 {
		return 0, fmt.Errorf("api config: socket_mode %q is not an octal permission like 0660", c.SocketMode)
	}
	return uint32(m), nil
}

// Duration is a time.Duration written as a Go duration string ("15s",
// "10m") in TOML and JSON.
type Duration = conf.Duration
