package main

import (
	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/capture"
	"github.com/scannerd/scannerd/internal/conf"
	"github.com/scannerd/scannerd/licensing"
	"github.com/scannerd/scannerd/sink"
)

// configFile is the schema of scannerd's configuration file: every table
// and key, by its toml tag; packaging/scannerd.toml documents them. The
// tables the library packages consume mirror the packages' option types
// field for field, so each converts to its type directly (a field added
// to one and not the other fails to compile); the packages' Validate
// methods check the values and name the keys.
type configFile struct {
	Log         logTable         `toml:"log"`
	Engine      engineTable      `toml:"engine"`
	Dedup       dedupTable       `toml:"dedup"`
	DebugExport debugExportTable `toml:"debug_export"`
	Setup       setupTable       `toml:"setup"`
	API         apiTable         `toml:"api"`
	Sources     []sourceTable    `toml:"source"`
	License     licenseTable     `toml:"license"`
	Sinks       []sinkTable      `toml:"sink"`
}

// config converts the file's tables to the daemon's configuration.
func (f *configFile) config() *Config {
	c := &Config{
		Log:         f.Log,
		Engine:      f.Engine,
		Dedup:       f.Dedup,
		DebugExport: f.DebugExport,
		Setup:       f.Setup,
		API:         api.Config(f.API),
		License:     licensing.Config(f.License),
	}
	for _, s := range f.Sources {
		c.Sources = append(c.Sources, capture.Spec(s))
	}
	for _, s := range f.Sinks {
		c.Sinks = append(c.Sinks, s.spec())
	}
	return c
}

// logTable is [log].
type logTable struct {
	Level  string `toml:"level"`
	Format string `toml:"format"`
}

// engineTable is [engine].
type engineTable struct {
	Workers    int           `toml:"workers"`
	Queue      int           `toml:"queue"`
	StuckAfter conf.Duration `toml:"stuck_after"`
	GCPercent  int           `toml:"gc_percent"`
}

// dedupTable is [dedup].
type dedupTable struct {
	Forget        conf.Duration `toml:"forget"`
	ConfirmFrames int           `toml:"confirm_frames"`
}

// debugExportTable is [debug_export].
type debugExportTable struct {
	// Root is the directory debug export directories must be inside.
	Root string `toml:"root"`
}

// setupTable is [setup].
type setupTable struct {
	// File keeps the settings saved from the setup page; default
	// setup.toml in the license's state_dir.
	File string `toml:"file"`
}

// apiTable is [api]: api.Config, whose fields document the keys.
type apiTable struct {
	Socket                string        `toml:"socket"`
	SocketMode            string        `toml:"socket_mode"`
	SocketGroup           string        `toml:"socket_group"`
	AdminGroup            string        `toml:"admin_group"`
	ResultTTL             conf.Duration `toml:"result_ttl"`
	MaxHeldResults        int           `toml:"max_held_results"`
	Heartbeat             conf.Duration `toml:"heartbeat"`
	SubscriberBuffer      int           `toml:"subscriber_buffer"`
	MaxSubscribers        int           `toml:"max_subscribers"`
	MaxScans              int           `toml:"max_scans"`
	MaxSubscribersPerPeer int           `toml:"max_subscribers_per_peer"`
	LagLimit              conf.Duration `toml:"lag_limit"`
	WriteTimeout          conf.Duration `toml:"write_timeout"`
	ReadHeaderTimeout     conf.Duration `toml:"read_header_timeout"`
	BodyTimeout           conf.Duration `toml:"body_timeout"`
	IdleTimeout           conf.Duration `toml:"idle_timeout"`
	MaxHeaderBytes        int           `toml:"max_header_bytes"`
	MaxBodyBytes          int64         `toml:"max_body_bytes"`
	MaxImagePixels        int64         `toml:"max_image_pixels"`
	MaxDecodes            int           `toml:"max_decodes"`
	MaxUploadMemory       int64         `toml:"max_upload_memory"`
	Uploads               string        `toml:"uploads"`
	UploadRate            float64       `toml:"upload_rate"`
	UploadBurst           int           `toml:"upload_burst"`
	ScanTimeout           conf.Duration `toml:"scan_timeout"`
	MaxScanTimeout        conf.Duration `toml:"max_scan_timeout"`
	MetricsListen         string        `toml:"metrics_listen"`
}

