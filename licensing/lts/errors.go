// Package lts is the License Tracking Server: the interface of its store,
// the policy that authorizes devices and counts their usage, and its HTTP
// handlers. The stores live in boltstore and pgstore; the ltsd command wires
// them up.
package lts

import (
	"errors"
	"fmt"
)

// Errors callers branch on.
var (
	// ErrNotFound: no such license, handshake code or device.
	ErrNotFound = errors.New("not found")
	// ErrExists: a handshake code with that name exists already.
	ErrExists = errors.New("already exists")
	// ErrInvalid: a value the operator gave is out of range or malformed.
	ErrInvalid = errors.New("invalid")
	// ErrLicenseBound: the license is bound to another handshake code.
	ErrLicenseBound = errors.New("license is bound to another handshake code")
	// ErrLicenseOlder: an import would replace a license with an older issue of it.
	ErrLicenseOlder = errors.New("a newer issue of this license is already imported")
	// ErrOfflineLicense: offline licenses belong on devices, not on the LTS.
	ErrOfflineLicense = errors.New("offline license (bound to devices): install it on the devices, not the LTS")
	// ErrStoreBusy: another process (a running ltsd) holds the store.
	ErrStoreBusy = errors.New("store is in use by another process (a running ltsd?)")
	// ErrTooManyAttempts: a key had too many failed guesses in its window,
	// or the store tracks as many keys as it may and this one is new.
	ErrTooManyAttempts = errors.New("too many failed attempts")
	// ErrGuessWrong: what an Attempt check returns (wrapped) for a wrong
	// guess, so that it is counted.
	ErrGuessWrong = errors.New("wrong guess")
	// ErrTotalOverflow: counting a report would take a usage total past
	// MaxTotal.
	ErrTotalOverflow = errors.New("usage total would pass its limit")
)

func errInvalidf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}
