// Package client is the Go client of scannerd's local socket API, shared
// by scanctl, the tests and kiosk applications written in Go.
//
// Errors from the daemon come back as *Error, which unwraps to the api
// package's error for its code, so callers branch with
// errors.Is(err, api.ErrTimeout) and the like; a daemon that cannot be
// reached gives an error wrapping ErrUnreachable.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/internal/backoff"
)

// DefaultSocket is where scannerd listens unless configured otherwise.
const DefaultSocket = "/run/scannerd/scannerd.sock"

// ErrUnreachable: nothing answers on the socket (no daemon, wrong path,
// or no permission to connect).
var ErrUnreachable = errors.New("scannerd is not reachable")

// Error is an error response from the daemon.
type Error struct {
	Status  int    // HTTP status
	Code    string // stable code, e.g. "timeout", "forbidden"
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s (%s)", e.Message, e.Code)
}

// Unwrap returns the api package's error for the code.
func (e *Error) Unwrap() error { return api.ErrorForCode(e.Code) }

// Client talks to one daemon socket. It is safe for concurrent use.
type Client struct {
	socket string
	hc     *http.Client
	// pause waits before attempt to connect to a full listen queue again,
	// and reports whether ctx is still alive (tests count the attempts).
	pause func(ctx context.Context, attempt int) bool
}

// New returns a client for the socket at path ("" for DefaultSocket).
func New(socket string) *Client {
	if socket == "" {
		socket = DefaultSocket
	}
	retry := backoff.Policy{Min: time.Millisecond, Max: 100 * time.Millisecond}
	c := &Client{socket: socket, pause: retry.Sleep}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return c.dial(ctx)
		},
		MaxIdleConns:          4,
		IdleConnTimeout:       30 * time.Second,
		ResponseHeaderTimeout: 0, // scans and streams wait for as long as asked
		DisableCompression:    true,
	}
	c.hc = &http.Client{Transport: tr}
	return c
}

// dialAttempts bounds the attempts to connect to a full listen queue:
// with pauses of 1, 2, … 64 ms, then 100 ms, about 2 s in all.
const dialAttempts = 27

// dial connects to the socket. connect(2) on a Unix socket whose listen
// queue is full fails at once with EAGAIN instead of waiting its turn (a
// flood of connections by another client does that); the connection is
// retried with growing pauses, for about 2 s or until ctx ends.
func (c *Client) dial(ctx context.Context) (net.Conn, error) {
	var d net.Dialer
	for attempt := 1; ; attempt++ {
		conn, err := d.DialContext(ctx, "unix", c.socket)
		if err == nil || !errors.Is(err, syscall.EAGAIN) || attempt == dialAttempts {
			return conn, err
		}
		if !c.pause(ctx, attempt) {
			return nil, ctx.Err()
		}
	}
}

// Socket returns the socket path the client dials.
func (c *Client) Socket() string { return c.socket }

// Close releases idle connections.
func (c *Client) Close() error {
	c.hc.CloseIdleConnections()
	return nil
}

// Filter selects results by symbology names ("QR_CODE") and source names;
// empty lists select all.
type Filter struct {
	Symbologies []string
	Sources     []string
}

func (f Filter) addTo(q url.Values) {
	if len(f.Symbologies) > 0 {
		q.Set("symbology", strings.Join(f.Symbologies, ","))
	}
	if len(f.Sources) > 0 {
		q.Set("source", strings.Join(f.Sources, ","))
	}
}

// request sends a request and returns the response of a 2xx status; any
// other status is turned into *Error.
func (c *Client) request(ctx context.Context, method, path string, q url.Values, body io.Reader, header http.Header) (*http.Response, error) {
	u := "http://scannerd" + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		var op *net.OpError
		if errors.As(err, &op) && op.Op == "dial" {
			return nil, fmt.Errorf("%w at %s: %w", ErrUnreachable, c.socket, op.Err)
		}
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if resp.StatusCode/100 == 2 {
		return resp, nil
	}
	defer resp.Body.Close()
	return nil, readError(resp)
}

func readError(resp *http.Response) error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var eb api.ErrorBody
	if json.Unmarshal(b, &eb) == nil && eb.Error.Code != "" {
		return &Error{Status: resp.StatusCode, Code: eb.Error.Code, Message: eb.Error.Message}
	}
	msg := strings.TrimSpace(string(b))
	if msg == "" {
		msg = http.StatusText(resp.StatusCode)
	}
	return &Error{Status: resp.StatusCode, Code: "internal", Message: msg}
}

// getJSON decodes a 2xx JSON response into v.
func (c *Client) do(ctx context.Context, method, path string, q url.Values, body io.Reader, header http.Header, v any) error {
	resp, err := c.request(ctx, method, path, q, body, header)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return fmt.Errorf("%s %s: decode response: %w", method, path, err)
	}
	return nil
}

