package console

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// PasswordParams are the argon2id costs of a password hash.
type PasswordParams struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
}

// DefaultPasswordParams returns RFC 9106's second recommended option:
// 64 MiB, three passes, four lanes.
func DefaultPasswordParams() PasswordParams {
	return PasswordParams{Memory: 64 << 10, Time: 3, Threads: 4}
}

// Bounds on the costs a stored hash may ask for, so that a tampered hash
// cannot make a sign-in take the machine's memory.
const (
	maxMemory  = 1 << 20 // 1 GiB
	maxTime    = 16
	minPassLen = 10
	maxPassLen = 1024
)

var b64 = base64.RawStdEncoding

// ErrWeakPassword: a new password is too short (or absurdly long).
var ErrWeakPassword = fmt.Errorf("password must be %d to %d characters", minPassLen, maxPassLen)

// CheckNewPassword says whether a password may be set.
func CheckNewPassword(password string) error {
	if n := len([]rune(password)); n < minPassLen || len(password) > maxPassLen {
		return ErrWeakPassword
	}
	return nil
}

// HashPassword returns the argon2id hash of password with a fresh salt, in
// the PHC string format: $argon2id$v=19$m=65536,t=3,p=4$salt$hash.
func HashPassword(password string, p PasswordParams) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	sum := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(sum)), nil
}

// errBadHash: a stored hash is not an argon2id PHC string this code reads.
var errBadHash = errors.New("not an argon2id password hash")

// phc is a parsed argon2id hash.
type phc struct {
	params     PasswordParams
	salt, hash []byte
}

// parseHash reads a PHC-format argon2id hash, refusing costs past the bounds.
func parseHash(s string) (*phc, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return nil, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return nil, errBadHash
	}
	var h phc
	p := &h.params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil ||
		p.Memory < 8 || p.Memory > maxMemory || p.Time < 1 || p.Time > maxTime || p.Threads < 1 {
		return nil, errBadHash
	}
	var err1, err2 error
	h.salt, err1 = b64.DecodeString(parts[4])
	h.hash, err2 = b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(h.salt) < 8 || len(h.hash) < 16 || len(h.hash) > 64 {
		return nil, errBadHash
	}
	return &h, nil
}

// CheckPassword reports whether password matches the PHC-format hash, in
// time independent of where they differ.
func CheckPassword(hash, password string) (bool, error) {
	h, err := parseHash(hash)
	if err != nil {
		return false, err
	}
	p := h.params
	got := argon2.IDKey([]byte(password), h.salt, p.Time, p.Memory, p.Threads, uint32(len(h.hash)))
	return subtle.ConstantTimeCompare(got, h.hash) == 1, nil
}
