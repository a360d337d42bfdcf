package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/scannerd/scannerd/debugexport"
	"github.com/scannerd/scannerd/scanner"
)

// Errors the API answers with. Each has one stable code and HTTP status in
// errorTable; the Go client turns an error response back into the matching
// error, so callers of either side branch with errors.Is.
var (
	// ErrBadQuery: a query parameter is unknown or its value malformed.
	ErrBadQuery = errors.New("bad query parameter")
	// ErrBadRequest: a request body is malformed.
	ErrBadRequest = errors.New("bad request")
	// ErrBadSettings: debug export settings that are malformed or that the
	// exporter refuses; it is debugexport.ErrBadSettings.
	ErrBadSettings = debugexport.ErrBadSettings
	// ErrForbidden: the endpoint needs an admin peer (uid 0 or the admin group).
	ErrForbidden = errors.New("admin permission needed")
	// ErrBrowserRequest: the request carries Origin or Referer; browsers may
	// not reach the socket.
	ErrBrowserRequest = errors.New("browser requests are refused")
	// ErrNoCredentials: the peer's credentials could not be read.
	ErrNoCredentials = errors.New("peer credentials unavailable")
	// ErrNotFound: no such endpoint.
	ErrNotFound = errors.New("no such endpoint")
	// ErrMethodNotAllowed: the endpoint does not take this method.
	ErrMethodNotAllowed = errors.New("method not allowed")
	// ErrTimeout: POST /v1/scan saw no barcode before its timeout.
	ErrTimeout = errors.New("no barcode before the timeout")
	// ErrHeaderTimeout: the request headers did not arrive in time.
	ErrHeaderTimeout = errors.New("request headers not received in time")
	// ErrBodyTimeout: the request body did not arrive within body_timeout.
	ErrBodyTimeout = errors.New("request body not received in time")
	// ErrBodyTooLarge: the request body exceeds max_body_bytes.
	ErrBodyTooLarge = errors.New("request body too large")
	// ErrUnsupportedMediaType: a Content-Type the endpoint does not take, or
	// one that the uploaded data contradicts.
	ErrUnsupportedMediaType = errors.New("unsupported content type")
	// ErrBusy: too many uploads are being decoded, or their bodies hold
	// all the memory uploads may; retry shortly.
	ErrBusy = errors.New("too many decodes in progress")
	// ErrRateLimited: the peer has sent more uploads than upload_rate
	// allows; retry after the Retry-After seconds.
	ErrRateLimited = errors.New("upload rate limit reached")
	// ErrUploadsDisabled: the daemon takes no uploads (uploads = off).
	ErrUploadsDisabled = errors.New("uploads are disabled")
	// ErrTooManySubscribers: max_subscribers event streams or max_scans
	// waiting scans are open, or the peer has max_subscribers_per_peer of
	// them.
	ErrTooManySubscribers = errors.New("too many subscribers")
	// ErrLicenseDisabled: the daemon runs without a license client.
	ErrLicenseDisabled = errors.New("licensing is not enabled in this daemon")
	// ErrSyncFailed: syncing with the License Tracking Server failed.
	ErrSyncFailed = errors.New("license sync failed")
	// ErrDebugExportDisabled: the daemon runs without a debug exporter.
	ErrDebugExportDisabled = errors.New("debug export is not available in this daemon")
	// ErrShuttingDown: the daemon is stopping.
	ErrShuttingDown = errors.New("daemon shutting down")
	// ErrInternal: anything else.
	ErrInternal = errors.New("internal error")
)

// Errors from opening the socket.
var (
	// ErrSocketInUse: another process answers on the socket path.
	ErrSocketInUse = errors.New("socket in use by another process")
	// ErrNotSocket: the socket path exists and is not a socket; it is never
	// removed.
	ErrNotSocket = errors.New("path exists and is not a socket")
	// ErrServerClosed: Listen or Serve after Close.
	ErrServerClosed = errors.New("api server closed")
)

