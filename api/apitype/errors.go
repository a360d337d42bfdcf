package apitype

import "errors"

// Errors the API answers with, one per stable code (see Codes). The server
// answers its own errors as these; the Go client turns an error response
// back into the error for its code, so callers on either side branch with
// errors.Is.
var (
	// ErrBadQuery: a query parameter is unknown, repeated or malformed, or
	// names a source or symbology that does not exist.
	ErrBadQuery = errors.New("bad query parameter")
	// ErrBadRequest: a request body could not be read.
	ErrBadRequest = errors.New("bad request")
	// ErrBadSettings: debug export settings that are malformed or that the
	// exporter refuses.
	ErrBadSettings = errors.New("invalid debug export settings")
	// ErrBadSetup: setup page settings that are malformed or do not fit
	// the source (a region outside its frame, an unknown symbology).
	ErrBadSetup = errors.New("invalid source settings")
	// ErrPreviewOff: preview frames are asked for while the preview is
	// off; an admin switches it on first (PUT /v1/preview).
	ErrPreviewOff = errors.New("the preview is off")
	// ErrBadImage: the uploaded image is truncated or corrupt.
	ErrBadImage = errors.New("bad image")
	// ErrForbidden: the endpoint needs an admin peer (uid 0 or the admin group).
	ErrForbidden = errors.New("admin permission needed")
	// ErrBrowserRequest: the request carries Origin or Referer; browsers may
	// not reach the socket.
	ErrBrowserRequest = errors.New("browser requests are refused")
	// ErrNoCredentials: the peer's credentials could not be read.
	ErrNoCredentials = errors.New("peer credentials unavailable")
	// ErrLicenseRefused: the license does not allow decoding now.
	ErrLicenseRefused = errors.New("license refuses decoding")
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
	// ErrImageTooLarge: the image has more pixels than max_image_pixels,
	// or a side the engine does not take.
	ErrImageTooLarge = errors.New("image too large")
	// ErrUnsupportedMediaType: a Content-Type the endpoint does not take, or
	// one that the uploaded data contradicts.
	ErrUnsupportedMediaType = errors.New("unsupported content type")
	// ErrUnsupportedImage: the upload is not PNG, JPEG, GIF or BMP.
	ErrUnsupportedImage = errors.New("unsupported image format")
	// ErrBusy: too many uploads are being decoded, or their bodies and
	// decodes hold all the memory uploads may; retry after the Retry-After seconds.
	ErrBusy = errors.New("too many decodes in progress")
	// ErrRateLimited: the peer has sent more uploads than upload_rate
	// allows; retry after the Retry-After seconds.
	ErrRateLimited = errors.New("upload rate limit reached")
	// ErrUploadsDisabled: the daemon takes no uploads (uploads = off), or
	// only from admins.
	ErrUploadsDisabled = errors.New("uploads are disabled")
	// ErrTooManySubscribers: max_subscribers event streams or max_scans
	// waiting scans are open, or the peer has max_subscribers_per_peer of
	// them.
	ErrTooManySubscribers = errors.New("too many subscribers")
	// ErrLicenseDisabled: the daemon runs without a license client.
	ErrLicenseDisabled = errors.New("licensing is not enabled in this daemon")
	// ErrDebugExportOn: the debug export is asked to go on while it is on
	// already; it is turned off first, so that settings are never
	// replaced unnoticed.
	ErrDebugExportOn = errors.New("the debug export is already on; turn it off first")
	// ErrDebugExportDisabled: the daemon runs without a debug exporter.
	ErrDebugExportDisabled = errors.New("debug export is not available in this daemon")
	// ErrDecodeTimeout: decoding the upload took longer than its limit.
	ErrDecodeTimeout = errors.New("decoding took too long")
	// ErrShuttingDown: the daemon is stopping.
	ErrShuttingDown = errors.New("daemon shutting down")
	// ErrSyncFailed: syncing with the License Tracking Server failed: it
	// could not be reached, or failed itself.
	ErrSyncFailed = errors.New("license sync failed")
	// ErrSyncRefused: the License Tracking Server answered the sync and
	// refused the device (revoked, scan quota used up, wrong password, ...);
	// the message has the LTS's reason.
	ErrSyncRefused = errors.New("the License Tracking Server refused the sync")
	// ErrDecoderFailed: the decoder crashed on the upload (it was recovered).
	ErrDecoderFailed = errors.New("decoder failed")
	// ErrInternal: anything else, and codes this version does not know.
	ErrInternal = errors.New("internal error")
)

// Code is one stable error code: its HTTP status and its error. (The
// statuses are numbers here: the package does without net/http, which a
// kiosk program using the client would otherwise carry.)
type Code struct {
	Code   string
	Status int
	Err    error
}

// Codes returns every error code the API answers with. Codes never change
// once published: clients branch on them.
func Codes() []Code {
	return []Code{
		{"bad_query", 400, ErrBadQuery},
		{"bad_request", 400, ErrBadRequest},
		{"bad_settings", 400, ErrBadSettings},
		{"bad_image", 400, ErrBadImage},
		{"bad_setup", 400, ErrBadSetup},
		{"forbidden", 403, ErrForbidden},
		{"uploads_disabled", 403, ErrUploadsDisabled},
		{"browser_request", 403, ErrBrowserRequest},
		{"no_credentials", 403, ErrNoCredentials},
		{"license_refused", 403, ErrLicenseRefused},
		{"not_found", 404, ErrNotFound},
		{"method_not_allowed", 405, ErrMethodNotAllowed},
		{"preview_off", 409, ErrPreviewOff},
		{"debug_export_on", 409, ErrDebugExportOn},
		{"sync_refused", 409, ErrSyncRefused},
		{"header_timeout", 408, ErrHeaderTimeout},
		{"body_timeout", 408, ErrBodyTimeout},
		{"body_too_large", 413, ErrBodyTooLarge},
		{"image_too_large", 413, ErrImageTooLarge},
		{"unsupported_media_type", 415, ErrUnsupportedMediaType},
		{"unsupported_image", 415, ErrUnsupportedImage},
		{"busy", 429, ErrBusy},
		{"rate_limited", 429, ErrRateLimited},
		{"internal", 500, ErrInternal},
		{"decoder_failed", 500, ErrDecoderFailed},
		{"sync_failed", 502, ErrSyncFailed},
		{"too_many_subscribers", 503, ErrTooManySubscribers},
		{"license_disabled", 503, ErrLicenseDisabled},
		{"debug_export_disabled", 503, ErrDebugExportDisabled},
		{"decode_timeout", 503, ErrDecodeTimeout},
		{"shutting_down", 503, ErrShuttingDown},
		// 504, not 408: browsers and some HTTP libraries repeat a request
		// answered 408 on their own, and a repeated scan waits again.
		{"timeout", 504, ErrTimeout},
	}
}

// ErrorForCode returns the error a stable code stands for, or ErrInternal
// for a code this version does not know.
func ErrorForCode(code string) error {
	if c, ok := lookup(code); ok {
		return c.Err
	}
	return ErrInternal
}

// StatusForCode returns the HTTP status of a stable code (500 when unknown).
func StatusForCode(code string) int {
	if c, ok := lookup(code); ok {
		return c.Status
	}
	return 500
}

func lookup(code string) (Code, bool) {
	for _, c := range Codes() {
		if c.Code == code {
			return c, true
		}
	}
	return Code{}, false
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
