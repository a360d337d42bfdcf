package pgstore

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/scannerd/scannerd/licensing/lts"
)

// Attempt implements lts.Protocol. Each key is a transaction-scoped
// advisory lock, taken in key order and held while check runs: the guesses
// on one key run one at a time on every replica, and a failure is written
// before the lock is let go. Keys without failures have no row.
func (s *Store) Attempt(ctx context.Context, keys []string, rule lts.AttemptRule, check func(context.Context) error) error {
	keys = slices.Compact(slices.Sorted(slices.Values(keys)))
	if ctx.Value(nestedAttempt{}) == nil {
		select {
		case s.attempts <- struct{}{}:
			defer func() { <-s.attempts }()
		case <-ctx.Done():
			return ctx.Err()
		}
		ctx = context.WithValue(ctx, nestedAttempt{}, true)
	}
	var checkErr error
	err := s.retry(ctx, false, func() error {
		return tryTx(ctx, s.locks, func(tx pgx.Tx) error {
			checkErr = nil
			for _, k := range keys {
				if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1, hashtext($2))", lockAttempt, k); err != nil {
					return err
				}
			}
			failures := map[string]int{}
			var key string
			var n int
			rows, err := tx.Query(ctx, "SELECT key, failures FROM attempts WHERE key = ANY($1) AND until > $2", keys, rule.Now)
			if err != nil {
				return err
			}
			if _, err := pgx.ForEachRow(rows, []any{&key, &n}, func() error { failures[key] = n; return nil }); err != nil {
				return err
			}
			for _, k := range keys {
				if rule.Max > 0 && failures[k] >= rule.Max {
					return fmt.Errorf("%s: %w", k, lts.ErrTooManyAttempts)
				}
			}
			if rule.Capacity > 0 {
				if err := s.roomFor(ctx, tx, keys, rule); err != nil {
					return err
				}
			}
			checkErr = check(ctx)
			if !errors.Is(checkErr, lts.ErrGuessWrong) {
				return nil
			}
			_, err = tx.Exec(ctx, `INSERT INTO attempts (key, until, failures) SELECT k, $2, 1 FROM unnest($1::text[]) AS k
			ON CONFLICT (key) DO UPDATE SET
				until = CASE WHEN attempts.until <= $3 THEN EXCLUDED.until ELSE attempts.until END,
				failures = CASE WHEN attempts.until <= $3 THEN 1 ELSE attempts.failures + 1 END`,
				keys, rule.Now.Add(rule.Window), rule.Now)
			return err
		})
	})
	if err != nil {
		return err
	}
	return checkErr
}

// nestedAttempt marks the context of a check run by Attempt: an Attempt
// inside it already has its slot.
type nestedAttempt struct{}

// roomFor refuses keys the table has no row for when it holds
// rule.Capacity keys already, after dropping those whose window has passed.
func (s *Store) roomFor(ctx context.Context, tx pgx.Tx, keys []string, rule lts.AttemptRule) error {
	var tracked int
	if err := tx.QueryRow(ctx, "SELECT count(*) FROM attempts WHERE key = ANY($1)", keys).Scan(&tracked); err != nil {
		return err
	}
	if tracked == len(keys) {
		return nil
	}
	var total int
	if err := tx.QueryRow(ctx, "SELECT count(*) FROM attempts").Scan(&total); err != nil {
		return err
	}
	if total < rule.Capacity {
		return nil
	}
	if _, err := tx.Exec(ctx, "DELETE FROM attempts WHERE until <= $1", rule.Now); err != nil {
		return err
	}
	if err := tx.QueryRow(ctx, "SELECT count(*) FROM attempts").Scan(&total); err != nil {
		return err
	}
	if total >= rule.Capacity {
		return fmt.Errorf("%w: %d keys with failed attempts tracked, the most allowed: refusing new ones until windows pass", lts.ErrTooManyAttempts, total)
	}
	return nil
}
