package lts

import (
	"sync"
	"time"
)

// limiter counts failed attempts (wrong passwords, unknown handshake codes)
// per key — a device UUID or a source address — and blocks a key that
// failed max times within window until the window has passed.
type limiter struct {
	max    int
	window time.Duration

	mu       sync.Mutex
	failures map[string]*failureWindow
}

type failureWindow struct {
	start time.Time
	count int
}

// limiterCapacity bounds the memory the limiter can take; when full, windows
// that have passed are dropped.
const limiterCapacity = 100_000

func newLimiter(max int, window time.Duration) *limiter {
	return &limiter{max: max, window: window, failures: map[string]*failureWindow{}}
}

// blocked reports whether any of keys is blocked at now.
func (l *limiter) blocked(now time.Time, keys ...string) bool {
	if l.max <= 0 {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		if f := l.failures[k]; f != nil && now.Sub(f.start) < l.window && f.count >= l.max {
			return true
		}
	}
	return false
}

// fail records a failed attempt for each key.
func (l *limiter) fail(now time.Time, keys ...string) {
	if l.max <= 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.failures) >= limiterCapacity {
		for k, f := range l.failures {
			if now.Sub(f.start) >= l.window {
				delete(l.failures, k)
			}
		}
	}
	for _, k := range keys {
		f := l.failures[k]
		if f == nil || now.Sub(f.start) >= l.window {
			if len(l.failures) >= limiterCapacity {
				continue
			}
			f = &failureWindow{start: now}
			l.failures[k] = f
		}
		f.count++
	}
}
