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
	Socket string
	// SocketMode is the octal permission of a socket the server creates.
	// Connecting needs write permission, so 0660 admits the owner and the
	// socket group.
	SocketMode string
	// SocketGroup owns a socket the server creates; its members may use the
	// read endpoints. "none" keeps the daemon's own group.
	SocketGroup string
	// AdminGroup's members (by primary or supplementary group) may use the
	// admin endpoints, as may uid 0. "none": only root. A group that does
	// not exist on the system also leaves only root.
	AdminGroup string

	// ResultTTL is how long delivered results stay in memory for
	// /v1/results and event replay; they are purged afterwards.
	ResultTTL Duration
	// MaxHeldResults bounds the results held in memory, oldest purged first.
	MaxHeldResults int

	// Heartbeat is the interval of the keep-alive comment on event streams.
	Heartbeat Duration
	// SubscriberBuffer is how many events may wait for one slow
	// subscriber; beyond it the oldest are dropped and it is told how many.
	SubscriberBuffer int
	// MaxSubscribers bounds open event streams.
	MaxSubscribers int
	// MaxScans bounds waiting POST /v1/scan requests, apart from the
	// streams: streams that never read cannot keep a kiosk from scanning.
	MaxScans int
	// MaxSubscribersPerPeer bounds one peer's (uid's) event streams, and
	// separately its waiting scans.
	MaxSubscribersPerPeer int
	// LagLimit disconnects a subscriber whose buffer has kept overflowing
	// for this long without it catching up.
	LagLimit Duration
	// WriteTimeout bounds one write to a client (one event, one response).
	WriteTimeout Duration

	// ReadHeaderTimeout bounds reading a request's headers: a client that
	// trickles them (slow-loris) gets 408 header_timeout and is cut off.
	ReadHeaderTimeout Duration
	// BodyTimeout bounds reading an uploaded image's body; a body that
	// does not arrive in time gets 408 body_timeout.
	BodyTimeout Duration
	// IdleTimeout closes keep-alive connections idle for this long.
	IdleTimeout Duration
	// MaxHeaderBytes bounds a request's header block.
	MaxHeaderBytes int

	// MaxBodyBytes bounds an uploaded image file.
	MaxBodyBytes int64
	// MaxImagePixels bounds an uploaded image's width × height, checked on
	// its header before decoding.
	MaxImagePixels int64
	// MaxDecodes bounds the uploads received and waiting for, or in,
	// decoding; more get 429 busy. A body is read before it takes a place.
	MaxDecodes int
	// MaxUploadMemory bounds the bytes of upload bodies held in memory at
	// once, being received, waiting or decoded, and of their decodes'
	// images; beyond it uploads get 429 busy. A body takes memory as it
	// arrives, so slow clients hold next to none.
	MaxUploadMemory int64
	// Uploads says who may use POST /v1/decode: "read" (every peer that
	// may read), "admin" (admin peers only) or "off". Uploads are metered
	// like camera scans, so "admin" or "off" keeps local users outside the
	// admin group from spending the license's quota.
	Uploads string
	// UploadRate, when positive, limits each peer (uid) to this many
	// uploads a second, in bursts of UploadBurst; more get 429
	// rate_limited.
	UploadRate  float64
	UploadBurst int

	// ScanTimeout is how long POST /v1/scan waits without ?timeout=.
	ScanTimeout Duration
	// MaxScanTimeout is the longest ?timeout= accepted.
	MaxScanTimeout Duration

	// MetricsListen, when set, opens a TCP listener that serves only
	// GET /metrics, for Prometheus: "9464" or ":9464" listens on the
	// loopback address, "0.0.0.0:9464" or an interface's address beyond
	// it. Empty: off, /metrics is only on the socket.
	MetricsListen string
}

