package lts

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"sync"
	"time"
)

// PasswordCacheFor is how long a session password, once verified against
// its PBKDF2 hash, is accepted again without the hash being computed.
const PasswordCacheFor = 10 * time.Minute

// passwordCacheMax bounds the codes a cache remembers; past it the expired
// ones are dropped, and when none is expired the cache remembers nothing
// new (a password is then verified in full each time).
const passwordCacheMax = 100_000

// passwordCache remembers, per handshake code, which session password was
// last verified against the code's hash, so that a fleet authorizing under
// one code pays for PBKDF2 once per PasswordCacheFor and replica, not once
// per request. It keeps no password: an entry is an HMAC-SHA256, under a
// key drawn when the cache is made and never stored, of the code, the hash
// it was verified against (salt and all) and the password. So:
//
//   - Only a password that verified makes an entry; a guess that does not
//     match an entry is checked by PBKDF2 as before (and counted by the
//     attempt limits, which run around the check). A wrong guess gets no
//     faster answer, and only the code's true password matches an entry.
//   - A new hash for the code (another password) matches no old entry.
//   - Nothing reaches the store or disk: a stolen store or backup still
//     costs PBKDF2 per guess. Reading the entries offline needs the key,
//     which lives only in the process's memory, where the request
//     plaintexts (passwords included) and the LTS's private key already
//     are.
type passwordCache struct {
	key    [32]byte
	ttl    time.Duration
	verify func(h *PasswordHash, password string) bool

	mu      sync.Mutex
	entries map[string]verifiedPassword // by handshake code
}

type verifiedPassword struct {
	mac   [sha256.Size]byte
	until time.Time
}

func newPasswordCache(ttl time.Duration) *passwordCache {
	c := &passwordCache{ttl: ttl, verify: (*PasswordHash).Check, entries: map[string]verifiedPassword{}}
	rand.Read(c.key[:])
	return c
}

// check reports whether password is the session password of code, whose
// hash is h, at now.
func (c *passwordCache) check(code string, h *PasswordHash, password string, now time.Time) bool {
	mac := c.mac(code, h, password)
	c.mu.Lock()
	e, ok := c.entries[code]
	c.mu.Unlock()
	if ok && now.Before(e.until) && hmac.Equal(e.mac[:], mac[:]) {
		return true
	}
	if !c.verify(h, password) {
		return false
	}
	c.remember(code, verifiedPassword{mac: mac, until: now.Add(c.ttl)}, now)
	return true
}

func (c *passwordCache) remember(code string, e verifiedPassword, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[code]; !ok && len(c.entries) >= passwordCacheMax {
		for k, old := range c.entries {
			if !now.Before(old.until) {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= passwordCacheMax {
			return
		}
	}
	c.entries[code] = e
}

// mac is the entry of a password verified against h under code: each
// part is length-prefixed, so that no two different triples share it.
func (c *passwordCache) mac(code string, h *PasswordHash, password string) [sha256.Size]byte {
	m := hmac.New(sha256.New, c.key[:])
	var n [8]byte
	for _, part := range [][]byte{[]byte(code), h.Salt, h.Hash, []byte(password)} {
		binary.BigEndian.PutUint64(n[:], uint64(len(part)))
		m.Write(n[:])
		m.Write(part)
	}
	binary.BigEndian.PutUint64(n[:], uint64(h.Iterations))
	m.Write(n[:])
	var out [sha256.Size]byte
	m.Sum(out[:0])
	return out
}
