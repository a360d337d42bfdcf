// Package client is the Go client of scannerd's local socket API, shared
// by scanctl, the tests and kiosk applications written in Go. It depends
// on the standard library and the wire types of package apitype alone, so
// a kiosk program that imports it pulls in nothing of the daemon.
//
//	c := client.New("") // DefaultSocket
//	for ev, err := range c.Events(ctx, client.EventsOptions{}) {
//		if err != nil {
//			log.Fatal(err) // ctx ended, or the daemon refused the request
//		}
//		if ev.Kind == client.EventResult {
//			fmt.Println(ev.Result.Symbology, ev.Result.Text)
//		}
//	}
//
// Errors from the daemon come back as *Error, which unwraps to apitype's
// error for its code, so callers branch with errors.Is(err,
// apitype.ErrTimeout) and the like; a daemon that cannot be reached gives
// an error wrapping ErrUnreachable.
package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/scannerd/scannerd/api/apitype"
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

// Unwrap returns apitype's error for the code (apitype.ErrInternal for a
// code this version does not know).
func (e *Error) Unwrap() error { return apitype.ErrorForCode(e.Code) }

// Client talks to one daemon socket. It is safe for concurrent use.
type Client struct {
	socket string
	idle   pool
	hook   func(*Exchange)
	// pause waits before attempt to connect to a full listen queue again,
	// and reports whether ctx is still alive (tests count the attempts).
	pause func(ctx context.Context, attempt int) bool
	retry retryPolicy // event stream reconnection
}

// Option changes how New sets a client up.
type Option func(*Client)

// New returns a client for the socket at path ("" for DefaultSocket).
func New(socket string, opts ...Option) *Client {
	if socket == "" {
		socket = DefaultSocket
	}
	dialRetry := retryPolicy{Min: time.Millisecond, Max: 100 * time.Millisecond}
	c := &Client{socket: socket, pause: dialRetry.Sleep, retry: defaultRetry}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Socket returns the socket path the client dials.
func (c *Client) Socket() string { return c.socket }

// Close releases idle connections.
func (c *Client) Close() error {
	c.idle.close()
	return nil
}

// addFilter adds the result filter of events, results and scans.
func addFilter(q url.Values, symbologies, sources []string) {
	if len(symbologies) > 0 {
		q.Set("symbology", strings.Join(symbologies, ","))
	}
	if len(sources) > 0 {
		q.Set("source", strings.Join(sources, ","))
	}
}

// request sends a request and returns the response of a 2xx status; any
// other status is turned into *Error.
func (c *Client) request(ctx context.Context, method, path string, q url.Values, body []byte, header textproto.MIMEHeader) (*response, error) {
	resp, err := c.roundTrip(ctx, method, path, q, body, header)
	if err != nil {
		return nil, err
	}
	if resp.status/100 == 2 {
		return resp, nil
	}
	defer resp.body.Close()
	return nil, readError(resp)
}

func readError(resp *response) error {
	b, _ := io.ReadAll(io.LimitReader(resp.body, 64<<10))
	var eb apitype.ErrorBody
	if json.Unmarshal(b, &eb) == nil && eb.Error.Code != "" {
		return &Error{Status: resp.status, Code: eb.Error.Code, Message: eb.Error.Message}
	}
	msg := strings.TrimSpace(string(b))
	if msg == "" {
		msg = fmt.Sprintf("HTTP %d", resp.status)
	}
	return &Error{Status: resp.status, Code: "internal", Message: msg}
}

// do sends a request and decodes a 2xx JSON response into v.
func (c *Client) do(ctx context.Context, method, path string, q url.Values, body []byte, header textproto.MIMEHeader, v any) error {
	resp, err := c.request(ctx, method, path, q, body, header)
	if err != nil {
		return err
	}
	defer resp.body.Close()
	if err := json.NewDecoder(resp.body).Decode(v); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%s %s: decode response: %w", method, path, err)
	}
	// Read to the end, so the connection can serve the next request.
	io.Copy(io.Discard, io.LimitReader(resp.body, 4096))
	return nil
}

