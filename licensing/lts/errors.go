// Package lts is the License Tracking Server: its store (bbolt), the policy
// that authorizes devices and counts their usage, and its HTTP handlers. The
// ltsd command wires it up.
package lts

import "errors"

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
)
