package lts

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Accounts are the operators who sign in to the admin console, and their
// sessions. Sessions live in the store, so that every ltsd replica on one
// database knows them.
type Accounts interface {
	// CreateAccount stores a new account (ErrExists when the name is taken).
	CreateAccount(ctx context.Context, a *Account) error
	// Account returns one account (ErrNotFound).
	Account(ctx context.Context, name string) (*Account, error)
	// Accounts returns every account, by name.
	Accounts(ctx context.Context) ([]Account, error)
	// SetAccountPassword replaces an account's password hash and ends
	// every session of the account (ErrNotFound).
	SetAccountPassword(ctx context.Context, name, hash string, now time.Time) error
	// DeleteAccount removes an account and ends its sessions (ErrNotFound).
	DeleteAccount(ctx context.Context, name string) error
	// CreateSession stores a new session of an existing account
	// (ErrNotFound when the account is gone, ErrExists for a taken id).
	CreateSession(ctx context.Context, s *Session) error
	// Session returns the session with the id, unless it expired at now
	// (ErrNotFound either way).
	Session(ctx context.Context, id string, now time.Time) (*Session, error)
	// DeleteSession ends one session; ending one that is gone is no error.
	DeleteSession(ctx context.Context, id string) error
}

// Role is what an account may do in the console.
type Role string

// The roles.
const (
	// RoleAdmin sees everything and acts: revokes devices, creates
	// handshake codes, imports licenses.
	RoleAdmin Role = "admin"
	// RoleReadOnly sees everything and changes nothing.
	RoleReadOnly Role = "read-only"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleReadOnly }

// Account is an operator of the admin console.
type Account struct {
	Name string `json:"name"`
	Role Role   `json:"role"`
	// PasswordHash is the password in the PHC string format
	// ("$argon2id$v=19$m=…,t=…,p=…$salt$hash"); the console makes and
	// checks it, the store only keeps it.
	PasswordHash    string    `json:"password_hash"`
	Created         time.Time `json:"created"`
	PasswordChanged time.Time `json:"password_changed"`
}

// Validate checks an account before it is stored.
func (a *Account) Validate() error {
	if err := ValidateAccountName(a.Name); err != nil {
		return err
	}
	if !a.Role.Valid() {
		return fmt.Errorf("%w: role %q (want %s or %s)", ErrInvalid, a.Role, RoleAdmin, RoleReadOnly)
	}
	if a.PasswordHash == "" {
		return fmt.Errorf("%w: account %s has no password hash", ErrInvalid, a.Name)
	}
	return nil
}

// ValidateAccountName checks an account name: 1 to 64 letters, digits and
// ".", "_", "-", "@".
func ValidateAccountName(name string) error {
	ok := name != "" && len(name) <= 64 && !strings.ContainsFunc(name, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-@", r))
	})
	if !ok {
		return fmt.Errorf("%w: account name %q (1 to 64 letters, digits and . _ - @)", ErrInvalid, name)
	}
	return nil
}

// Session is a signed-in browser. Its ID is a hash of the secret the
// browser holds in its cookie, so that the store never holds a usable
// session secret.
type Session struct {
	ID      string    `json:"id"`
	Account string    `json:"account"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
}
