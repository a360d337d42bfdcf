package sink

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"text/template"
	"text/template/parse"
	"time"

	"github.com/scannerd/scannerd/internal/backoff"
	"github.com/scannerd/scannerd/internal/conf"
	"github.com/scannerd/scannerd/scanner"
)

// Spec describes one sink, as a [[sink]] table of the daemon's config:
// which results it takes, how it writes them, and exactly one of the
// webhook, mqtt and serial tables saying where they go.
type Spec struct {
	// Name identifies the sink in status, metrics and events.
	Name string
	// Sources, when not empty, takes only results from these sources.
	Sources []string
	// Symbologies, when not empty, takes only these symbologies: a list
	// as for a source, an array or a comma-separated string, with "all",
	// "default" and "-NAME" (see scanner.ParseSymbologySet). Empty takes
	// every symbology: unlike a source's empty list it does not mean the
	// default ones, which would drop the results of a symbology a source
	// reads only because it names it (CODE_11, MICRO_PDF_417, …).
	Symbologies conf.List
	// Text, when set, takes only results whose text matches this regular
	// expression (RE2 syntax, unanchored).
	Text string
	// Format is "json" (the API's result object; the default for webhook
	// and mqtt) or "template" (Template's output; the default for serial).
	Format string
	// Template is a Go text/template over Fields, for the template format.
	Template string
	// Queue bounds the results waiting for delivery; results that do not
	// fit are dropped, counted and announced.
	Queue int
	// RetryMin and RetryMax bound the backoff between attempts while the
	// target fails.
	RetryMin conf.Duration
	RetryMax conf.Duration

	Webhook *WebhookSpec
	MQTT    *MQTTSpec
	Serial  *SerialSpec
}

// Formats.
const (
	FormatJSON     = "json"
	FormatTemplate = "template"
)

// Kinds of sink, as Status reports them.
const (
	KindWebhook = "webhook"
	KindMQTT    = "mqtt"
	KindSerial  = "serial"
)

// Defaults and bounds.
const (
	DefaultQueue    = 1000
	MaxQueue        = 1_000_000
	DefaultRetryMin = 500 * time.Millisecond
	DefaultRetryMax = 30 * time.Second
	// MaxPayload bounds one payload a template writes.
	MaxPayload = 64 << 10
)

// WebhookSpec posts each result to an HTTPS endpoint.
type WebhookSpec struct {
	// URL must be https://, or http:// to a loopback address.
	URL string
	// Secret keys the HMAC-SHA256 signature header; SecretFile holds it
	// instead (first line), so the config may stay world-readable.
	Secret     string
	SecretFile string
	// CAFile holds the CA certificates (PEM) the endpoint's certificate
	// must chain to; empty uses the system's.
	CAFile string
	// Timeout bounds one request.
	Timeout conf.Duration
}

// MQTTSpec publishes each result to an MQTT broker.
type MQTTSpec struct {
	// Broker is tcp://host:port or mqtt://… (plain), ssl://, tls:// or
	// mqtts://… (TLS).
	Broker string
	// ClientID defaults to "scannerd-" and the host name.
	ClientID string
	Username string
	// Password, or PasswordFile holding it (first line).
	Password     string
	PasswordFile string
	// CAFile holds the CA certificates (PEM) for a TLS broker.
	CAFile string
	// QoS is 0 (at most once) or 1 (at least once).
	QoS int
	// Topic is a text/template over Fields; / + # in the fields become _.
	Topic string
	// Retain publishes results retained.
	Retain bool
	// StatusTopic gets a retained "online" while connected and "offline"
	// (the Last Will, or on stop). Defaults to scannerd/CLIENT_ID/status.
	StatusTopic string
	// KeepAlive is the MQTT keep-alive interval.
	KeepAlive conf.Duration
	// Timeout bounds connecting and waiting for a publish acknowledgement.
	Timeout conf.Duration
}

