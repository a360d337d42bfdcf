package sink

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Webhook request headers.
const (
	// HeaderTimestamp carries the Unix time (seconds) of the attempt.
	HeaderTimestamp = "X-Scannerd-Timestamp"
	// HeaderSignature carries "sha256=" and the hex HMAC-SHA256, keyed
	// with the sink's secret, of the timestamp, a dot and the body.
	HeaderSignature = "X-Scannerd-Signature"
	// HeaderResultID carries the result's API id, the same in every
	// attempt, for receivers to recognise a repeated delivery.
	HeaderResultID = "X-Scannerd-Result-Id"
)

const defaultWebhookTimeout = 5 * time.Second

// webhook posts each payload to an HTTPS endpoint, one request at a time.
type webhook struct {
	url, shown  string
	secret      []byte
	contentType string
	userAgent   string
	client      *http.Client
	clock       func() time.Time
}

var _ transport = (*webhook)(nil)

func newWebhook(w *WebhookSpec, contentType string, env *Env) (*webhook, error) {
	secret, err := readSecret("secret", w.Secret, w.SecretFile)
	if err != nil {
		return nil, err
	}
	tlsConfig, err := clientTLS(w.CAFile)
	if err != nil {
		return nil, err
	}
	timeout := w.Timeout.Or(defaultWebhookTimeout)
	tr := &http.Transport{
		// Never a proxy from the environment: results go where the
		// config says, nowhere else.
		Proxy:                 nil,
		DialContext:           (&net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       tlsConfig,
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		MaxIdleConnsPerHost:   1,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	u, _ := url.Parse(w.URL)
	shown := (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()
	return &webhook{
		url: w.URL, shown: shown, secret: secret, contentType: contentType, userAgent: env.UserAgent, clock: env.Clock,
		client: &http.Client{Transport: tr, Timeout: timeout,
			// A redirect would send results somewhere the config does not name.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
	}, nil
}

func (h *webhook) target() string { return h.shown }

func (h *webhook) send(ctx context.Context, it *Item, payload []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.url, bytes.NewReader(payload))
	if err != nil {
		return lost(err)
	}
	ts := strconv.FormatInt(h.clock().Unix(), 10)
	req.Header.Set("Content-Type", h.contentType)
	req.Header.Set("User-Agent", h.userAgent)
	req.Header.Set(HeaderTimestamp, ts)
	if it.ID != 0 {
		req.Header.Set(HeaderResultID, strconv.FormatUint(it.ID, 10))
	}
	if len(h.secret) > 0 {
		req.Header.Set(HeaderSignature, "sha256="+Sign(h.secret, ts, payload))
	}
	resp, err := h.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its URL may hold a token in the query
		}
		return fmt.Errorf("post %s: %w", h.shown, err)
	}
	// The body is drained so the connection is reused, and never logged:
	// a receiver may echo the result.
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	switch c := resp.StatusCode; {
	case c >= 200 && c < 300:
		return nil
	case c == http.StatusTooManyRequests, c == http.StatusServiceUnavailable:
		err := fmt.Errorf("post %s: HTTP %d", h.shown, c)
		if after, ok := parseRetryAfter(resp.Header.Get("Retry-After"), h.clock()); ok {
			return &retryAfterError{fmt.Errorf("%w (Retry-After %v)", err, after), after}
		}
		return err
	case c == http.StatusRequestTimeout, c == http.StatusTooEarly, c >= 500:
		return fmt.Errorf("post %s: HTTP %d", h.shown, c)
	default:
		return lost(fmt.Errorf("post %s: HTTP %d: refused, not retried", h.shown, c))
	}
}

func (h *webhook) close(context.Context) { h.client.CloseIdleConnections() }

// retryAfterError is a failed delivery whose receiver asked, with
// Retry-After on a 429 or 503, to wait at least after before the next
// attempt (the sink waits that long, but never longer than retry_max).
type retryAfterError struct {
	err   error
	after time.Duration
}

func (e *retryAfterError) Error() string { return e.err.Error() }
func (e *retryAfterError) Unwrap() error { return e.err }

// parseRetryAfter reads a Retry-After value (RFC 9110, 10.2.3): a number
// of seconds, or an HTTP-date, taken relative to now. A date in the past
// is no wait; a malformed value is ignored.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseUint(v, 10, 32); err == nil {
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// Sign returns the hex HMAC-SHA256 of timestamp "." body, keyed with
// secret: the value of HeaderSignature after "sha256=".
func Sign(secret []byte, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(timestamp))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// readSecret returns value, or the first line of file.
func readSecret(key, value, file string) ([]byte, error) {
	if file == "" {
		return []byte(value), nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read %s_file: %w", key, err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	line = strings.TrimRight(line, "\r")
	if line == "" {
		return nil, fmt.Errorf("%s_file %s: the first line is empty", key, file)
	}
	return []byte(line), nil
}

// clientTLS returns the TLS settings for connecting out: TLS 1.2 or
// newer, with the CAs of caFile when set, else the system's.
func clientTLS(caFile string) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile == "" {
		return cfg, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("read ca_file: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("ca_file %s: no PEM certificate in it", caFile)
	}
	cfg.RootCAs = pool
	return cfg, nil
}
