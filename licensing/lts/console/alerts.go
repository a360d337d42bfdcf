package console

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/bits"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Alert kinds.
const (
	AlertScanQuota     = "scan_quota"
	AlertDeviceQuota   = "device_quota"
	AlertSilentDevices = "silent_devices"
)

// alertLevels are the shares of a quota (percent) that raise an alert.
var alertLevels = [...]int{100, 80, 60}

// Alert is a quota share reached, or devices gone silent, for one
// handshake code. Outside the console (metrics, the webhook) it names the
// code's licenses and customer, never the code: devices use the code as a
// credential.
type Alert struct {
	ID       string `json:"id"` // the same for as long as the condition holds
	Kind     string `json:"kind"`
	Level    int    `json:"level"` // 60, 80 or 100 (% of quota); 100 for silent devices
	Severity string `json:"severity"`
	Licenses string `json:"licenses"`
	Customer string `json:"customer,omitempty"`
	Used     uint64 `json:"used"`
	Limit    uint64 `json:"limit,omitempty"`
	Period   string `json:"period,omitempty"`
	Message  string `json:"message"`
	Code     string `json:"-"`
}

func severity(level int) string {
	switch {
	case level >= 100:
		return "critical"
	case level >= 80:
		return "warning"
	}
	return "notice"
}

// levelOf returns the highest alert level used/limit reaches, or 0.
func levelOf(used, limit uint64) int {
	if limit == 0 {
		return 0
	}
	for _, l := range alertLevels {
		// used*100 >= l*limit, in 128 bits
		hi1, lo1 := bits.Mul64(used, 100)
		hi2, lo2 := bits.Mul64(limit, uint64(l))
		if hi1 > hi2 || hi1 == hi2 && lo1 >= lo2 {
			return l
		}
	}
	return 0
}

// alertsOf returns the alerts of one code.
func alertsOf(c *customer) []Alert {
	var out []Alert
	label := c.LicenseLabel()
	who := c.Name
	if who == "" {
		who = "licenses " + label
	}
	mk := func(kind string, level int, used, limit uint64, period, msg string) Alert {
		return Alert{
			ID: kind + "/" + label + "/" + strconv.Itoa(level) + "/" + period, Kind: kind, Level: level, Severity: severity(level),
			Licenses: label, Customer: c.Name, Used: used, Limit: limit, Period: period, Message: msg, Code: c.Code(),
		}
	}
	if l := levelOf(c.Quota.Used, c.ScanLimit); l > 0 {
		out = append(out, mk(AlertScanQuota, l, c.Quota.Used, c.ScanLimit, c.Quota.Period,
			fmt.Sprintf("%s used %s of %s scans (%.0f %%) in %s", who, formatCount(c.Quota.Used), formatCount(c.ScanLimit), c.ScanPct, c.Quota.Period)))
	}
	if l := levelOf(uint64(c.ActiveDevices), uint64(c.DeviceLimit)); l > 0 {
		out = append(out, mk(AlertDeviceQuota, l, uint64(c.ActiveDevices), uint64(c.DeviceLimit), "",
			fmt.Sprintf("%s has %d of %d device slots in use (%.0f %%)", who, c.ActiveDevices, c.DeviceLimit, c.DevicePct)))
	}
	if c.Silent > 0 {
		devices, have := "devices", "have"
		if c.Silent == 1 {
			devices, have = "device", "has"
		}
		out = append(out, mk(AlertSilentDevices, 100, uint64(c.Silent), 0, "",
			fmt.Sprintf("%d %s of %s %s not been seen for longer than the offline period (%s)", c.Silent, devices, who, have, formatDuration(c.Handshake.OfflinePeriod))))
	}
	return out
}

// AlertOptions configures the alert checks.
type AlertOptions struct {
	// Interval is how often alerts are checked (default a minute).
	Interval time.Duration
	// WebhookURL, when set, receives a JSON POST when an alert is raised
	// and when it is resolved.
	WebhookURL string
	// WebhookSecret, when set, signs each POST: X-Scannerd-Signature is
	// "sha256=" and the hex HMAC-SHA256 of X-Scannerd-Timestamp, ".", body.
	WebhookSecret []byte
	// Client posts to the webhook (default: a 10 s timeout).
	Client *http.Client
}

// DefaultAlertInterval is how often alerts are checked by default.
const DefaultAlertInterval = time.Minute

// AlertEvent is the body of a webhook POST.
type AlertEvent struct {
	Event string    `json:"event"` // "raised" or "resolved"
	At    time.Time `json:"at"`
	Alert Alert     `json:"alert"`
}

// Webhook headers (as the scannerd result sinks sign theirs).
const (
	HeaderTimestamp = "X-Scannerd-Timestamp"
	HeaderSignature = "X-Scannerd-Signature"
	HeaderAlertID   = "X-Scannerd-Alert-Id"
)

// alerter checks alerts, keeps the latest snapshot for metrics and posts
// changes to the webhook.
type alerter struct {
	st   Store
	now  func() time.Time
	log  *slog.Logger
	opts AlertOptions

	mu       sync.Mutex
	last     *snapshot
	posted   map[string]Alert // raised alerts the webhook took
	failures uint64           // webhook POSTs that failed
}