// SerialSpec writes each result to a serial port (RS-232, USB CDC).
type SerialSpec struct {
	// Device is the TTY's path, e.g. /dev/ttyUSB0 or /dev/serial/by-id/….
	Device string
	// Baud is the line speed (default 9600).
	Baud int
	// Parity is "none" (default), "even" or "odd".
	Parity string
	// DataBits is 7 or 8 (default), StopBits 1 (default) or 2.
	DataBits int
	StopBits int
	// Prefix and Suffix frame each payload; Suffix defaults to "\r\n"
	// (suffix = "" writes none).
	Prefix string
	Suffix *string
	// RTSCTS turns on hardware flow control.
	RTSCTS bool
	// Timeout bounds writing one result (a port held by flow control).
	Timeout conf.Duration
}

// Kind returns webhook, mqtt or serial: the one table the spec has.
func (s *Spec) Kind() string {
	switch {
	case s.Webhook != nil:
		return KindWebhook
	case s.MQTT != nil:
		return KindMQTT
	case s.Serial != nil:
		return KindSerial
	}
	return ""
}

// Validate checks a spec without opening anything: names, filters,
// templates, URLs and bounds. The daemon's -check-config and reload both
// run it.
func (s *Spec) Validate() error {
	if s.Name == "" {
		return errors.New("name is empty")
	}
	if strings.ContainsAny(s.Name, " \t\n/") {
		return fmt.Errorf("name %q must not contain spaces or slashes", s.Name)
	}
	n := 0
	for _, set := range []bool{s.Webhook != nil, s.MQTT != nil, s.Serial != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return fmt.Errorf("sink %q: want exactly one of [sink.webhook], [sink.mqtt] and [sink.serial], found %d", s.Name, n)
	}
	if err := s.validate(); err != nil {
		return fmt.Errorf("sink %q: %w", s.Name, err)
	}
	return nil
}

// CheckFiles reads what starting the sink reads: its secret or password
// file and its CA file. Validate does not, so that a config can be checked
// away from its device; scannerd -check-config runs both.
//
// Its errors are conf.KeyErrors naming the key of the file (e.g.
// webhook.secret_file), so that the daemon can point at its line.
func (s *Spec) CheckFiles() error {
	check := func(table, secret, value, file, caFile string) error {
		if _, err := readSecret(secret, value, file); err != nil {
			return &conf.KeyError{Key: table + "." + secret + "_file", Err: fmt.Errorf("sink %q: %w", s.Name, err)}
		}
		if caFile == "" {
			return nil
		}
		if _, err := clientTLS(caFile); err != nil {
			return &conf.KeyError{Key: table + ".ca_file", Err: fmt.Errorf("sink %q: %w", s.Name, err)}
		}
		return nil
	}
	switch {
	case s.Webhook != nil:
		return check("webhook", "secret", s.Webhook.Secret, s.Webhook.SecretFile, s.Webhook.CAFile)
	case s.MQTT != nil:
		return check("mqtt", "password", s.MQTT.Password, s.MQTT.PasswordFile, s.MQTT.CAFile)
	}
	return nil
}

func (s *Spec) validate() error {
	if _, err := s.filter(); err != nil {
		return err
	}
	if _, err := s.payload(); err != nil {
		return err
	}
	if s.Queue < 0 || s.Queue > MaxQueue {
		return atKey("queue", fmt.Errorf("queue %d: want 1 to %d (0: %d)", s.Queue, MaxQueue, DefaultQueue))
	}
	if p := s.retry(); p.Min < time.Millisecond || p.Max < p.Min || p.Max > time.Hour {
		key := "retry_min"
		if s.RetryMax != 0 {
			key = "retry_max"
		}
		return atKey(key, fmt.Errorf("retry_min %v, retry_max %v: want 1ms ≤ retry_min ≤ retry_max ≤ 1h", p.Min, p.Max))
	}
	switch {
	case s.Webhook != nil:
		return s.Webhook.validate()
	case s.MQTT != nil:
		return s.MQTT.validate()
	default:
		return s.Serial.validate()
	}
}

