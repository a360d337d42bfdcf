package boltstore

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/scannerd/scannerd/licensing/lts"
	bolt "go.etcd.io/bbolt"
)

// CreateAccount implements lts.Accounts.
func (s *Store) CreateAccount(ctx context.Context, a *lts.Account) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return s.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAccounts)
		if b.Get([]byte(a.Name)) != nil {
			return fmt.Errorf("account %s: %w", a.Name, lts.ErrExists)
		}
		return putJSON(b, []byte(a.Name), a)
	})
}

// Account implements lts.Accounts.
func (s *Store) Account(ctx context.Context, name string) (*lts.Account, error) {
	var a lts.Account
	err := s.view(ctx, func(tx *bolt.Tx) error {
		found, err := getJSON(tx.Bucket(bucketAccounts), []byte(name), &a)
		if err == nil && !found {
			err = fmt.Errorf("account %s: %w", name, lts.ErrNotFound)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// Accounts implements lts.Accounts.
func (s *Store) Accounts(ctx context.Context) ([]lts.Account, error) {
	var out []lts.Account
	err := s.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketAccounts).ForEach(func(k, v []byte) error {
			var a lts.Account
			if err := json.Unmarshal(v, &a); err != nil {
				return fmt.Errorf("corrupt account %q: %w", k, err)
			}
			out = append(out, a)
			return nil
		})
	})
	return out, err
}

// SetAccountPassword implements lts.Accounts.
func (s *Store) SetAccountPassword(ctx context.Context, name, hash string, now time.Time) error {
	return s.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAccounts)
		var a lts.Account
		found, err := getJSON(b, []byte(name), &a)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("account %s: %w", name, lts.ErrNotFound)
		}
		a.PasswordHash, a.PasswordChanged = hash, now
		if err := a.Validate(); err != nil {
			return err
		}
		if err := putJSON(b, []byte(name), &a); err != nil {
			return err
		}
		return endSessions(tx, name)
	})
}

// DeleteAccount implements lts.Accounts.
func (s *Store) DeleteAccount(ctx context.Context, name string) error {
	return s.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAccounts)
		if b.Get([]byte(name)) == nil {
			return fmt.Errorf("account %s: %w", name, lts.ErrNotFound)
		}
		if err := b.Delete([]byte(name)); err != nil {
			return err
		}
		return endSessions(tx, name)
	})
}

// endSessions deletes every session of an account.
func endSessions(tx *bolt.Tx, account string) error {
	sb, ib := tx.Bucket(bucketSessions), tx.Bucket(bucketAcctSess)
	prefix := key(account, "")
	c := ib.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Seek(prefix) {
		if err := sb.Delete(k[len(prefix):]); err != nil {
			return err
		}
		if err := c.Delete(); err != nil {
			return err
		}
	}
	return nil
}

// CreateSession implements lts.Accounts.
func (s *Store) CreateSession(ctx context.Context, sess *lts.Session) error {
	if sess.ID == "" {
		return fmt.Errorf("%w: session without an id", lts.ErrInvalid)
	}
	return s.update(ctx, func(tx *bolt.Tx) error {
		if tx.Bucket(bucketAccounts).Get([]byte(sess.Account)) == nil {
			return fmt.Errorf("account %s: %w", sess.Account, lts.ErrNotFound)
		}
		sb := tx.Bucket(bucketSessions)
		if sb.Get([]byte(sess.ID)) != nil {
			return fmt.Errorf("session: %w", lts.ErrExists)
		}
		if err := putJSON(sb, []byte(sess.ID), sess); err != nil {
			return err
		}
		return tx.Bucket(bucketAcctSess).Put(key(sess.Account, sess.ID), nil)
	})
}

// Session implements lts.Accounts.
func (s *Store) Session(ctx context.Context, id string, now time.Time) (*lts.Session, error) {
	var sess lts.Session
	err := s.view(ctx, func(tx *bolt.Tx) error {
		found, err := getJSON(tx.Bucket(bucketSessions), []byte(id), &sess)
		if err == nil && (!found || !now.Before(sess.Expires)) {
			err = fmt.Errorf("session: %w", lts.ErrNotFound)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &sess, nil
}

// DeleteSession implements lts.Accounts.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	return s.update(ctx, func(tx *bolt.Tx) error {
		sb := tx.Bucket(bucketSessions)
		var sess lts.Session
		found, err := getJSON(sb, []byte(id), &sess)
		if err != nil || !found {
			return err
		}
		if err := sb.Delete([]byte(id)); err != nil {
			return err
		}
		return tx.Bucket(bucketAcctSess).Delete(key(sess.Account, id))
	})
}

// pruneSessions deletes the sessions expired at now.
func pruneSessions(tx *bolt.Tx, now time.Time) (int, error) {
	sb, ib := tx.Bucket(bucketSessions), tx.Bucket(bucketAcctSess)
	var expired []lts.Session
	err := sb.ForEach(func(k, v []byte) error {
		var sess lts.Session
		if err := json.Unmarshal(v, &sess); err != nil {
			return fmt.Errorf("corrupt session: %w", err)
		}
		if !now.Before(sess.Expires) {
			expired = append(expired, sess)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, sess := range expired {
		if err := sb.Delete([]byte(sess.ID)); err != nil {
			return 0, err
		}
		if err := ib.Delete(key(sess.Account, sess.ID)); err != nil {
			return 0, err
		}
	}
	return len(expired), nil
}
