package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/scannerd/scannerd/licensing/lts"
)

const accountColumns = "name, role, password_hash, created, password_changed"

func scanAccount(row pgx.Row) (lts.Account, error) {
	var a lts.Account
	var role string
	err := row.Scan(&a.Name, &role, &a.PasswordHash, &a.Created, &a.PasswordChanged)
	a.Role, a.Created, a.PasswordChanged = lts.Role(role), a.Created.UTC(), a.PasswordChanged.UTC()
	return a, err
}

// CreateAccount implements lts.Accounts.
func (s *Store) CreateAccount(ctx context.Context, a *lts.Account) error {
	if err := a.Validate(); err != nil {
		return err
	}
	tag, err := s.pool.Exec(ctx, `INSERT INTO accounts (`+accountColumns+`) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
		a.Name, string(a.Role), a.PasswordHash, a.Created, a.PasswordChanged)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("account %s: %w", a.Name, lts.ErrExists)
	}
	return nil
}

// Account implements lts.Accounts.
func (s *Store) Account(ctx context.Context, name string) (*lts.Account, error) {
	a, err := scanAccount(s.pool.QueryRow(ctx, `SELECT `+accountColumns+` FROM accounts WHERE name = $1`, name))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("account %s: %w", name, lts.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// Accounts implements lts.Accounts.
func (s *Store) Accounts(ctx context.Context) ([]lts.Account, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+accountColumns+` FROM accounts ORDER BY name COLLATE "C"`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []lts.Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// SetAccountPassword implements lts.Accounts.
func (s *Store) SetAccountPassword(ctx context.Context, name, hash string, now time.Time) error {
	if hash == "" {
		return fmt.Errorf("%w: empty password hash", lts.ErrInvalid)
	}
	return s.inTx(ctx, true, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, "UPDATE accounts SET password_hash = $2, password_changed = $3 WHERE name = $1", name, hash, now)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("account %s: %w", name, lts.ErrNotFound)
		}
		_, err = tx.Exec(ctx, "DELETE FROM sessions WHERE account = $1", name)
		return err
	})
}

// DeleteAccount implements lts.Accounts. Its sessions go with it (ON
// DELETE CASCADE).
func (s *Store) DeleteAccount(ctx context.Context, name string) error {
	tag, err := s.pool.Exec(ctx, "DELETE FROM accounts WHERE name = $1", name)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("account %s: %w", name, lts.ErrNotFound)
	}
	return nil
}

// CreateSession implements lts.Accounts.
func (s *Store) CreateSession(ctx context.Context, sess *lts.Session) error {
	if sess.ID == "" {
		return fmt.Errorf("%w: session without an id", lts.ErrInvalid)
	}
	tag, err := s.pool.Exec(ctx, `INSERT INTO sessions (id, account, created, expires)
		SELECT $1, name, $3, $4 FROM accounts WHERE name = $2
		ON CONFLICT DO NOTHING`, sess.ID, sess.Account, sess.Created, sess.Expires)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	if _, err := s.Account(ctx, sess.Account); err != nil {
		return err
	}
	return fmt.Errorf("session: %w", lts.ErrExists)
}

// Session implements lts.Accounts.
func (s *Store) Session(ctx context.Context, id string, now time.Time) (*lts.Session, error) {
	var sess lts.Session
	err := s.pool.QueryRow(ctx, "SELECT id, account, created, expires FROM sessions WHERE id = $1 AND expires > $2", id, now).
		Scan(&sess.ID, &sess.Account, &sess.Created, &sess.Expires)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("session: %w", lts.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	sess.Created, sess.Expires = sess.Created.UTC(), sess.Expires.UTC()
	return &sess, nil
}

// DeleteSession implements lts.Accounts.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	_, err := s.pool.Exec(ctx, "DELETE FROM sessions WHERE id = $1", id)
	return err
}