// filter compiles the spec's result filter.
func (s *Spec) filter() (filter, error) {
	f := filter{sources: slices.Clone(s.Sources)}
	for _, src := range s.Sources {
		if src == "" {
			return f, atKey("sources", errors.New("sources: an empty name"))
		}
	}
	if len(s.Symbologies) > 0 {
		syms, err := scanner.ParseSymbologyItems(s.Symbologies)
		if err != nil {
			return f, atKey("symbologies", fmt.Errorf("symbologies: %w", err))
		}
		f.syms = syms
	}
	if s.Text != "" {
		re, err := regexp.Compile(s.Text)
		if err != nil {
			return f, atKey("text", fmt.Errorf("text: %w", err))
		}
		f.text = re
	}
	return f, nil
}

// payload compiles the spec's payload format.
func (s *Spec) payload() (*payloadFormat, error) {
	format := s.Format
	if format == "" {
		format = FormatJSON
		if s.Serial != nil {
			format = FormatTemplate
		}
	}
	switch format {
	case FormatJSON:
		if s.Template != "" {
			return nil, errors.New(`template is set but format is "json": set format = "template"`)
		}
		return &payloadFormat{}, nil
	case FormatTemplate:
		text := s.Template
		if text == "" {
			if s.Serial == nil {
				return nil, errors.New(`format "template" needs a template`)
			}
			text = "{{.Text}}"
		}
		t, err := parseTemplate("template", text)
		if err != nil {
			return nil, err
		}
		return &payloadFormat{tmpl: t}, nil
	}
	return nil, fmt.Errorf("format %q: want json or template", s.Format)
}

func (s *Spec) queueSize() int {
	if s.Queue == 0 {
		return DefaultQueue
	}
	return s.Queue
}

func (s *Spec) retry() backoff.Policy {
	return backoff.Policy{Min: s.RetryMin.Or(DefaultRetryMin), Max: s.RetryMax.Or(DefaultRetryMax), Jitter: 0.2}
}

// parseTemplate parses a template and runs it once on sample fields, so
// a misspelt field is a config error, not a failure per result.
func parseTemplate(name, text string) (*template.Template, error) {
	t, err := template.New(name).Option("missingkey=error").Parse(text)
	if err != nil {
		// text/template says "template: NAME:LINE:COL: what": the key
		// names the template, the position is within it.
		msg := strings.TrimPrefix(err.Error(), "template: "+name+":")
		return nil, &conf.KeyError{Key: name, Err: fmt.Errorf("at %s", msg)}
	}
	// A range over a number, or templates calling each other, could keep
	// a sink busy for a long time per result; Fields has nothing to range
	// over anyway.
	if len(t.Templates()) > 1 || loops(t.Tree.Root) {
		return nil, &conf.KeyError{Key: name, Err: errors.New("range, define, block and template are not allowed")}
	}
	var sample strings.Builder
	if err := t.Execute(&sample, sampleFields()); err != nil {
		msg := strings.TrimPrefix(err.Error(), "template: "+name+":")
		return nil, &conf.KeyError{Key: name, Err: fmt.Errorf("at %s", msg)}
	}
	return t, nil
}

// loops reports whether a template tree holds a range or calls a template.
func loops(n parse.Node) bool {
	switch n := n.(type) {
	case *parse.RangeNode, *parse.TemplateNode:
		return true
	case *parse.ListNode:
		return n != nil && slices.ContainsFunc(n.Nodes, loops)
	case *parse.IfNode:
		return loops(n.List) || loops(n.ElseList)
	case *parse.WithNode:
		return loops(n.List) || loops(n.ElseList)
	}
	return false
}

