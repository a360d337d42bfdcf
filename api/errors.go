package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/scannerd/scannerd/api/apitype"
	"github.com/scannerd/scannerd/scanner"
)

// Errors the API answers with: those of package apitype, so the server
// and the Go client share them. Each has one stable code and HTTP status
// (apitype.Codes); errorTable says which code an error answers with.
var (
	// ErrBadQuery: a query parameter is unknown or its value malformed.
	ErrBadQuery = apitype.ErrBadQuery
	// ErrBadRequest: a request body is malformed.
	ErrBadRequest = apitype.ErrBadRequest
	// ErrBadSettings: debug export settings that are malformed or that the
	// exporter refuses; debugexport.ErrBadSettings is the same error.
	ErrBadSettings = apitype.ErrBadSettings
	// ErrBadSetup: setup page settings that are malformed or do not fit
	// the source.
	ErrBadSetup = apitype.ErrBadSetup
	// ErrPreviewOff: preview frames while the preview is off.
	ErrPreviewOff = apitype.ErrPreviewOff
	// ErrDebugExportOn: the debug export is switched on while it is on.
	ErrDebugExportOn = apitype.ErrDebugExportOn
	// ErrForbidden: the endpoint needs an admin peer (uid 0 or the admin group).
	ErrForbidden = apitype.ErrForbidden
	// ErrBrowserRequest: the request carries Origin or Referer; browsers may
	// not reach the socket.
	ErrBrowserRequest = apitype.ErrBrowserRequest
	// ErrNoCredentials: the peer's credentials could not be read.
	ErrNoCredentials = apitype.ErrNoCredentials
	// ErrNotFound: no such endpoint, or no such thing at one (a source, a
	// daemon's preview); see notFoundf.
	ErrNotFound = apitype.ErrNotFound
	// ErrMethodNotAllowed: the endpoint does not take this method.
	ErrMethodNotAllowed = apitype.ErrMethodNotAllowed
	// ErrTimeout: POST /v1/scan saw no barcode before its timeout.
	ErrTimeout = apitype.ErrTimeout
	// ErrHeaderTimeout: the request headers did not arrive in time.
	ErrHeaderTimeout = apitype.ErrHeaderTimeout
	// ErrBodyTimeout: the request body did not arrive within body_timeout.
	ErrBodyTimeout = apitype.ErrBodyTimeout
	// ErrBodyTooLarge: the request body exceeds max_body_bytes.
	ErrBodyTooLarge = apitype.ErrBodyTooLarge
	// ErrUnsupportedMediaType: a Content-Type the endpoint does not take, or
	// one that the uploaded data contradicts.
	ErrUnsupportedMediaType = apitype.ErrUnsupportedMediaType
	// ErrBusy: too many uploads are being decoded, or their bodies and
	// decodes hold all the memory uploads may; retry shortly.
	ErrBusy = apitype.ErrBusy
	// ErrRateLimited: the peer has sent more uploads than upload_rate
	// allows; retry after the Retry-After seconds.
	ErrRateLimited = apitype.ErrRateLimited
	// ErrUploadsDisabled: the daemon takes no uploads (uploads = off).
	ErrUploadsDisabled = apitype.ErrUploadsDisabled
	// ErrTooManySubscribers: max_subscribers event streams or max_scans
	// waiting scans are open, or the peer has max_subscribers_per_peer of
	// them.
	ErrTooManySubscribers = apitype.ErrTooManySubscribers
	// ErrLicenseDisabled: the daemon runs without a license client.
	ErrLicenseDisabled = apitype.ErrLicenseDisabled
	// ErrSyncFailed: syncing with the License Tracking Server failed (not
	// reached, or it failed itself).
	ErrSyncFailed = apitype.ErrSyncFailed
	// ErrSyncRefused: the License Tracking Server answered and refused the
	// device. A License's Sync returns it (wrapped) for a refusal, so that
	// the API answers it apart from a server it could not reach.
	ErrSyncRefused = apitype.ErrSyncRefused
	// ErrDebugExportDisabled: the daemon runs without a debug exporter.
	ErrDebugExportDisabled = apitype.ErrDebugExportDisabled
	// ErrShuttingDown: the daemon is stopping.
	ErrShuttingDown = apitype.ErrShuttingDown
	// ErrInternal: anything else.
	ErrInternal = apitype.ErrInternal
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

// errorTable maps errors to their stable code (and so to its status,
// apitype.StatusForCode); the first entry that matches with errors.Is
// wins. The engine's errors answer as the codes apitype names for them.
var errorTable = []struct {
	err  error
	code string
}{
	{ErrBadQuery, "bad_query"},
	{ErrBadRequest, "bad_request"},
	{ErrBadSettings, "bad_settings"},
	{scanner.ErrBadImage, "bad_image"},
	{ErrBadSetup, "bad_setup"},
	{scanner.ErrUnknownSymbology, "bad_query"},
	{ErrForbidden, "forbidden"},
	{ErrUploadsDisabled, "uploads_disabled"},
	{ErrBrowserRequest, "browser_request"},
	{ErrNoCredentials, "no_credentials"},
	{scanner.ErrRefused, "license_refused"},
	{ErrNotFound, "not_found"},
	{ErrMethodNotAllowed, "method_not_allowed"},
	{ErrPreviewOff, "preview_off"},
	{ErrDebugExportOn, "debug_export_on"},
	{ErrTimeout, "timeout"},
	{ErrHeaderTimeout, "header_timeout"},
	{ErrBodyTimeout, "body_timeout"},
	{ErrBodyTooLarge, "body_too_large"},
	{scanner.ErrImageTooLarge, "image_too_large"},
	{ErrUnsupportedMediaType, "unsupported_media_type"},
	{scanner.ErrUnsupportedImage, "unsupported_image"},
	{ErrBusy, "busy"},
	{scanner.ErrBusy, "busy"},
	{ErrRateLimited, "rate_limited"},
	{ErrTooManySubscribers, "too_many_subscribers"},
	{ErrLicenseDisabled, "license_disabled"},
	{ErrDebugExportDisabled, "debug_export_disabled"},
	{scanner.ErrDeadline, "decode_timeout"},
	{ErrShuttingDown, "shutting_down"},
	{scanner.ErrClosed, "shutting_down"},
	{ErrSyncRefused, "sync_refused"},
	{ErrSyncFailed, "sync_failed"},
	{scanner.ErrDecoderPanic, "decoder_failed"},
	{ErrInternal, "internal"},
}

// notFoundf is ErrNotFound for something other than an endpoint: its
// message says only what is missing ("no source is named \"cam9\""),
// where ErrNotFound's own text, "no such endpoint", would be wrong.
func notFoundf(format string, args ...any) error {
	return &notFoundError{fmt.Sprintf(format, args...)}
}

type notFoundError struct{ msg string }

func (e *notFoundError) Error() string        { return e.msg }
func (e *notFoundError) Is(target error) bool { return target == ErrNotFound }

// ErrorBody is the JSON of every error response.
type ErrorBody = apitype.ErrorBody

// ErrorDetail is the error inside ErrorBody.
type ErrorDetail = apitype.ErrorDetail

// classify returns the status and code for err; unknown errors are
// internal.
func classify(err error) (status int, code string) {
	for _, e := range errorTable {
		if errors.Is(err, e.err) {
			return apitype.StatusForCode(e.code), e.code
		}
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return http.StatusServiceUnavailable, "shutting_down"
	}
	return http.StatusInternalServerError, "internal"
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
	b, _ := json.Marshal(ErrorBody{Error: ErrorDetail{Code: code, Message: msg}})
	w.Write(append(b, '\n'))
}
