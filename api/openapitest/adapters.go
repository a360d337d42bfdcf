package openapitest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"testing"

	"github.com/scannerd/scannerd/api/client"
)

// Hook returns an exchange hook for the Go client (client.WithExchangeHook)
// that checks every response it receives, failing t otherwise.
func (d *Doc) Hook(t testing.TB) func(*client.Exchange) {
	return func(ex *client.Exchange) {
		d.checkQuery(t, ex.Method, ex.Path, ex.Status, ex.Query)
		ex.Body = d.checking(t, ex.Method, ex.Path, ex.Status, ex.Header.Get("Content-Type"), ex.Body)
	}
}

// Client returns a client for socket whose every response is checked.
func (d *Doc) Client(t testing.TB, socket string) *client.Client {
	c := client.New(socket, client.WithExchangeHook(d.Hook(t)))
	t.Cleanup(func() { c.Close() })
	return c
}

// NewClient loads the document and returns a client for socket whose
// every response is checked against it.
func NewClient(t testing.TB, socket string) *client.Client {
	t.Helper()
	d, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return d.Client(t, socket)
}

// Transport wraps rt so that every response it returns is checked.
func (d *Doc) Transport(t testing.TB, rt http.RoundTripper) http.RoundTripper {
	return roundTripper(func(req *http.Request) (*http.Response, error) {
		resp, err := rt.RoundTrip(req)
		if err == nil {
			d.checkQuery(t, req.Method, req.URL.Path, resp.StatusCode, req.URL.Query())
			resp.Body = d.checking(t, req.Method, req.URL.Path, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Body)
		}
		return resp, err
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// checkQuery checks the query of a request the server answered 2xx.
func (d *Doc) checkQuery(t testing.TB, method, path string, status int, q url.Values) {
	if status/100 != 2 {
		return
	}
	if err := d.CheckQuery(method, path, slices.Collect(maps.Keys(q))); err != nil {
		t.Errorf("openapi: %v", err)
	}
}

// checking returns body, checked as it is read: a stream event by event,
// any other body when it has been read to its end.
func (d *Doc) checking(t testing.TB, method, path string, status int, contentType string, body io.ReadCloser) io.ReadCloser {
	r, err := d.Response(method, path, status, contentType)
	if err != nil {
		t.Errorf("openapi: %v", err)
		return body
	}
	cb := &checkedBody{ReadCloser: body, t: t, r: r}
	if r.IsStream() {
		cb.stream = r.Stream()
	}
	return cb
}

// checkedBody checks what is read through it.
type checkedBody struct {
	io.ReadCloser
	t      testing.TB
	r      *Response
	stream *Stream
	mu     sync.Mutex
	buf    bytes.Buffer
	done   bool
}

func (b *checkedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		return n, err
	}
	if b.stream != nil {
		if cerr := b.stream.Write(p[:n]); cerr != nil {
			b.t.Errorf("openapi: %v", cerr)
		}
		return n, err
	}
	b.buf.Write(p[:n])
	if errors.Is(err, io.EOF) {
		b.done = true
		if cerr := b.r.CheckBody(b.buf.Bytes()); cerr != nil {
			b.t.Errorf("openapi: %v", cerr)
		}
	}
	return n, err
}

// Close checks a JSON body its reader stopped short of the end of, as long
// as what was read is a whole JSON value.
func (b *checkedBody) Close() error {
	b.mu.Lock()
	if !b.done && b.stream == nil && b.buf.Len() > 0 && json.Valid(b.buf.Bytes()) {
		b.done = true
		if cerr := b.r.CheckBody(b.buf.Bytes()); cerr != nil {
			b.t.Errorf("openapi: %v", cerr)
		}
	}
	b.mu.Unlock()
	return b.ReadCloser.Close()
}
