package console

import (
	"strings"
	"testing"
)

func TestPasswordHash(t *testing.T) {
	p := PasswordParams{Memory: 64, Time: 1, Threads: 1}
	h, err := HashPassword("correct horse battery", p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("hash %q is not a PHC argon2id string", h)
	}
	if ok, err := CheckPassword(h, "correct horse battery"); !ok || err != nil {
		t.Errorf("right password: %v, %v", ok, err)
	}
	if ok, err := CheckPassword(h, "correct horse batterz"); ok || err != nil {
		t.Errorf("wrong password: %v, %v", ok, err)
	}
	h2, _ := HashPassword("correct horse battery", p)
	if h2 == h {
		t.Error("two hashes of one password are equal: no salt")
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$" + strings.Repeat("A", 43),
		"$argon2id$v=19$m=4194304,t=1,p=1$c2FsdHNhbHQ$" + strings.Repeat("A", 43), // 4 GiB
		"$argon2id$v=19$m=64,t=99,p=1$c2FsdHNhbHQ$" + strings.Repeat("A", 43),
		"$argon2id$v=16$m=64,t=1,p=1$c2FsdHNhbHQ$" + strings.Repeat("A", 43),
		"$argon2id$v=19$m=64,t=1,p=1$!!$" + strings.Repeat("A", 43)} {
		if ok, err := CheckPassword(bad, "x"); ok || err == nil {
			t.Errorf("hash %q: %v, %v; want an error", bad, ok, err)
		}
	}
	if CheckNewPassword("short") == nil || CheckNewPassword("long enough now") != nil {
		t.Error("CheckNewPassword")
	}
}

// FuzzParseHash: hashes come from the store, which an attacker with write
// access to it could fill; a bad one is an error, never a panic.
func FuzzParseHash(f *testing.F) {
	f.Add("$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$YWJjZGVmZ2hpamtsbW5vcA", "pw")
	f.Add("$argon2id$v=19$m=8,t=1,p=255$c2FsdHNhbHQ$YWJjZGVmZ2hpamtsbW5vcA", "")
	f.Fuzz(func(t *testing.T, hash, _ string) {
		h, err := parseHash(hash)
		if err == nil && (h.params.Memory > maxMemory || h.params.Time > maxTime || len(h.hash) > 64) {
			t.Fatalf("costs past the bounds accepted: %+v", h.params)
		}
	})
}