// Health checks that the daemon answers.
func (c *Client) Health(ctx context.Context) error {
	var h apitype.Health
	return c.do(ctx, "GET", "/v1/health", nil, nil, nil, &h)
}

// Status returns the daemon's state: sources, engine, license summary,
// result sinks.
func (c *Client) Status(ctx context.Context) (apitype.Status, error) {
	var st apitype.Status
	err := c.do(ctx, "GET", "/v1/status", nil, nil, nil, &st)
	return st, err
}

// ResultsOptions shape a Results call.
type ResultsOptions struct {
	// Since is the cursor: only results after it (0: every result held).
	Since uint64
	// Limit returns at most this many (0: as many as are held).
	Limit int
	// Symbologies ("QR_CODE") and Sources select results; empty: all.
	Symbologies []string
	Sources     []string
}

// Results returns the results still held in memory after opts.Since and
// the cursor for the next call.
func (c *Client) Results(ctx context.Context, opts ResultsOptions) (apitype.Results, error) {
	q := url.Values{}
	if opts.Since > 0 {
		q.Set("since", strconv.FormatUint(opts.Since, 10))
	}
	if opts.Limit > 0 {
		q.Set("limit", strconv.Itoa(opts.Limit))
	}
	addFilter(q, opts.Symbologies, opts.Sources)
	var res apitype.Results
	err := c.do(ctx, "GET", "/v1/results", q, nil, nil, &res)
	return res, err
}

// ScanOptions shape a Scan.
type ScanOptions struct {
	// Symbologies ("QR_CODE") and Sources select the result waited for;
	// empty: any.
	Symbologies []string
	Sources     []string
	// Timeout is how long the daemon waits (0: its default, 10 s unless
	// configured).
	Timeout time.Duration
}

// Scan waits for the next barcode the daemon delivers, as a kiosk's "scan
// now" button does. When none comes in time the error wraps
// apitype.ErrTimeout.
func (c *Client) Scan(ctx context.Context, opts ScanOptions) (apitype.Result, error) {
	q := url.Values{}
	if opts.Timeout > 0 {
		q.Set("timeout", opts.Timeout.String())
	}
	addFilter(q, opts.Symbologies, opts.Sources)
	var r apitype.Result
	err := c.do(ctx, "POST", "/v1/scan", q, nil, nil, &r)
	return r, err
}

// DecodeOptions shape a Decode.
type DecodeOptions struct {
	// Symbologies to look for ("QR_CODE"; "all": every one); empty: those
	// on by default.
	Symbologies []string
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
	// DPM also reads Data Matrix symbols of dotted modules.
	DPM bool
	// ContentType of the image; empty sends application/octet-stream and
	// lets the daemon recognise the format.
	ContentType string
}

