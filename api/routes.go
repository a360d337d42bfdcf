package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// route is one endpoint's method. Handlers return an error to answer it
// as JSON; once a handler has written a response it returns nil.
type route struct {
	method string
	admin  bool
	// asksAdmin: the handler needs to know whether the peer is an admin
	// (uploads may be for admins only).
	asksAdmin bool
	h         func(w http.ResponseWriter, r *http.Request) error
}

func (s *Server) routeTable() map[string][]route {
	return map[string][]route{
		"/v1/health":       {{method: http.MethodGet, h: s.handleHealth}},
		"/v1/status":       {{method: http.MethodGet, h: s.handleStatus}},
		"/v1/events":       {{method: http.MethodGet, h: s.handleEvents}},
		"/v1/results":      {{method: http.MethodGet, h: s.handleResults}},
		"/v1/scan":         {{method: http.MethodPost, h: s.handleScan}},
		"/v1/decode":       {{method: http.MethodPost, asksAdmin: true, h: s.handleDecode}},
		"/v1/license":      {{method: http.MethodGet, h: s.handleLicense}},
		"/v1/license/sync": {{method: http.MethodPost, admin: true, h: s.handleLicenseSync}},
		"/v1/debug/export": {
			{method: http.MethodGet, admin: true, h: s.handleDebugExportGet},
			{method: http.MethodPut, admin: true, h: s.handleDebugExportPut},
		},
		"/v1/snapshot": {{method: http.MethodGet, admin: true, h: s.handleSnapshot}},
		"/v1/preview": {
			{method: http.MethodGet, admin: true, h: s.handlePreviewGet},
			{method: http.MethodPut, admin: true, h: s.handlePreviewPut},
		},
		"/v1/preview/frame": {{method: http.MethodGet, admin: true, h: s.handlePreviewFrame}},
		"/v1/setup": {
			{method: http.MethodGet, admin: true, h: s.handleSetupGet},
			{method: http.MethodPut, admin: true, h: s.handleSetupPut},
		},
		"/metrics": {{method: http.MethodGet, h: s.handleMetrics}},
	}
}

// ServeHTTP checks who is asking before anything else: browser requests
// and peers without credentials are refused, then the route's permission.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if wc, ok := r.Context().Value(watchedKey{}).(*watchedConn); ok {
		wc.handlerStarted()
		defer wc.handlerDone()
	}
	rc := http.NewResponseController(w)
	rc.SetWriteDeadline(time.Now().Add(s.cfg.WriteTimeout.D()))
	body := &trackedBody{ReadCloser: r.Body}
	r.Body = body
	defer body.closeUnread(r, rc)
	sw := &statusWriter{ResponseWriter: w}
	w = sw
	endpoint, err := s.serve(w, r)
	code := ""
	if err != nil {
		_, code = classify(err)
		// The answer gets its own write deadline: reading a slow body
		// may have taken longer than the first.
		s.extendWrite(w)
		writeError(w, err)
		level := slog.LevelDebug
		if code == "forbidden" || code == "browser_request" || code == "internal" {
			level = slog.LevelInfo
		}
		peer, _ := peerFromContext(r.Context())
		s.log.Log(r.Context(), level, "api request refused", "method", r.Method, "path", r.URL.Path,
			"code", code, "err", err, "uid", peer.UID, "pid", peer.PID)
	}
	s.metrics.requests.WithLabelValues(endpoint, strconv.Itoa(sw.status()), code).Inc()
}

// statusWriter notes the HTTP status a handler answered with, for the
// request metrics. ResponseController reaches the writer below through
// Unwrap.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// status is the status sent, or 200 for a handler that wrote nothing
// (net/http sends 200 then).
func (w *statusWriter) status() int {
	if w.code == 0 {
		return http.StatusOK
	}
	return w.code
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) (endpoint string, err error) {
	endpoint = "other"
	if r.Header.Get("Origin") != "" || r.Header.Get("Referer") != "" {
		return endpoint, fmt.Errorf("%w: requests with Origin or Referer headers come from web pages, which may not use the scanner socket", ErrBrowserRequest)
	}
	peer, ok := peerFromContext(r.Context())
	if !ok {
		return endpoint, ErrNoCredentials
	}
	routes, ok := s.routes[r.URL.Path]
	if !ok {
		return endpoint, fmt.Errorf("%w: %s", ErrNotFound, truncate(r.URL.Path, 128))
	}
	endpoint = r.URL.Path
	i := slices.IndexFunc(routes, func(rt route) bool { return rt.method == r.Method })
	if i < 0 {
		allow := make([]string, len(routes))
		for j, rt := range routes {
			allow[j] = rt.method
		}
		w.Header().Set("Allow", strings.Join(allow, ", "))
		return endpoint, fmt.Errorf("%w: %s takes %s", ErrMethodNotAllowed, r.URL.Path, strings.Join(allow, ", "))
	}
	rt := routes[i]
	if rt.admin || rt.asksAdmin {
		peer.Admin = s.admin.isAdmin(peer.UID, peer.GID)
		r = r.WithContext(context.WithValue(r.Context(), peerKey{}, peer))
	}
	if rt.admin && !peer.Admin {
		return endpoint, fmt.Errorf("%w: %s %s %s", ErrForbidden, r.Method, r.URL.Path, s.admin.refusal(peer.UID))
	}
	// A query that does not parse (a malformed escape, or more parameters
	// than url.ParseQuery takes) is refused here for every endpoint:
	// r.URL.Query() would hand the handler what it parsed and hide the
	// rest from its checks.
	if _, err := parseRawQuery(r.URL.RawQuery); err != nil {
		return endpoint, err
	}
	return endpoint, rt.h(w, r)
}

// trackedBody notes whether its handler read a request body to the end.
type trackedBody struct {
	io.ReadCloser
	ended bool
}

func (b *trackedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if errors.Is(err, io.EOF) {
		b.ended = true
	}
	return n, err
}

// closeUnread ends a body its handler left unread, and gives r its own
// body back. net/http would otherwise first drain it, with no deadline,
// from a client that may never send more: the answer to a slow upload
// never left. Now what the client sends of the rest within drainWait, up
// to drainLimit bytes, is read and dropped before the answer goes out,
// for a socket closed with unread bytes in it sends a reset that may reach
// the client before the answer it was sent (a refused PUT then fails with
// "broken pipe" instead of its 403). A body that does not end by then is
// closed before its end; net/http then closes the connection after the
// answer, so that the rest is never read as a request.
func (b *trackedBody) closeUnread(r *http.Request, rc *http.ResponseController) {
	r.Body = b.ReadCloser
	if b.ended || b.ReadCloser == http.NoBody {
		return
	}
	rc.SetReadDeadline(time.Now().Add(drainWait))
	io.Copy(io.Discard, io.LimitReader(b, drainLimit))
	if !b.ended {
		rc.SetReadDeadline(time.Now())
		b.Close()
	}
}

// How much of an unread body closeUnread takes in before it closes it.
const (
	drainWait  = 100 * time.Millisecond
	drainLimit = 64 << 10
)

// writeJSON answers v with status 200.
func writeJSON(w http.ResponseWriter, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.Write(append(b, '\n'))
	return nil
}

// Endpoints returns the methods of every path the server answers, sorted:
// the API's tests compare them with docs/openapi.yaml.
func (s *Server) Endpoints() map[string][]string {
	out := make(map[string][]string, len(s.routes))
	for p, routes := range s.routes {
		for _, rt := range routes {
			out[p] = append(out[p], rt.method)
		}
		slices.Sort(out[p])
	}
	return out
}
