package apitype

import "time"

// License states.
const (
	LicenseAuthorized    = "authorized"
	LicenseExpired       = "expired"
	LicenseNotAuthorized = "not_authorized"
	LicenseOverQuota     = "over_quota"
	LicenseRevoked       = "revoked"
	// LicenseUnconfigured: no [license] table, evaluation mode (only the
	// demo camera decodes); /v1/status only, /v1/license answers
	// license_disabled.
	LicenseUnconfigured = "unconfigured"
)

// License modes: where the authorization comes from.
const (
	LicenseModeLTS     = "lts"             // a License Tracking Server
	LicenseModeOffline = "offline_license" // a vendor-signed license file
)

// License is the device's license state, GET /v1/license's answer and
// POST /v1/license/sync's.
type License struct {
	State   string `json:"state"`             // LicenseAuthorized, …
	Message string `json:"message,omitempty"` // what is wrong and how to fix it; empty when authorized
	Mode    string `json:"mode"`              // LicenseModeLTS or LicenseModeOffline
	Device  string `json:"device"`            // the device UUID

	// HandshakeCode is the configured handshake code;
	// AuthorizedHandshakeCode, when set, is the one the authorization (and
	// so the state, licenses and quota) belongs to: the config changed the
	// code since, and the LTS has not authorized the new one yet.
	HandshakeCode           string    `json:"handshake_code,omitempty"`
	AuthorizedHandshakeCode string    `json:"authorized_handshake_code,omitempty"`
	Licenses                []string  `json:"licenses,omitempty"`
	Issued                  time.Time `json:"issued,omitzero"`
	Expires                 time.Time `json:"expires,omitzero"` // device time the authorization or offline license ends
	// OfflineLeft is how long the device may still decode without reaching
	// the LTS, in seconds and in words.
	OfflineLeftSeconds int64    `json:"offline_left_seconds"`
	OfflineLeft        string   `json:"offline_left"`
	Symbologies        []string `json:"symbologies"` // allowed; empty: none
	Quota              *Quota   `json:"quota,omitempty"`
	// Lease is the device's share of the scan quota, when there is one: what
	// it may meter in the period, and what it metered.
	Lease *Lease `json:"lease,omitempty"`
	// Features are those the license grants: "unmetered_uploads".
	Features []string `json:"features,omitempty"`
	// Uploads says whether images uploaded through the API are metered,
	// and why.
	Uploads UploadMetering `json:"uploads"`

	// Pending usage, not yet acknowledged by the LTS, per symbology.
	Pending        map[string]uint64 `json:"pending"`
	PendingScans   uint64            `json:"pending_scans"`
	PendingReports int               `json:"pending_reports"`

	// LTSURL is the LTS URL that answered last, and LTSAnswered when.
	LTSURL        string    `json:"lts_url,omitempty"`
	LTSAnswered   time.Time `json:"lts_answered,omitzero"`
	LastSync      time.Time `json:"last_sync,omitzero"`
	LastSyncError string    `json:"last_sync_error,omitempty"`
	LTSMessage    string    `json:"lts_message,omitempty"` // the LTS's last refusal, if any
	NextSync      time.Time `json:"next_sync,omitzero"`

	// StoreRecovered says when and why the usage store was last rebuilt:
	// moved aside because it did not open or verify, or caught up from the
	// rollback mark because an older copy was put back.
	StoreRecovered string `json:"store_recovered,omitempty"`
	// RollbackMark names the rollback mark file; RollbackMarkError says why
	// it could not be written (then a restored copy would go unnoticed).
	RollbackMark      string `json:"rollback_mark"`
	RollbackMarkError string `json:"rollback_mark_error,omitempty"`
}

// UploadMetering says whether images uploaded through the API are metered:
// they are unless [license] unmetered_uploads is set and the license grants
// the unmetered_uploads feature. Reason says which applies.
type UploadMetering struct {
	Metered bool   `json:"metered"`
	Reason  string `json:"reason"`
}

// Lease is the device's share of the scan quota in License.
type Lease struct {
	Period string    `json:"period"`
	Ends   time.Time `json:"ends"`
	Scans  uint64    `json:"scans"` // scans the device may meter in the period
	Used   uint64    `json:"used"`
}

// Quota is the scan quota of the license pool, as the LTS last reported it.
type Quota struct {
	Period      string    `json:"period,omitempty"` // e.g. "2026-11" for a monthly period
	PeriodStart time.Time `json:"period_start,omitzero"`
	PeriodEnd   time.Time `json:"period_end,omitzero"`
	Limit       uint64    `json:"limit"` // scans allowed in the period, grace included; 0: unlimited
	Used        uint64    `json:"used"`
	Exhausted   bool      `json:"exhausted,omitempty"` // the LTS refuses further authorization this period
}