func (w *WebhookSpec) validate() error {
	u, err := url.Parse(w.URL)
	if err != nil || u.Host == "" {
		return atKey("webhook.url", fmt.Errorf("webhook url %q: want https://host/path", w.URL))
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return atKey("webhook.url", fmt.Errorf("webhook url %q: plain http only to a loopback address; use https", w.URL))
		}
	default:
		return atKey("webhook.url", fmt.Errorf("webhook url %q: want https://host/path", w.URL))
	}
	if u.User != nil {
		return atKey("webhook.url", errors.New("webhook url: no credentials in the URL; results are signed with secret or secret_file"))
	}
	if err := secretKeys("secret", w.Secret, w.SecretFile); err != nil {
		return conf.InTable("webhook", err)
	}
	return conf.InTable("webhook", checkFile("ca_file", w.CAFile))
}

func (m *MQTTSpec) validate() error {
	u, err := url.Parse(m.Broker)
	if err != nil || u.Host == "" || u.Port() == "" {
		return atKey("mqtt.broker", fmt.Errorf("mqtt broker %q: want tcp://host:port or mqtts://host:port", m.Broker))
	}
	if _, ok := mqttSchemes[u.Scheme]; !ok {
		return atKey("mqtt.broker", fmt.Errorf("mqtt broker %q: scheme %q: want tcp, mqtt, ssl, tls or mqtts", m.Broker, u.Scheme))
	}
	if u.User != nil {
		return atKey("mqtt.broker", errors.New("mqtt broker: put the user in username and the password in password_file, not in the URL"))
	}
	if m.QoS != 0 && m.QoS != 1 {
		return atKey("mqtt.qos", fmt.Errorf("mqtt qos %d: want 0 or 1", m.QoS))
	}
	if strings.ContainsRune(m.ClientID, 0) {
		return atKey("mqtt.client_id", errors.New("mqtt client_id holds a NUL"))
	}
	if m.Topic != "" {
		if _, err := parseTemplate("topic", m.Topic); err != nil {
			return conf.InTable("mqtt", err)
		}
	}
	if strings.ContainsAny(m.StatusTopic, "+#\x00") {
		return atKey("mqtt.status_topic", fmt.Errorf("mqtt status_topic %q: no wildcards", m.StatusTopic))
	}
	if err := secretKeys("password", m.Password, m.PasswordFile); err != nil {
		return conf.InTable("mqtt", err)
	}
	if (m.Password != "" || m.PasswordFile != "") && m.Username == "" {
		return atKey("mqtt.username", errors.New("mqtt password without a username"))
	}
	return conf.InTable("mqtt", checkFile("ca_file", m.CAFile))
}

func (p *SerialSpec) validate() error {
	if !filepath.IsAbs(p.Device) {
		return atKey("serial.device", fmt.Errorf("serial device %q: want an absolute path such as /dev/ttyUSB0", p.Device))
	}
	if _, ok := baudRates[p.baud()]; !ok {
		return atKey("serial.baud", fmt.Errorf("serial baud %d: want one of %s", p.Baud, baudList()))
	}
	switch p.Parity {
	case "", "none", "even", "odd":
	default:
		return atKey("serial.parity", fmt.Errorf("serial parity %q: want none, even or odd", p.Parity))
	}
	if p.DataBits != 0 && p.DataBits != 7 && p.DataBits != 8 {
		return atKey("serial.data_bits", fmt.Errorf("serial data_bits %d: want 7 or 8", p.DataBits))
	}
	if p.StopBits != 0 && p.StopBits != 1 && p.StopBits != 2 {
		return atKey("serial.stop_bits", fmt.Errorf("serial stop_bits %d: want 1 or 2", p.StopBits))
	}
	return nil
}

func secretKeys(key, value, file string) error {
	if value != "" && file != "" {
		return atKey(key+"_file", fmt.Errorf("set %s or %s_file, not both", key, key))
	}
	return checkFile(key+"_file", file)
}

func checkFile(key, path string) error {
	if path != "" && !filepath.IsAbs(path) {
		return atKey(key, fmt.Errorf("%s %q must be an absolute path", key, path))
	}
	return nil
}

// atKey places a validation error at the key of the sink's table that it
// is about ("webhook.url"), so that the daemon names that key's line of the
// config file rather than the [[sink]] line.
func atKey(key string, err error) error { return &conf.KeyError{Key: key, Err: err} }

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