// Health checks that the daemon answers.
func (c *Client) Health(ctx context.Context) error {
	var h api.Health
	return c.do(ctx, http.MethodGet, "/v1/health", nil, nil, nil, &h)
}

// Status returns the daemon's state.
func (c *Client) Status(ctx context.Context) (api.Status, error) {
	var st api.Status
	err := c.do(ctx, http.MethodGet, "/v1/status", nil, nil, nil, &st)
	return st, err
}

// Results returns the results still held in memory after the cursor
// since (0: all of them) and the cursor for the next call.
func (c *Client) Results(ctx context.Context, since uint64, f Filter) (api.Results, error) {
	q := url.Values{}
	if since > 0 {
		q.Set("since", strconv.FormatUint(since, 10))
	}
	f.addTo(q)
	var res api.Results
	err := c.do(ctx, http.MethodGet, "/v1/results", q, nil, nil, &res)
	return res, err
}

// ScanOptions shape a Scan.
type ScanOptions struct {
	Filter
	// Timeout is how long the daemon waits (0: its default, 10 s unless
	// configured).
	Timeout time.Duration
}

// Scan waits for the next barcode the daemon delivers, as a kiosk's "scan
// now" button does. When none comes in time the error wraps
// api.ErrTimeout.
func (c *Client) Scan(ctx context.Context, opts ScanOptions) (api.Result, error) {
	q := url.Values{}
	if opts.Timeout > 0 {
		q.Set("timeout", opts.Timeout.String())
	}
	opts.Filter.addTo(q)
	var r api.Result
	err := c.do(ctx, http.MethodPost, "/v1/scan", q, nil, nil, &r)
	return r, err
}

// DecodeOptions shape a Decode.
type DecodeOptions struct {
	// Symbologies to look for, e.g. "QR_CODE,EAN_13"; empty: those on by
	// default; "all": every one.
	Symbologies string
	// TryHarder searches more thoroughly (slower).
	TryHarder bool
	// EANAddOn is "read" (default when empty), "require" or "ignore": what
	// to do with EAN-2/EAN-5 add-ons.
	EANAddOn string
	// MSICheck names the check digit scheme MSI Plessey symbols must pass
	// ("mod10", …); empty checks nothing.
	MSICheck string
	// TelepenNumeric reads Telepen symbols as starting in numeric mode.
	TelepenNumeric bool
	// ContentType of the image; empty sends application/octet-stream and
	// lets the daemon recognise the format.
	ContentType string
}

// Decode has the daemon decode an image file (PNG, JPEG, GIF or BMP) with
// its engine. The daemon meters what it reads.
func (c *Client) Decode(ctx context.Context, image io.Reader, opts DecodeOptions) (api.Decoded, error) {
	q := url.Values{}
	if opts.Symbologies != "" {
		q.Set("symbologies", opts.Symbologies)
	}
	if opts.TryHarder {
		q.Set("try_harder", "true")
	}
	if opts.EANAddOn != "" {
		q.Set("ean_addon", opts.EANAddOn)
	}
	if opts.MSICheck != "" {
		q.Set("msi_check", opts.MSICheck)
	}
	if opts.TelepenNumeric {
		q.Set("telepen_numeric", "true")
	}
	ct := opts.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	var d api.Decoded
	err := c.do(ctx, http.MethodPost, "/v1/decode", q, image, http.Header{"Content-Type": {ct}}, &d)
	return d, err
}

// License returns the daemon's license document.
func (c *Client) License(ctx context.Context) (json.RawMessage, error) {
	var doc json.RawMessage
	err := c.do(ctx, http.MethodGet, "/v1/license", nil, nil, nil, &doc)
	return doc, err
}

// Sync has the daemon sync with its License Tracking Server now and
// returns the license document afterwards. Admin only.
func (c *Client) Sync(ctx context.Context) (json.RawMessage, error) {
	var doc json.RawMessage
	err := c.do(ctx, http.MethodPost, "/v1/license/sync", nil, nil, nil, &doc)
	return doc, err
}

// DebugExport returns the debug image export's settings and counters.
// Admin only.
func (c *Client) DebugExport(ctx context.Context) (api.DebugExportState, error) {
	var st api.DebugExportState
	err := c.do(ctx, http.MethodGet, "/v1/debug/export", nil, nil, nil, &st)
	return st, err
}

// SetDebugExport changes the debug image export's settings and returns
// them as applied, with their defaults. Admin only.
func (c *Client) SetDebugExport(ctx context.Context, s api.DebugExportSettings) (api.DebugExportState, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return api.DebugExportState{}, err
	}
	var st api.DebugExportState
	err = c.do(ctx, http.MethodPut, "/v1/debug/export", nil, bytes.NewReader(b), http.Header{"Content-Type": {"application/json"}}, &st)
	return st, err
}

// Metrics returns the Prometheus text exposition.
func (c *Client) Metrics(ctx context.Context) (string, error) {
	resp, err := c.request(ctx, http.MethodGet, "/metrics", nil, nil, nil)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}