// Decode has the daemon decode an image file (PNG, JPEG, GIF or BMP) with
// its engine; the image is read into memory first. The daemon meters what
// it reads.
func (c *Client) Decode(ctx context.Context, image io.Reader, opts DecodeOptions) (apitype.Decoded, error) {
	data, err := io.ReadAll(image)
	if err != nil {
		return apitype.Decoded{}, fmt.Errorf("read the image: %w", err)
	}
	q := url.Values{}
	if len(opts.Symbologies) > 0 {
		q.Set("symbology", strings.Join(opts.Symbologies, ","))
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
	if opts.DPM {
		q.Set("dpm", "true")
	}
	ct := opts.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	var d apitype.Decoded
	err = c.do(ctx, "POST", "/v1/decode", q, data, textproto.MIMEHeader{"Content-Type": {ct}}, &d)
	return d, err
}

// License returns the daemon's license state. A daemon without licensing
// answers an error wrapping apitype.ErrLicenseDisabled.
func (c *Client) License(ctx context.Context) (apitype.License, error) {
	var doc apitype.License
	err := c.do(ctx, "GET", "/v1/license", nil, nil, nil, &doc)
	return doc, err
}

// Sync has the daemon sync with its License Tracking Server now and
// returns the license state afterwards. Admin only.
func (c *Client) Sync(ctx context.Context) (apitype.License, error) {
	var doc apitype.License
	err := c.do(ctx, "POST", "/v1/license/sync", nil, nil, nil, &doc)
	return doc, err
}

// DebugExport returns the debug image export's settings and counters.
// Admin only.
func (c *Client) DebugExport(ctx context.Context) (apitype.DebugExportState, error) {
	var st apitype.DebugExportState
	err := c.do(ctx, "GET", "/v1/debug/export", nil, nil, nil, &st)
	return st, err
}

// SetDebugExport changes the debug image export's settings and returns
// them as applied, with their defaults. Admin only.
func (c *Client) SetDebugExport(ctx context.Context, s apitype.DebugExportSettings) (apitype.DebugExportState, error) {
	var st apitype.DebugExportState
	err := c.putJSON(ctx, "/v1/debug/export", s, &st)
	return st, err
}

// Metrics returns the Prometheus text exposition.
func (c *Client) Metrics(ctx context.Context) (string, error) {
	resp, err := c.request(ctx, "GET", "/metrics", nil, nil, nil)
	if err != nil {
		return "", err
	}
	defer resp.body.Close()
	b, err := io.ReadAll(resp.body)
	return string(b), err
}

// maxSnapshotBytes bounds a snapshot read: a PNG of the largest frame the
// engine decodes is well below it.
const maxSnapshotBytes = 256 << 20

// Snapshot returns the next decoded frame of source as a PNG with what
// was read drawn on it (admin). timeout is how long the daemon waits for
// the frame (0: its default).
func (c *Client) Snapshot(ctx context.Context, source string, timeout time.Duration) ([]byte, error) {
	q := url.Values{"source": {source}}
	if timeout > 0 {
		q.Set("timeout", timeout.String())
	}
	return c.image(ctx, "/v1/snapshot", q)
}

// image GETs an image of at most maxSnapshotBytes.
func (c *Client) image(ctx context.Context, path string, q url.Values) ([]byte, error) {
	resp, err := c.request(ctx, "GET", path, q, nil, nil)
	if err != nil {
		return nil, err
	}
	defer resp.body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.body, maxSnapshotBytes+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("GET %s: %w", path, err)
	case len(b) > maxSnapshotBytes:
		return nil, fmt.Errorf("GET %s: more than %d bytes", path, maxSnapshotBytes)
	}
	return b, nil
}

// Preview returns the setup page's preview state. Admin only.
func (c *Client) Preview(ctx context.Context) (apitype.PreviewState, error) {
	var st apitype.PreviewState
	err := c.do(ctx, "GET", "/v1/preview", nil, nil, nil, &st)
	return st, err
}

// SetPreview switches the preview on (for s.Duration, 10 minutes when 0)
// or off. Admin only.
func (c *Client) SetPreview(ctx context.Context, s apitype.PreviewSettings) (apitype.PreviewState, error) {
	var st apitype.PreviewState
	err := c.putJSON(ctx, "/v1/preview", s, &st)
	return st, err
}

// PreviewFrame returns the next decoded frame of source as a JPEG with
// what was read drawn on it, while the preview is on (apitype.ErrPreviewOff
// otherwise). Admin only.
func (c *Client) PreviewFrame(ctx context.Context, source string) ([]byte, error) {
	return c.image(ctx, "/v1/preview/frame", url.Values{"source": {source}})
}

// Setup returns the sources' region of interest and symbologies, and
// where saved settings are kept. Admin only.
func (c *Client) Setup(ctx context.Context) (apitype.Setup, error) {
	var st apitype.Setup
	err := c.do(ctx, "GET", "/v1/setup", nil, nil, nil, &st)
	return st, err
}

// SaveSetup saves a source's region and symbologies and applies them as
// a reload does. Admin only.
func (c *Client) SaveSetup(ctx context.Context, s apitype.SourceSetup) (apitype.Setup, error) {
	var st apitype.Setup
	err := c.putJSON(ctx, "/v1/setup", s, &st)
	return st, err
}

// putJSON sends v as a JSON body with PUT and decodes the answer into out.
func (c *Client) putJSON(ctx context.Context, path string, v, out any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return c.do(ctx, "PUT", path, nil, b, textproto.MIMEHeader{"Content-Type": {"application/json"}}, out)
}
