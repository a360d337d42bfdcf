package sink

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"text/template"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// mqttSchemes are the broker URL schemes, and whether each uses TLS.
var mqttSchemes = map[string]bool{"tcp": false, "mqtt": false, "ssl": true, "tls": true, "mqtts": true}

// Status payloads, retained on the status topic.
const (
	StatusOnline  = "online"
	StatusOffline = "offline"
)

const (
	defaultTopic       = "scannerd/{{.Source}}/{{.Symbology}}"
	defaultMQTTTimeout = 10 * time.Second
	defaultKeepAlive   = 30 * time.Second
)

// mqttSink publishes each payload and, at QoS 1, waits for the broker's
// acknowledgement before the next, so results arrive in order. It
// reconnects itself (with the sink's backoff) rather than through the
// client library, so that a result lost with a connection is retried from
// the sink's queue, in its place. The library's session store is in
// memory: nothing reaches the disk.
type mqttSink struct {
	opts        *mqtt.ClientOptions
	shown       string
	qos         byte
	retain      bool
	topic       *template.Template
	statusTopic string
	timeout     time.Duration
	host        string
	log         *slog.Logger

	client mqtt.Client   // nil while not connected
	attn   chan struct{} // a token when the connection needs tending
}

var (
	_ transport = (*mqttSink)(nil)
	_ tender    = (*mqttSink)(nil)
)

func newMQTT(m *MQTTSpec, env *Env, log *slog.Logger) (*mqttSink, error) {
	password, err := readSecret("password", m.Password, m.PasswordFile)
	if err != nil {
		return nil, err
	}
	u, _ := url.Parse(m.Broker)
	topicText := m.Topic
	if topicText == "" {
		topicText = defaultTopic
	}
	topic, err := parseTemplate("topic", topicText)
	if err != nil {
		return nil, err
	}
	clientID := m.ClientID
	if clientID == "" {
		clientID = "scannerd-" + env.Host
	}
	statusTopic := m.StatusTopic
	if statusTopic == "" {
		statusTopic = "scannerd/" + strings.NewReplacer("/", "_", "+", "_", "#", "_").Replace(clientID) + "/status"
	}
	timeout := m.Timeout.Or(defaultMQTTTimeout)
	opts := mqtt.NewClientOptions().
		AddBroker(m.Broker).
		SetClientID(clientID).
		SetProtocolVersion(4).
		SetCleanSession(true).
		SetAutoReconnect(false).
		SetConnectRetry(false).
		SetOrderMatters(true).
		SetStore(mqtt.NewMemoryStore()).
		SetKeepAlive(m.KeepAlive.Or(defaultKeepAlive)).
		SetConnectTimeout(timeout).
		SetWriteTimeout(timeout).
		SetWill(statusTopic, StatusOffline, 1, true)
	if m.Username != "" {
		opts.SetUsername(m.Username).SetPassword(string(password))
	}
	if mqttSchemes[u.Scheme] {
		tlsConfig, err := clientTLS(m.CAFile)
		if err != nil {
			return nil, err
		}
		opts.SetTLSConfig(tlsConfig)
	}
	s := &mqttSink{
		opts: opts, shown: (&url.URL{Scheme: u.Scheme, Host: u.Host}).String(),
		qos: byte(m.QoS), retain: m.Retain, topic: topic, statusTopic: statusTopic, timeout: timeout,
		host: env.Host, log: log, attn: make(chan struct{}, 1),
	}
	opts.SetConnectionLostHandler(func(_ mqtt.Client, err error) {
		log.Warn("mqtt connection lost", "broker", s.shown, "err", err)
		s.poke()
	})
	s.poke() // connect at start: the status topic says "online" at once
	return s, nil
}

func (s *mqttSink) poke() {
	select {
	case s.attn <- struct{}{}:
	default:
	}
}

func (s *mqttSink) attention() <-chan struct{} { return s.attn }

func (s *mqttSink) tend(ctx context.Context) error {
	if s.client != nil && s.client.IsConnectionOpen() {
		return nil
	}
	s.drop()
	if err := s.connect(ctx); err != nil {
		s.poke()
		return err
	}
	return nil
}

func (s *mqttSink) target() string { return s.shown }

func (s *mqttSink) send(ctx context.Context, it *Item, payload []byte) error {
	if s.client == nil || !s.client.IsConnectionOpen() {
		s.drop()
		if err := s.connect(ctx); err != nil {
			return err
		}
	}
	var topic strings.Builder
	if err := s.topic.Execute(&limitedWriter{w: &topic, left: MaxPayload}, topicFields(fieldsOf(it, s.host))); err != nil {
		return lost(fmt.Errorf("topic: %w", err))
	}
	err := s.wait(ctx, s.client.Publish(topic.String(), s.qos, s.retain, payload))
	switch {
	case err == nil:
		return nil
	case s.qos == 0 && !errors.Is(err, mqtt.ErrNotConnected):
		// At most once: it may have been written; it is not sent again.
		return lost(fmt.Errorf("publish: %w", err))
	}
	s.drop()
	return fmt.Errorf("publish: %w", err)
}

// connect opens a new session and publishes the retained online status.
func (s *mqttSink) connect(ctx context.Context) error {
	c := mqtt.NewClient(s.opts)
	if err := s.wait(ctx, c.Connect()); err != nil {
		c.Disconnect(0)
		return fmt.Errorf("connect %s: %w", s.shown, err)
	}
	if err := s.wait(ctx, c.Publish(s.statusTopic, 1, true, StatusOnline)); err != nil {
		c.Disconnect(0)
		return fmt.Errorf("publish status: %w", err)
	}
	s.client = c
	s.log.Info("mqtt connected", "broker", s.shown, "status_topic", s.statusTopic)
	return nil
}

// drop forgets a connection that failed.
func (s *mqttSink) drop() {
	if s.client != nil {
		s.client.Disconnect(0)
		s.client = nil
	}
}

// wait waits for a token, at most the timeout.
func (s *mqttSink) wait(ctx context.Context, tok mqtt.Token) error {
	t := time.NewTimer(s.timeout)
	defer t.Stop()
	select {
	case <-tok.Done():
		return tok.Error()
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return fmt.Errorf("no answer from the broker within %v", s.timeout)
	}
}

// close publishes the retained offline status (a clean disconnect does
// not trigger the Last Will) and disconnects.
func (s *mqttSink) close(ctx context.Context) {
	if s.client == nil {
		return
	}
	if s.client.IsConnectionOpen() {
		// Even when the drain time is up: without it the retained status
		// would stay "online".
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), min(s.timeout, 2*time.Second))
		defer cancel()
		if err := s.wait(ctx, s.client.Publish(s.statusTopic, 1, true, StatusOffline)); err != nil {
			s.log.Warn("mqtt: offline status not published", "err", err)
		}
	}
	s.client.Disconnect(250)
	s.client = nil
}
