package lts

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"
)

// DefaultOfflinePeriod is how long an authorization lets a device decode
// without contacting the LTS, unless the handshake code says otherwise.
const DefaultOfflinePeriod = 7 * 24 * time.Hour

// passwordIterations is the PBKDF2-SHA256 work factor for session passwords.
const passwordIterations = 100_000

// Handshake is a handshake code: it names a customer's license configuration.
// Devices are configured with the code; licenses can be added or renewed
// under it without touching the devices.
type Handshake struct {
	Code          string         `json:"code"`
	Licenses      []string       `json:"licenses"`
	Password      *PasswordHash  `json:"password,omitempty"`
	Domains       []string       `json:"domains,omitempty"`  // device-reported domains allowed (suffix match)
	Networks      []netip.Prefix `json:"networks,omitempty"` // source networks allowed
	OfflinePeriod time.Duration  `json:"offline_period"`
	// GracePercent is how far past its scan quota the handshake may go before
	// authorization is refused; 0 refuses as soon as the quota is used up.
	GracePercent int       `json:"grace_percent"`
	Created      time.Time `json:"created"`
}

// PasswordHash is a salted PBKDF2-SHA256 hash of a session password.
type PasswordHash struct {
	Salt       []byte `json:"salt"`
	Iterations int    `json:"iterations"`
	Hash       []byte `json:"hash"`
}

// HashPassword hashes a session password with a fresh salt.
func HashPassword(password string) (*PasswordHash, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	h, err := pbkdf2.Key(sha256.New, password, salt, passwordIterations, 32)
	if err != nil {
		return nil, fmt.Errorf("hash password: %w", err)
	}
	return &PasswordHash{Salt: salt, Iterations: passwordIterations, Hash: h}, nil
}

// Check reports whether password matches, in constant time.
func (p *PasswordHash) Check(password string) bool {
	if p.Iterations <= 0 || p.Iterations > 10_000_000 {
		return false
	}
	h, err := pbkdf2.Key(sha256.New, password, p.Salt, p.Iterations, len(p.Hash))
	return err == nil && subtle.ConstantTimeCompare(h, p.Hash) == 1
}

// The ranges Validate allows.
const (
	MinOfflinePeriod = time.Hour
	MaxOfflinePeriod = 366 * 24 * time.Hour
	MaxGracePercent  = 1000
)

// Validate checks a handshake before it is stored.
func (h *Handshake) Validate() error {
	if h.Code == "" || len(h.Code) > 64 || strings.ContainsFunc(h.Code, func(r rune) bool { return r <= ' ' || r == '/' || r == 0x7f }) {
		return fmt.Errorf("%w: handshake code %q", ErrInvalid, h.Code)
	}
	if len(h.Licenses) == 0 {
		return fmt.Errorf("%w: a handshake code needs at least one license", ErrInvalid)
	}
	if h.OfflinePeriod < MinOfflinePeriod || h.OfflinePeriod > MaxOfflinePeriod {
		return fmt.Errorf("%w: offline period %v (allowed: 1h to 366 days)", ErrInvalid, h.OfflinePeriod)
	}
	if h.GracePercent < 0 || h.GracePercent > MaxGracePercent {
		return fmt.Errorf("%w: grace percent %d (allowed: 0 to 1000)", ErrInvalid, h.GracePercent)
	}
	for _, d := range h.Domains {
		if d == "" || strings.ContainsAny(d, " /") {
			return fmt.Errorf("%w: domain %q", ErrInvalid, d)
		}
	}
	return nil
}

// AddLicenses adds license ids that h does not have yet.
func (h *Handshake) AddLicenses(ids []string) {
	for _, id := range ids {
		if !slices.Contains(h.Licenses, id) {
			h.Licenses = append(h.Licenses, id)
		}
	}
}

// Bound reports whether the handshake restricts devices by domain or network.
func (h *Handshake) Bound() bool { return len(h.Domains) > 0 || len(h.Networks) > 0 }

// Allows reports whether a device reporting domain and connecting from addr
// passes the domain binding: its domain equals or is under a listed domain,
// or addr is in a listed network.
func (h *Handshake) Allows(domain string, addr netip.Addr) bool {
	if !h.Bound() {
		return true
	}
	domain = strings.TrimSuffix(strings.ToLower(domain), ".")
	for _, d := range h.Domains {
		d = strings.TrimSuffix(strings.ToLower(d), ".")
		if domain != "" && (domain == d || strings.HasSuffix(domain, "."+d)) {
			return true
		}
	}
	addr = addr.Unmap()
	for _, n := range h.Networks {
		if addr.IsValid() && n.Contains(addr) {
			return true
		}
	}
	return false
}

// NewHandshakeCode returns a random code like "K7QF-2M9X-TR4D" (60 bits,
// Crockford base32: no I, L, O, U).
func NewHandshakeCode() string {
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	b := make([]byte, 12)
	rand.Read(b)
	var sb strings.Builder
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(alphabet[c%32])
	}
	return sb.String()
}

// HandshakeView is a handshake code as shown to operators: whether it has a
// session password, never the hash.
type HandshakeView struct {
	Handshake
	HasPassword bool `json:"has_password"`
}

// ViewOf returns the operator's view of h.
func ViewOf(h Handshake) HandshakeView {
	v := HandshakeView{Handshake: h, HasPassword: h.Password != nil}
	v.Password = nil
	return v
}
