package sink

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzParseRetryAfter: whatever a receiver puts in Retry-After, the wait
// read from it is never negative, nothing is read from a value that is
// neither a number of seconds nor an HTTP-date, and a number of seconds
// is read as that many seconds. (The wait is capped at retry_max where it
// is used: TestWebhookHonoursRetryAfter.)
func FuzzParseRetryAfter(f *testing.F) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	for _, s := range []string{"7", " 120 ", "", "soon", "-5", "99999999999", "1e3",
		"Sun, 06 Dec 2026 12:00:10 GMT", "Sun, 06 Dec 2026 11:00:00 GMT", "Sunday, 06-Dec-26 12:00:10 GMT"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := parseRetryAfter(v, now)
		if d < 0 || !ok && d != 0 {
			t.Fatalf("%q: wait %v, %v", v, d, ok)
		}
		if n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 32); err == nil && (!ok || d != time.Duration(n)*time.Second) {
			t.Fatalf("%q: wait %v, %v; want %d s", v, d, ok, n)
		}
	})
}
