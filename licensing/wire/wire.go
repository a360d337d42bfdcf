// Package wire is the licensing protocol that scannerd devices and the License
// Tracking Server (ltsd) speak: message types, sealing and signatures.
//
// Every request is a JSON Envelope whose body is sealed with HPKE (RFC 9180:
// DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM) to the LTS seal key.
// Every reply is signed with the LTS Ed25519 key and then sealed to the
// device key named in the request, with the request nonce bound into the HPKE
// info string, so a reply opens only for the request it answers. Signed
// documents (licenses, authorizations, replies) carry the exact bytes that
// were signed; see Signed.
package wire

import (
	"errors"
	"fmt"
)

// Version is the protocol version carried by every message.
const Version = 1

// MaxBodyBytes bounds every protocol body (request, reply, license file).
const MaxBodyBytes = 1 << 20

// Errors callers branch on. Decoders wrap them with detail.
var (
	// ErrMalformed: the input is not a well-formed message of the expected kind.
	ErrMalformed = errors.New("malformed message")
	// ErrVersion: the message is of a protocol version this side does not speak.
	ErrVersion = errors.New("unsupported protocol version")
	// ErrSeal: the sealed body does not open with this key (wrong key or tampered).
	ErrSeal = errors.New("sealed body does not open")
	// ErrSignature: a signature does not verify against any trusted key.
	ErrSignature = errors.New("bad signature")
	// ErrWrongDevice: the message names another device.
	ErrWrongDevice = errors.New("message is for another device")
	// ErrReplay: a reply does not answer the request it was returned for.
	ErrReplay = errors.New("reply does not answer this request")
	// ErrKey: a key is malformed.
	ErrKey = errors.New("bad key")
)

// Code is a machine-readable error code in an Error reply. Codes never change
// meaning once published.
type Code string

// The error codes the LTS returns.
const (
	CodeBadRequest    Code = "bad_request"        // malformed envelope or body
	CodeBadVersion    Code = "bad_version"        // protocol version not spoken
	CodeBadSeal       Code = "bad_seal"           // body does not open with the LTS key
	CodeClockSkew     Code = "clock_skew"         // request time too far from LTS time
	CodeReplayed      Code = "replayed_request"   // request nonce seen before
	CodeUnknownCode   Code = "unknown_handshake"  // no such handshake code
	CodeWrongPassword Code = "wrong_password"     // session password missing or wrong
	CodeRateLimited   Code = "rate_limited"       // too many wrong passwords; wait
	CodeDomain        Code = "domain_not_allowed" // domain binding refuses this device
	CodeNoLicense     Code = "no_license"         // handshake has no license valid now
	CodeExpired       Code = "license_expired"    // every license of the handshake has expired
	CodeDeviceQuota   Code = "device_quota"       // maximum active devices reached
	CodeScanQuota     Code = "scan_quota"         // scans of this period exhausted
	CodeRevoked       Code = "device_revoked"     // device revoked by the LTS operator
	CodeNotAuthorized Code = "not_authorized"     // usage from a device never authorized
	CodeInternal      Code = "internal"           // LTS-side failure; retry later
)

// Error is the error part of a reply.
type Error struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
}

// Error implements error, so a decoded reply error can be returned as is.
func (e *Error) Error() string { return fmt.Sprintf("lts: %s: %s", e.Code, e.Message) }

// Is lets errors.Is match on the code alone: errors.Is(err, &Error{Code: CodeRevoked}).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}