// sourceTable is a [[source]]: capture.Spec, whose fields document the
// keys.
type sourceTable struct {
	Name           string             `toml:"name"`
	URL            string             `toml:"url"`
	Width          int                `toml:"width"`
	Height         int                `toml:"height"`
	FPS            float64            `toml:"fps"`
	FourCC         string             `toml:"fourcc"`
	Loop           bool               `toml:"loop"`
	Realtime       bool               `toml:"realtime"`
	Properties     map[string]float64 `toml:"properties"`
	AfterRead      string             `toml:"after_read"`
	Symbologies    conf.List          `toml:"symbologies"`
	TryHarder      bool               `toml:"try_harder"`
	TryInverted    bool               `toml:"try_inverted"`
	TryRotated     *bool              `toml:"try_rotated"`
	EANAddOn       string             `toml:"ean_addon"`
	MSICheck       string             `toml:"msi_check"`
	TelepenNumeric bool               `toml:"telepen_numeric"`
	DPM            bool               `toml:"dpm"`
	Region         []int              `toml:"region"`
	Adaptive       *bool              `toml:"adaptive"`
	FrameBudget    string             `toml:"frame_budget"`
	Rescan         string             `toml:"rescan"`
}

// licenseTable is [license]: licensing.Config, whose fields document the
// keys.
type licenseTable struct {
	StateDir         string        `toml:"state_dir"`
	LTSURL           string        `toml:"lts_url"`
	LTSURLs          []string      `toml:"lts_urls"`
	LTSKeys          []string      `toml:"lts_keys"`
	LTSCertSHA256    string        `toml:"lts_cert_sha256"`
	LTSCAFile        string        `toml:"lts_ca_file"`
	HandshakeCode    string        `toml:"handshake_code"`
	Password         string        `toml:"password"`
	PasswordFile     string        `toml:"password_file"`
	Domain           string        `toml:"domain"`
	OfflineLicense   string        `toml:"offline_license"`
	VendorKeys       []string      `toml:"vendor_keys"`
	ReportInterval   conf.Duration `toml:"report_interval"`
	RetryMax         conf.Duration `toml:"retry_max"`
	RequestTimeout   conf.Duration `toml:"request_timeout"`
	MachineIDFile    string        `toml:"machine_id_file"`
	MarkFile         string        `toml:"mark_file"`
	UnmeteredUploads bool          `toml:"unmetered_uploads"`
	MeterSync        string        `toml:"meter_sync"`
}

// sinkTable is a [[sink]]: sink.Spec, whose fields document the keys.
type sinkTable struct {
	Name        string        `toml:"name"`
	Sources     []string      `toml:"sources"`
	Symbologies conf.List     `toml:"symbologies"`
	Text        string        `toml:"text"`
	Format      string        `toml:"format"`
	Template    string        `toml:"template"`
	Queue       *int          `toml:"queue"` // nil: the default; 0 set is refused
	RetryMin    conf.Duration `toml:"retry_min"`
	RetryMax    conf.Duration `toml:"retry_max"`

	Webhook *webhookTable `toml:"webhook"`
	MQTT    *mqttTable    `toml:"mqtt"`
	Serial  *serialTable  `toml:"serial"`
}

// spec converts the table to the sink package's spec.
func (t *sinkTable) spec() sink.Spec {
	return sink.Spec{
		Name:        t.Name,
		Sources:     t.Sources,
		Symbologies: t.Symbologies,
		Text:        t.Text,
		Format:      t.Format,
		Template:    t.Template,
		Queue:       deref(t.Queue),
		RetryMin:    t.RetryMin,
		RetryMax:    t.RetryMax,
		Webhook:     (*sink.WebhookSpec)(t.Webhook),
		MQTT:        (*sink.MQTTSpec)(t.MQTT),
		Serial:      (*sink.SerialSpec)(t.Serial),
	}
}

// webhookTable is [sink.webhook]: sink.WebhookSpec.
type webhookTable struct {
	URL        string        `toml:"url"`
	Secret     string        `toml:"secret"`
	SecretFile string        `toml:"secret_file"`
	CAFile     string        `toml:"ca_file"`
	Timeout    conf.Duration `toml:"timeout"`
}

// mqttTable is [sink.mqtt]: sink.MQTTSpec.
type mqttTable struct {
	Broker       string        `toml:"broker"`
	ClientID     string        `toml:"client_id"`
	Username     string        `toml:"username"`
	Password     string        `toml:"password"`
	PasswordFile string        `toml:"password_file"`
	CAFile       string        `toml:"ca_file"`
	QoS          int           `toml:"qos"`
	Topic        string        `toml:"topic"`
	Retain       bool          `toml:"retain"`
	StatusTopic  string        `toml:"status_topic"`
	KeepAlive    conf.Duration `toml:"keep_alive"`
	Timeout      conf.Duration `toml:"timeout"`
}

// serialTable is [sink.serial]: sink.SerialSpec.
type serialTable struct {
	Device   string        `toml:"device"`
	Baud     int           `toml:"baud"`
	Parity   string        `toml:"parity"`
	DataBits int           `toml:"data_bits"`
	StopBits int           `toml:"stop_bits"`
	Prefix   string        `toml:"prefix"`
	Suffix   *string       `toml:"suffix"`
	RTSCTS   bool          `toml:"rtscts"`
	Timeout  conf.Duration `toml:"timeout"`
}

// deref is *p, or zero when p is nil.
func deref[T any](p *T) T {
	var v T
	if p != nil {
		v = *p
	}
	return v
}
