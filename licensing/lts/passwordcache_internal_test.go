package lts

import (
	"strconv"
	"testing"
	"time"
)

// TestPasswordCacheVerifiesOncePerCodeAndLifetime checks what the cache
// saves and what it must not: a verified password is accepted without
// PBKDF2 until its entry expires; a wrong one is checked in full every
// time, also while the right one is remembered; a new hash for the code
// (a new password) is never answered from an entry of the old one.
func TestPasswordCacheVerifiesOncePerCodeAndLifetime(t *testing.T) {
	t.Parallel()
	hash, err := HashPassword("right")
	if err != nil {
		t.Fatal(err)
	}
	other, err := HashPassword("new")
	if err != nil {
		t.Fatal(err)
	}
	c := newPasswordCache(time.Minute)
	verified := 0
	c.verify = func(h *PasswordHash, password string) bool {
		verified++
		return h.Check(password)
	}
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	steps := []struct {
		name     string
		code     string
		hash     *PasswordHash
		password string
		at       time.Duration
		ok       bool
		verified int // PBKDF2 checks so far
	}{
		{"first check is PBKDF2", "C1", hash, "right", 0, true, 1},
		{"then remembered", "C1", hash, "right", 30 * time.Second, true, 1},
		{"a wrong guess is checked in full", "C1", hash, "wrong", 31 * time.Second, false, 2},
		{"and never remembered", "C1", hash, "wrong", 32 * time.Second, false, 3},
		{"the right one still is", "C1", hash, "right", 33 * time.Second, true, 3},
		{"an empty password is a guess too", "C1", hash, "", 34 * time.Second, false, 4},
		{"another code has its own entry", "C2", hash, "right", 35 * time.Second, true, 5},
		{"until the entry expires", "C1", hash, "right", time.Minute, true, 6},
		{"a new hash does not take the old password", "C1", other, "right", 61 * time.Second, false, 7},
		{"and takes its own", "C1", other, "new", 62 * time.Second, true, 8},
		{"remembered under the new hash", "C1", other, "new", 63 * time.Second, true, 8},
		{"the old hash is checked in full again", "C1", hash, "right", 64 * time.Second, true, 9},
	}
	for _, s := range steps {
		if got := c.check(s.code, s.hash, s.password, now.Add(s.at)); got != s.ok || verified != s.verified {
			t.Fatalf("%s: check = %v after %d PBKDF2 checks, want %v after %d", s.name, got, verified, s.ok, s.verified)
		}
	}
}

// TestPasswordCacheIsBounded checks that a full cache drops expired
// entries to take a new one, and remembers nothing new while all are live.
func TestPasswordCacheIsBounded(t *testing.T) {
	t.Parallel()
	hash := &PasswordHash{Salt: []byte("salt"), Iterations: 1, Hash: []byte("h")}
	c := newPasswordCache(time.Minute)
	c.verify = func(*PasswordHash, string) bool { return true }
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	for i := range passwordCacheMax {
		c.remember(strconv.Itoa(i), verifiedPassword{until: now.Add(time.Minute)}, now)
	}
	c.check("new", hash, "pw", now)
	if _, ok := c.entries["new"]; ok || len(c.entries) != passwordCacheMax {
		t.Fatalf("full of live entries: remembered a new one (%d entries)", len(c.entries))
	}
	later := now.Add(2 * time.Minute)
	c.check("new", hash, "pw", later)
	if _, ok := c.entries["new"]; !ok || len(c.entries) != 1 {
		t.Fatalf("expired entries kept: %d entries", len(c.entries))
	}
}
