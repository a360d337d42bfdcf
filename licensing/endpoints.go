package licensing

import (
	"sort"
	"sync"
	"time"

	"github.com/scannerd/scannerd/internal/backoff"
)

// endpoints are the URLs of the LTS replicas a device may reach (lts_url
// and lts_urls). A request goes to the one that answered last; when it
// cannot be reached the next is tried, and so on. A URL that failed is
// passed over until its back-off has passed, unless every URL is backing
// off: then they are tried in the order they come free, so that a device
// never stops trying.
type endpoints struct {
	policy backoff.Policy

	mu       sync.Mutex
	urls     []endpoint
	last     int // index of the URL that answered last, -1 before any
	answered time.Time
}

type endpoint struct {
	url      string
	failures int
	retryAt  time.Time
}

func newEndpoints(urls []string, policy backoff.Policy) *endpoints {
	e := &endpoints{policy: policy, last: -1}
	for _, u := range urls {
		e.urls = append(e.urls, endpoint{url: u})
	}
	return e
}

// order returns the indexes of the URLs to try at now, in turn.
func (e *endpoints) order(now time.Time) []int {
	e.mu.Lock()
	defer e.mu.Unlock()
	var ready, waiting []int
	start := max(e.last, 0)
	for k := range e.urls {
		i := (start + k) % len(e.urls)
		if now.Before(e.urls[i].retryAt) {
			waiting = append(waiting, i)
		} else {
			ready = append(ready, i)
		}
	}
	sort.SliceStable(waiting, func(a, b int) bool { return e.urls[waiting[a]].retryAt.Before(e.urls[waiting[b]].retryAt) })
	return append(ready, waiting...)
}

func (e *endpoints) url(i int) string { return e.urls[i].url }

// failed records that URL i could not take a request at now.
func (e *endpoints) failed(i int, now time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	u := &e.urls[i]
	u.failures++
	u.retryAt = now.Add(e.policy.Delay(u.failures))
}

// ok records that URL i answered at now.
func (e *endpoints) ok(i int, now time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.urls[i].failures, e.urls[i].retryAt = 0, time.Time{}
	e.last, e.answered = i, now
}

// lastAnswered returns the URL that answered last and when (empty before
// any answered).
func (e *endpoints) lastAnswered() (string, time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.last < 0 {
		return "", time.Time{}
	}
	return e.urls[e.last].url, e.answered
}
