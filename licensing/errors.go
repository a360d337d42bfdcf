// Package licensing is the device side of scannerd licensing: the device
// identity, the usage meter, the gate the decode engine asks before each
// frame, the offline store, and the client that authorizes with the License
// Tracking Server (LTS) and reports usage to it.
//
// The meter counts what kind of barcode was read and how many — a symbology
// and a number — and never what a barcode said: no text, bytes, image or
// position enters the store or a report.
package licensing

import "errors"

// Errors the gate returns, one per license state. Their messages say how to
// fix the state; Permit wraps them with detail.
var (
	// ErrNotAuthorized: the device holds no authorization yet (or no license
	// is configured).
	ErrNotAuthorized = errors.New("license: device not authorized: check lts_url, lts_keys and handshake_code in the [license] config and that the LTS is reachable (scanctl license)")
	// ErrExpired: the authorization's offline period ran out.
	ErrExpired = errors.New("license: authorization expired (offline too long): let the device reach the LTS to re-authorize, or renew the offline license")
	// ErrOverQuota: the scan quota of the current period is used up.
	ErrOverQuota = errors.New("license: scan quota of this period used up: wait for the next period or add a license on the LTS")
	// ErrRevoked: the LTS operator revoked this device.
	ErrRevoked = errors.New("license: device revoked by the LTS operator: ask them to reinstate it (ltsd device reinstate)")
)

// Errors of opening and configuring.
var (
	// ErrConfig: the [license] configuration is incomplete or malformed.
	ErrConfig = errors.New("license config")
	// ErrStoreCorrupt: the licensing store could not be read; it was moved
	// aside (see Status.StoreRecovered) and a new one started.
	ErrStoreCorrupt = errors.New("licensing store is corrupt")
	// ErrClosed: the client was closed.
	ErrClosed = errors.New("licensing client closed")
)

// ErrLTSRefused matches, with errors.Is, a Sync error that is the LTS's
// answer refusing the device (revoked, scan quota used up, wrong password,
// unknown handshake code, ...), as opposed to an LTS that could not be
// reached or failed itself. The error's message is the LTS's.
var ErrLTSRefused = errors.New("the LTS refused the device")

// refusal marks an error that holds an LTS refusal: its message is the
// error's own, and errors.Is matches it to ErrLTSRefused too.
type refusal struct{ err error }

func (r refusal) Error() string        { return r.err.Error() }
func (r refusal) Unwrap() error        { return r.err }
func (r refusal) Is(target error) bool { return target == ErrLTSRefused }

// State is a license state, as named in Status and the API.
type State string

// The license states.
const (
	StateAuthorized    State = "authorized"
	StateNotAuthorized State = "not_authorized"
	StateExpired       State = "expired"
	StateOverQuota     State = "over_quota"
	StateRevoked       State = "revoked"
)
