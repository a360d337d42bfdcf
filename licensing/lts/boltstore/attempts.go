package boltstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/scannerd/scannerd/licensing/lts"
)

// attemptTable is lts.Protocol's Attempt for one process: only one ltsd can
// open a bbolt file, so the table lives in its memory. A crash forgets the
// failures, as a restart of the window would.
type attemptTable struct {
	mu   sync.Mutex
	keys map[string]*attemptKey
}

type attemptKey struct {
	key      string
	turn     chan struct{} // holds a token while no guess on the key runs
	users    int           // guesses holding or waiting for the turn
	start    time.Time     // of the window
	failures int
}

// Attempt implements lts.Protocol.
func (s *Store) Attempt(ctx context.Context, keys []string, rule lts.AttemptRule, check func(context.Context) error) error {
	return s.attempts.attempt(ctx, keys, rule, check)
}

func (t *attemptTable) attempt(ctx context.Context, keys []string, rule lts.AttemptRule, check func(context.Context) error) error {
	keys = slices.Compact(slices.Sorted(slices.Values(keys)))
	var held []*attemptKey
	defer func() { t.release(held) }()
	// Take the keys in order, so that two guesses never wait for each other.
	for _, k := range keys {
		e, err := t.join(k, rule)
		if err != nil {
			return err
		}
		held = append(held, e)
		select {
		case <-e.turn:
		case <-ctx.Done():
			held = held[:len(held)-1]
			t.leave(e)
			return ctx.Err()
		}
	}
	if k := t.exhausted(held, rule); k != "" {
		return fmt.Errorf("%s: %w", k, lts.ErrTooManyAttempts)
	}
	err := check(ctx)
	if errors.Is(err, lts.ErrGuessWrong) {
		t.fail(held, rule.Now)
	}
	return err
}

// exhausted starts a new window on keys whose window has passed and
// returns the first key with no guesses left, or "".
func (t *attemptTable) exhausted(held []*attemptKey, rule lts.AttemptRule) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, e := range held {
		if rule.Now.Sub(e.start) >= rule.Window {
			e.start, e.failures = rule.Now, 0
		}
		if rule.Max > 0 && e.failures >= rule.Max {
			return e.key
		}
	}
	return ""
}

// fail counts a failed guess against every key held.
func (t *attemptTable) fail(held []*attemptKey, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, e := range held {
		if e.failures == 0 {
			e.start = now
		}
		e.failures++
	}
}

// join finds or makes the entry of key and counts the caller as its user.
// A new key when the table is full fails closed.
func (t *attemptTable) join(key string, rule lts.AttemptRule) (*attemptKey, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.keys == nil {
		t.keys = map[string]*attemptKey{}
	}
	e := t.keys[key]
	if e == nil {
		if rule.Capacity > 0 && len(t.keys) >= rule.Capacity {
			for k, old := range t.keys {
				if old.users == 0 && (old.failures == 0 || rule.Now.Sub(old.start) >= rule.Window) {
					delete(t.keys, k)
				}
			}
			if len(t.keys) >= rule.Capacity {
				return nil, fmt.Errorf("%w: %d keys with failed attempts tracked, the most allowed: refusing new ones until windows pass", lts.ErrTooManyAttempts, len(t.keys))
			}
		}
		e = &attemptKey{key: key, turn: make(chan struct{}, 1)}
		e.turn <- struct{}{}
		t.keys[key] = e
	}
	e.users++
	return e, nil
}

// release gives back the turns held, in reverse order.
func (t *attemptTable) release(held []*attemptKey) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i := len(held) - 1; i >= 0; i-- {
		held[i].turn <- struct{}{}
		t.dropLocked(held[i])
	}
}

// leave forgets a user that gave up waiting.
func (t *attemptTable) leave(e *attemptKey) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.dropLocked(e)
}

// dropLocked counts a user out and forgets an entry nobody uses that has
// no failures.
func (t *attemptTable) dropLocked(e *attemptKey) {
	e.users--
	if e.users == 0 && e.failures == 0 {
		delete(t.keys, e.key)
	}
}
