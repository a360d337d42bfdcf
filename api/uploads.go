package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Who may upload images to POST /v1/decode (Config.Uploads).
const (
	// UploadsRead lets every peer that may read upload: the default.
	UploadsRead = "read"
	// UploadsAdmin lets only admin peers upload, so that no local user
	// outside the admin group can spend the license's scan quota.
	UploadsAdmin = "admin"
	// UploadsOff refuses every upload.
	UploadsOff = "off"
)

// memoryBudget bounds the bytes of upload bodies held in memory at once,
// being received or waiting to be decoded. A body takes its memory as it
// grows, so a body that trickles in holds next to nothing: a slow client
// cannot lock others out by being slow.
type memoryBudget struct {
	limit int64
	used  atomic.Int64
}

// take reserves n bytes, or reports that they are not there.
func (b *memoryBudget) take(n int64) bool {
	for {
		used := b.used.Load()
		if used+n > b.limit {
			return false
		}
		if b.used.CompareAndSwap(used, used+n) {
			return true
		}
	}
}

func (b *memoryBudget) give(n int64) { b.used.Add(-n) }

// uploadBody is an upload's bytes and the memory they hold in the budget.
type uploadBody struct {
	data   []byte
	budget *memoryBudget
}

// release zeroes the bytes (they are image data) and gives their memory
// back. It may be called more than once.
func (u *uploadBody) release() {
	if u.data == nil {
		return
	}
	clear(u.data[:cap(u.data)])
	u.budget.give(int64(cap(u.data)))
	u.data = nil
}

// readUploadBody reads a request body of at most limit bytes within the
// body timeout, growing its buffer from the memory budget. A body that
// does not arrive in time is answered 408 body_timeout; when the budget
// is spent, 429 busy.
func (s *Server) readUploadBody(w http.ResponseWriter, r *http.Request, limit int64) (*uploadBody, error) {
	if r.ContentLength > limit {
		return nil, fmt.Errorf("%w: %d bytes, the limit is %d", ErrBodyTooLarge, r.ContentLength, limit)
	}
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Now().Add(s.cfg.BodyTimeout.D()))
	defer rc.SetReadDeadline(time.Time{})
	body := http.MaxBytesReader(w, r.Body, limit)
	u := &uploadBody{budget: s.budget}
	for {
		if len(u.data) == cap(u.data) {
			if err := u.grow(limit, r.ContentLength); err != nil {
				u.release()
				w.Header().Set("Retry-After", "1")
				return nil, err
			}
		}
		n, err := body.Read(u.data[len(u.data):cap(u.data)])
		u.data = u.data[:len(u.data)+n]
		if err == nil {
			continue
		}
		if errors.Is(err, io.EOF) {
			return u, nil
		}
		u.release()
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			return nil, fmt.Errorf("%w: the limit is %d bytes", ErrBodyTooLarge, limit)
		case errors.Is(err, os.ErrDeadlineExceeded):
			return nil, fmt.Errorf("%w (%v)", ErrBodyTimeout, s.cfg.BodyTimeout)
		default:
			return nil, fmt.Errorf("%w: reading the body: %w", ErrBadRequest, err)
		}
	}
}

// grow doubles the buffer, from 64 KiB up to one byte past the declared
// length or the limit (the byte that tells the body is longer), taking the
// new buffer's memory from the budget before it is allocated. The length
// a client declares is not reserved up front: a client that declares 16
// MiB and sends a byte a second holds 64 KiB.
func (u *uploadBody) grow(limit, declared int64) error {
	size := min(max(2*int64(cap(u.data)), 64<<10), limit+1)
	if declared >= 0 && int64(cap(u.data)) <= declared {
		size = min(size, declared+1)
	}
	if !u.budget.take(size) {
		return fmt.Errorf("%w: uploads hold %d of %d bytes of memory", ErrBusy, u.budget.used.Load(), u.budget.limit)
	}
	old := u.data
	u.data = make([]byte, len(old), size)
	copy(u.data, old)
	if old != nil {
		clear(old[:cap(old)])
		u.budget.give(int64(cap(old)))
	}
	return nil
}

// rateLimiter is a token bucket per peer uid: rate uploads a second, with
// bursts of burst.
type rateLimiter struct {
	rate  float64
	burst float64
	clock func() time.Time

	mu      sync.Mutex
	buckets map[uint32]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// maxBuckets bounds the peers remembered.
const maxBuckets = 4096

func newRateLimiter(rate float64, burst int, clock func() time.Time) *rateLimiter {
	return &rateLimiter{rate: rate, burst: float64(max(burst, 1)), clock: clock, buckets: map[uint32]*bucket{}}
}

// allow takes a token for uid, or says how long until there is one.
func (l *rateLimiter) allow(uid uint32) (bool, time.Duration) {
	if l == nil || l.rate <= 0 {
		return true, 0
	}
	now := l.clock()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[uid]
	if b == nil {
		if len(l.buckets) >= maxBuckets {
			l.forget(now)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[uid] = b
	}
	b.refill(now, l.rate, l.burst)
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}

func (b *bucket) refill(now time.Time, rate, burst float64) {
	if d := now.Sub(b.at); d > 0 {
		b.tokens = math.Min(burst, b.tokens+d.Seconds()*rate)
		b.at = now
	}
}

// forget makes room for a new peer by dropping the bucket with the most
// tokens: a peer that has not uploaded lately loses nothing by it, and a
// peer that has used up its tokens keeps its bucket unless every bucket
// is as empty.
func (l *rateLimiter) forget(now time.Time) {
	var fullest uint32
	most := -1.0
	for uid, b := range l.buckets {
		b.refill(now, l.rate, l.burst)
		if b.tokens > most {
			fullest, most = uid, b.tokens
		}
	}
	delete(l.buckets, fullest)
}

// retryAfter formats a wait as whole seconds for the Retry-After header.
func retryAfter(d time.Duration) string {
	return strconv.Itoa(max(1, int(math.Ceil(d.Seconds()))))
}

// readBody reads a small request body (debug export settings) of at most
// limit bytes, within the body timeout and the memory budget like an
// upload.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	u, err := s.readUploadBody(w, r, limit)
	if err != nil {
		return nil, err
	}
	defer u.release()
	return bytes.Clone(u.data), nil
}