func newAlerter(st Store, now func() time.Time, log *slog.Logger, o AlertOptions) (*alerter, error) {
	if o.Interval == 0 {
		o.Interval = DefaultAlertInterval
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if o.WebhookURL != "" {
		u, err := url.Parse(o.WebhookURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, fmt.Errorf("alert webhook %q: want an http(s) URL", o.WebhookURL)
		}
	}
	return &alerter{st: st, now: now, log: log, opts: o, posted: map[string]Alert{}}, nil
}

func (a *alerter) run(ctx context.Context) {
	t := time.NewTicker(a.opts.Interval)
	defer t.Stop()
	for {
		if err := a.check(ctx); err != nil && ctx.Err() == nil {
			a.log.Error("console: check alerts", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// check takes a snapshot and posts the alerts raised and resolved since
// the last check. A POST that fails is tried again at the next check.
func (a *alerter) check(ctx context.Context) error {
	snap, err := takeSnapshot(ctx, a.st, a.now())
	if err != nil {
		return err
	}
	a.mu.Lock()
	a.last = snap
	a.mu.Unlock()
	if a.opts.WebhookURL == "" {
		return nil
	}
	current := map[string]bool{}
	var errs []error
	for _, al := range snap.Alerts {
		current[al.ID] = true
		if _, done := a.posted[al.ID]; done {
			continue
		}
		if err := a.post(ctx, "raised", al); err != nil {
			errs = append(errs, err)
			continue
		}
		a.posted[al.ID] = al
	}
	for id, al := range a.posted {
		if current[id] {
			continue
		}
		if err := a.post(ctx, "resolved", al); err != nil {
			errs = append(errs, err)
			continue
		}
		delete(a.posted, id)
	}
	return errors.Join(errs...)
}

func (a *alerter) post(ctx context.Context, event string, al Alert) error {
	body, err := json.Marshal(AlertEvent{Event: event, At: a.now().UTC(), Alert: al})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.opts.WebhookURL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	ts := strconv.FormatInt(a.now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "ltsd-console")
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderAlertID, al.ID)
	if len(a.opts.WebhookSecret) > 0 {
		mac := hmac.New(sha256.New, a.opts.WebhookSecret)
		mac.Write([]byte(ts + "."))
		mac.Write(body)
		req.Header.Set(HeaderSignature, "sha256="+hex.EncodeToString(mac.Sum(nil)))
	}
	resp, err := a.opts.Client.Do(req)
	if err == nil {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			err = fmt.Errorf("HTTP %d", resp.StatusCode)
		}
	}
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL may hold a token
		}
		a.mu.Lock()
		a.failures++
		a.mu.Unlock()
		return fmt.Errorf("alert webhook: %s %s: %w", event, al.ID, err)
	}
	a.log.Info("alert posted", "event", event, "alert", al.ID)
	return nil
}

// latest returns the last snapshot, taking one when there is none yet.
func (a *alerter) latest(ctx context.Context) (*snapshot, error) {
	a.mu.Lock()
	s := a.last
	a.mu.Unlock()
	if s != nil {
		return s, nil
	}
	s, err := takeSnapshot(ctx, a.st, a.now())
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	if a.last == nil {
		a.last = s
	}
	a.mu.Unlock()
	return s, nil
}

// AlertCollector exports the alerts of the last check as Prometheus
// metrics, labelled with license ids, never handshake codes.
type AlertCollector struct{ a *alerter }

var (
	descAlert = prometheus.NewDesc("ltsd_alert",
		"1 for each alert active at the last check: kind (scan_quota, device_quota, silent_devices), level (% of quota: 60, 80, 100), per license pool.",
		[]string{"kind", "level", "licenses"}, nil)
	descSilent = prometheus.NewDesc("ltsd_devices_silent",
		"Devices holding a slot that were not seen for longer than their offline period, per license pool.", []string{"licenses"}, nil)
	descWebhookFailures = prometheus.NewDesc("ltsd_alert_webhook_failures_total",
		"Alert webhook POSTs that failed (each is tried again at the next check).", nil, nil)
)

// Describe implements prometheus.Collector.
func (c *AlertCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descAlert
	ch <- descSilent
	ch <- descWebhookFailures
}

// Collect implements prometheus.Collector.
func (c *AlertCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := c.a.latest(ctx)
	if err != nil {
		c.a.log.Error("console metrics", "err", err)
		return
	}
	seen := map[string]bool{}
	for i := range s.Customers {
		label := s.Customers[i].LicenseLabel()
		if seen[label] {
			continue
		}
		seen[label] = true
		ch <- prometheus.MustNewConstMetric(descSilent, prometheus.GaugeValue, float64(s.Customers[i].Silent), label)
		for _, al := range s.Customers[i].Alerts {
			ch <- prometheus.MustNewConstMetric(descAlert, prometheus.GaugeValue, 1, al.Kind, strconv.Itoa(al.Level), al.Licenses)
		}
	}
	c.a.mu.Lock()
	failures := c.a.failures
	c.a.mu.Unlock()
	ch <- prometheus.MustNewConstMetric(descWebhookFailures, prometheus.CounterValue, float64(failures))
}