// DefaultConfig returns the configuration used for every key left unset.
func DefaultConfig() Config {
	return Config{
		Socket:                "/run/scannerd/scannerd.sock",
		SocketMode:            "0660",
		SocketGroup:           "scannerd",
		AdminGroup:            "scannerd-admin",
		ResultTTL:             Duration(30 * time.Second),
		MaxHeldResults:        10000,
		Heartbeat:             Duration(15 * time.Second),
		SubscriberBuffer:      256,
		MaxSubscribers:        64,
		MaxScans:              64,
		MaxSubscribersPerPeer: 16,
		LagLimit:              Duration(10 * time.Second),
		WriteTimeout:          Duration(10 * time.Second),
		ReadHeaderTimeout:     Duration(5 * time.Second),
		BodyTimeout:           Duration(30 * time.Second),
		IdleTimeout:           Duration(60 * time.Second),
		MaxHeaderBytes:        64 << 10,
		MaxBodyBytes:          16 << 20,
		MaxImagePixels:        25_000_000,
		MaxDecodes:            2,
		MaxUploadMemory:       64 << 20,
		Uploads:               UploadsRead,
		UploadBurst:           10,
		ScanTimeout:           Duration(10 * time.Second),
		MaxScanTimeout:        Duration(5 * time.Minute),
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
	setPositive(&c.MaxScans, d.MaxScans)
	setPositive(&c.MaxSubscribersPerPeer, d.MaxSubscribersPerPeer)
	setPositive(&c.LagLimit, d.LagLimit)
	setPositive(&c.WriteTimeout, d.WriteTimeout)
	setPositive(&c.ReadHeaderTimeout, d.ReadHeaderTimeout)
	setPositive(&c.BodyTimeout, d.BodyTimeout)
	setPositive(&c.IdleTimeout, d.IdleTimeout)
	setPositive(&c.MaxHeaderBytes, d.MaxHeaderBytes)
	setPositive(&c.MaxBodyBytes, d.MaxBodyBytes)
	setPositive(&c.MaxImagePixels, d.MaxImagePixels)
	setPositive(&c.MaxDecodes, d.MaxDecodes)
	setPositive(&c.MaxUploadMemory, d.MaxUploadMemory)
	setString(&c.Uploads, d.Uploads)
	setPositive(&c.UploadBurst, d.UploadBurst)
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

// Validate reports the first setting that cannot work, after defaults,
// as a conf.KeyError naming its key. Zero takes the default; every other
// value must lie within the limits below, which keep a typo from starving
// memory (a buffer of 10^12 events) or silencing the API (a write timeout
// of a microsecond).
func (c Config) Validate() error {
	c = c.withDefaults()
	if _, err := c.socketMode(); err != nil {
		return &conf.KeyError{Key: "socket_mode", Err: err}
	}
	const day = Duration(24 * time.Hour)
	ms100 := Duration(100 * time.Millisecond)
	if err := conf.First(
		conf.Within("result_ttl", c.ResultTTL, ms100, day),
		conf.Within("max_held_results", c.MaxHeldResults, 1, 1_000_000),
		conf.Within("heartbeat", c.Heartbeat, ms100, Duration(time.Hour)),
		conf.Within("subscriber_buffer", c.SubscriberBuffer, 1, 65536),
		conf.Within("max_subscribers", c.MaxSubscribers, 1, 4096),
		conf.Within("lag_limit", c.LagLimit, ms100, Duration(time.Hour)),
		conf.Within("write_timeout", c.WriteTimeout, ms100, Duration(time.Hour)),
		conf.Within("read_header_timeout", c.ReadHeaderTimeout, ms100, Duration(time.Hour)),
		conf.Within("body_timeout", c.BodyTimeout, ms100, Duration(time.Hour)),
		conf.Within("idle_timeout", c.IdleTimeout, Duration(time.Second), day),
		conf.Within("max_header_bytes", c.MaxHeaderBytes, 1<<10, 1<<20),
		conf.Within("max_body_bytes", c.MaxBodyBytes, 1<<10, 1<<30),
		conf.Within("max_image_pixels", c.MaxImagePixels, 1, 100_000_000),
		conf.Within("max_decodes", c.MaxDecodes, 1, 64),
		conf.Within("scan_timeout", c.ScanTimeout, ms100, day),
		conf.Within("max_scan_timeout", c.MaxScanTimeout, ms100, day),
	); err != nil {
		return err
	}
	if err := conf.First(
		conf.Within("max_scans", c.MaxScans, 1, 4096),
		conf.Within("max_subscribers_per_peer", c.MaxSubscribersPerPeer, 1, 4096),
		conf.Within("max_upload_memory", c.MaxUploadMemory, 1<<20, 1<<34),
		conf.Within("upload_burst", c.UploadBurst, 1, 1_000_000),
	); err != nil {
		return err
	}
	switch c.Uploads {
	case UploadsRead, UploadsAdmin, UploadsOff:
	default:
		return conf.Keyf("uploads", "%q: want read, admin or off", c.Uploads)
	}
	if !(c.UploadRate >= 0 && c.UploadRate <= 1e6) { // NaN too
		return conf.Keyf("upload_rate", "%v: want uploads a second from 0 (no limit) to 1e6", c.UploadRate)
	}
	if c.MaxUploadMemory < 2*c.MaxBodyBytes {
		return conf.Keyf("max_upload_memory", "%d is less than twice max_body_bytes %d: an upload of the largest size needs that much while its buffer grows", c.MaxUploadMemory, c.MaxBodyBytes)
	}
	if c.ScanTimeout > c.MaxScanTimeout {
		return conf.Keyf("scan_timeout", "%v exceeds max_scan_timeout %v", c.ScanTimeout, c.MaxScanTimeout)
	}
	if _, err := metricsAddress(c.MetricsListen); err != nil {
		return &conf.KeyError{Key: "metrics_listen", Err: err}
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