// errorTable maps errors to their HTTP status and stable code; the first
// entry that matches with errors.Is wins. Codes never change once
// published: clients branch on them.
var errorTable = []struct {
	err    error
	status int
	code   string
}{
	{ErrBadQuery, http.StatusBadRequest, "bad_query"},
	{ErrBadRequest, http.StatusBadRequest, "bad_request"},
	{ErrBadSettings, http.StatusBadRequest, "bad_settings"},
	{scanner.ErrBadImage, http.StatusBadRequest, "bad_image"},
	{scanner.ErrUnknownSymbology, http.StatusBadRequest, "bad_query"},
	{ErrForbidden, http.StatusForbidden, "forbidden"},
	{ErrUploadsDisabled, http.StatusForbidden, "uploads_disabled"},
	{ErrBrowserRequest, http.StatusForbidden, "browser_request"},
	{ErrNoCredentials, http.StatusForbidden, "no_credentials"},
	{scanner.ErrRefused, http.StatusForbidden, "license_refused"},
	{ErrNotFound, http.StatusNotFound, "not_found"},
	{ErrMethodNotAllowed, http.StatusMethodNotAllowed, "method_not_allowed"},
	{ErrTimeout, http.StatusRequestTimeout, "timeout"},
	{ErrHeaderTimeout, http.StatusRequestTimeout, "header_timeout"},
	{ErrBodyTimeout, http.StatusRequestTimeout, "body_timeout"},
	{ErrBodyTooLarge, http.StatusRequestEntityTooLarge, "body_too_large"},
	{scanner.ErrImageTooLarge, http.StatusRequestEntityTooLarge, "image_too_large"},
	{ErrUnsupportedMediaType, http.StatusUnsupportedMediaType, "unsupported_media_type"},
	{scanner.ErrUnsupportedImage, http.StatusUnsupportedMediaType, "unsupported_image"},
	{ErrBusy, http.StatusTooManyRequests, "busy"},
	{scanner.ErrBusy, http.StatusTooManyRequests, "busy"},
	{ErrRateLimited, http.StatusTooManyRequests, "rate_limited"},
	{ErrTooManySubscribers, http.StatusServiceUnavailable, "too_many_subscribers"},
	{ErrLicenseDisabled, http.StatusServiceUnavailable, "license_disabled"},
	{ErrDebugExportDisabled, http.StatusServiceUnavailable, "debug_export_disabled"},
	{scanner.ErrDeadline, http.StatusServiceUnavailable, "decode_timeout"},
	{ErrShuttingDown, http.StatusServiceUnavailable, "shutting_down"},
	{scanner.ErrClosed, http.StatusServiceUnavailable, "shutting_down"},
	{ErrSyncFailed, http.StatusBadGateway, "sync_failed"},
	{scanner.ErrDecoderPanic, http.StatusInternalServerError, "decoder_failed"},
	{ErrInternal, http.StatusInternalServerError, "internal"},
}

// ErrorBody is the JSON of every error response.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the error inside ErrorBody.
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// classify returns the status and code for err; unknown errors are
// internal.
func classify(err error) (status int, code string) {
	for _, e := range errorTable {
		if errors.Is(err, e.err) {
			return e.status, e.code
		}
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return http.StatusServiceUnavailable, "shutting_down"
	}
	return http.StatusInternalServerError, "internal"
}

// ErrorForCode returns the error a stable code stands for, or ErrInternal
// for a code this version does not know.
func ErrorForCode(code string) error {
	for _, e := range errorTable {
		if e.code == code {
			return e.err
		}
	}
	return ErrInternal
}

// StatusForCode returns the HTTP status of a stable code (500 when unknown).
func StatusForCode(code string) int {
	for _, e := range errorTable {
		if e.code == code {
			return e.status
		}
	}
	return http.StatusInternalServerError
}

// writeError answers err as JSON. The status comes from errorTable, the
// message from err itself.
func writeError(w http.ResponseWriter, err error) {
	status, code := classify(err)
	msg := err.Error()
	if code == "internal" && !errors.Is(err, ErrInternal) {
		msg = fmt.Sprintf("%s: %v", ErrInternal, err)
	}
	writeJSONError(w, status, code, msg)
}

func writeJSONError(w http.ResponseWriter, status int, code, msg string) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Del("Content-Length")
	w.WriteHeader(status)
	b, _ := json.Marshal(ErrorBody{ErrorDetail{Code: code, Message: msg}})
	w.Write(append(b, '\n'))
}
