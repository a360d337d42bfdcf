package sink_test

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/scannerd/scannerd/sink"
)

const hookSecret = "s3cret-hook-key"

// receiver is an HTTPS webhook endpoint that checks every request's
// signature with its own HMAC and records the results it accepts.
type receiver struct {
	t   testing.TB
	srv *httptest.Server
	ca  string // PEM file of its certificate

	mu sync.Mutex
	// got are the texts of accepted requests, in arrival order.
	got []string
	// answer, when set, picks the status of the request numbered n (from
	// 0); recorded says whether the result is recorded anyway (a receiver
	// that stored it but whose answer was lost).
	answer   func(n int) (status int, recorded bool)
	requests int
	badSigs  int
	// hang, when set, holds every request until it is closed.
	hang chan struct{}
	// header is added to every answer.
	header http.Header
	// accepted, when set, is called with each result accepted.
	accepted func(payload)
}

func newReceiver(t testing.TB) *receiver {
	r := &receiver{t: t}
	r.srv = httptest.NewUnstartedServer(http.HandlerFunc(r.serve))
	r.srv.Config.ErrorLog = log.New(io.Discard, "", 0) // handshakes cut by Close
	r.srv.StartTLS()
	t.Cleanup(func() {
		r.release()
		r.srv.Close()
	})
	r.ca = writeFile(t, "ca.pem", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: r.srv.Certificate().Raw})))
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	hang := r.hang
	r.mu.Unlock()
	if hang != nil {
		<-hang
	}
	ts := req.Header.Get(sink.HeaderTimestamp)
	mac := hmac.New(sha256.New, []byte(hookSecret))
	mac.Write([]byte(ts + "." + string(body)))
	want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	var p payload
	err := json.Unmarshal(body, &p)
	r.mu.Lock()
	defer r.mu.Unlock()
	n := r.requests
	r.requests++
	sec, terr := strconv.ParseInt(ts, 10, 64)
	if !hmac.Equal([]byte(req.Header.Get(sink.HeaderSignature)), []byte(want)) || terr != nil ||
		time.Since(time.Unix(sec, 0)).Abs() > time.Minute || err != nil ||
		(p.ID != 0 && req.Header.Get(sink.HeaderResultID) != strconv.FormatUint(p.ID, 10)) ||
		req.Header.Get("Content-Type") != "application/json" {
		r.badSigs++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	status, recorded := http.StatusNoContent, true
	if r.answer != nil {
		status, recorded = r.answer(n)
	}
	if recorded {
		r.got = append(r.got, p.Text)
		if r.accepted != nil {
			r.accepted(p)
		}
	}
	for k, v := range r.header {
		w.Header()[k] = v
	}
	w.WriteHeader(status)
}

// release lets held requests, and later ones, through.
func (r *receiver) release() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.hang != nil {
		close(r.hang)
		r.hang = nil
	}
}

func (r *receiver) received() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.got...)
}

func (r *receiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got)
}

func (r *receiver) spec(name string) sink.Spec {
	secretFile := writeFile(r.t, "hook.key", hookSecret+"\n")
	return sink.Spec{Name: name, RetryMin: dur(time.Millisecond), RetryMax: dur(20 * time.Millisecond),
		Webhook: &sink.WebhookSpec{URL: r.srv.URL + "/scans?token=hidden", SecretFile: secretFile, CAFile: r.ca}}
}

func TestWebhookDeliversSignedResultsInOrder(t *testing.T) {
	t.Parallel()
	r := newReceiver(t)
	s := newSet(t, sink.Env{}, r.spec("hook"))
	deliver(s, 0, 60)
	// The receiver has a result before the sink has its answer: wait for
	// both.
	waitFor(t, "60 deliveries", func() bool { return r.count() == 60 && statusOf(t, s, "hook").Delivered == 60 })
	inOrder(t, r.received(), texts(0, 60))
	st := statusOf(t, s, "hook")
	if st.Delivered != 60 || st.Dropped != 0 || st.Retried != 0 || st.State != sink.StateOK || st.Kind != sink.KindWebhook {
		t.Errorf("status %+v", st)
	}
	if st.Target != r.srv.URL+"/scans" {
		t.Errorf("target %q: want the URL without its query", st.Target)
	}
	if r.badSigs != 0 {
		t.Errorf("%d requests with a bad signature, timestamp or id", r.badSigs)
	}
}

// TestWebhookRetriesAtLeastOnceInOrder: a receiver that fails, or stores a
// result but loses its answer, gets every result again until it says 2xx;
// results keep their order, and the one retried may arrive twice.
func TestWebhookRetriesAtLeastOnceInOrder(t *testing.T) {
	t.Parallel()
	r := newReceiver(t)
	r.answer = func(n int) (int, bool) {
		switch n % 5 {
		case 1:
			return http.StatusServiceUnavailable, false
		case 3:
			return http.StatusInternalServerError, true // stored, answer lost
		}
		return http.StatusOK, true
	}
	s := newSet(t, sink.Env{}, r.spec("hook"))
	deliver(s, 0, 40)
	waitFor(t, "every result", func() bool { return statusOf(t, s, "hook").Delivered == 40 })
	repeats := inOrder(t, r.received(), texts(0, 40))
	st := statusOf(t, s, "hook")
	if repeats == 0 || st.Retried == 0 || st.Dropped != 0 {
		t.Errorf("repeats %d, status %+v: want retries and repeats, no drops", repeats, st)
	}
	if st.LastError == "" || st.LastErrorAt.IsZero() {
		t.Errorf("no last error in %+v", st)
	}
}

// TestWebhookRefusedIsDroppedNotRetried: a 4xx answer means the receiver
// will never take the result: it is dropped, counted, and the next goes.
func TestWebhookRefusedIsDroppedNotRetried(t *testing.T) {
	t.Parallel()
	r := newReceiver(t)
	r.answer = func(n int) (int, bool) {
		if n == 2 {
			return http.StatusUnprocessableEntity, false
		}
		return http.StatusOK, true
	}
	s := newSet(t, sink.Env{}, r.spec("hook"))
	deliver(s, 0, 5)
	waitFor(t, "the results", func() bool { st := statusOf(t, s, "hook"); return st.Delivered+st.Dropped == 5 })
	got := r.received()
	want := []string{text(0), text(1), text(3), text(4)}
	if len(got) != len(want) {
		t.Fatalf("received %q, want %q", got, want)
	}
	inOrder(t, got, want)
	if st := statusOf(t, s, "hook"); st.Dropped != 1 || st.Retried != 0 {
		t.Errorf("status %+v: want one drop, no retries", st)
	}
}

// TestWebhookHungTargetOverflowsAloneAndIsAnnounced: a target that never
// answers fills its own queue; what does not fit is dropped, counted and
// announced, while another sink delivers everything.
func TestWebhookHungTargetOverflowsAloneAndIsAnnounced(t *testing.T) {
	t.Parallel()
	hung, ok := newReceiver(t), newReceiver(t)
	hung.hang = make(chan struct{})
	var mu sync.Mutex
	var notes []sink.Overflow
	env := sink.Env{OverflowEvery: time.Millisecond, OnOverflow: func(o sink.Overflow) {
		mu.Lock()
		notes = append(notes, o)
		mu.Unlock()
	}}
	hs := hung.spec("hung")
	hs.Queue = 4
	hs.Webhook.Timeout = dur(time.Hour)
	s := newSet(t, env, hs, ok.spec("ok"))
	deliver(s, 0, 50)
	waitFor(t, "the working sink", func() bool { return ok.count() == 50 })
	inOrder(t, ok.received(), texts(0, 50))
	st := statusOf(t, s, "hung")
	if st.Overflow != 46 || st.Dropped != 46 || st.Queued != 4 || st.QueueSize != 4 || st.Delivered != 0 {
		t.Errorf("hung sink: %+v; want 46 dropped for overflow and 4 queued", st)
	}
	waitFor(t, "the overflow announced", func() bool {
		mu.Lock()
		defer mu.Unlock()
		var sum uint64
		for _, o := range notes {
			sum += o.Dropped
		}
		return sum == 46 && notes[len(notes)-1].Total == 46 && notes[0].Sink == "hung" && notes[0].QueueSize == 4
	})
	if st := statusOf(t, s, "ok"); st.Dropped != 0 || st.Overflow != 0 {
		t.Errorf("the working sink dropped results: %+v", st)
	}
	// Once the target answers, the 4 queued results go, in order.
	hung.release()
	waitFor(t, "the queued results", func() bool { return hung.count() == 4 })
	inOrder(t, hung.received(), texts(0, 4))
}

// TestCloseDrainsThenGivesUp: Close delivers what is queued while the
// target answers, and once its context ends stops and counts the rest.
func TestCloseDrainsThenGivesUp(t *testing.T) {
	t.Parallel()
	up, down := newReceiver(t), newReceiver(t)
	down.hang = make(chan struct{})
	s := newSet(t, sink.Env{}, up.spec("up"), down.spec("down"))
	deliver(s, 0, 30)
	// The context ends once the working sink has delivered everything: a
	// Close that did not wait for it would return before.
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		defer cancel()
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) {
			if st := s.Status(); st[0].Delivered == 30 {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	s.Close(ctx)
	if up.count() != 30 {
		t.Errorf("Close returned with %d of 30 results delivered to a working target", up.count())
	}
	if st := statusOf(t, s, "down"); st.State != sink.StateStopped || st.Dropped != 30 || st.Queued != 0 {
		t.Errorf("the hung sink after Close: %+v; want stopped, 30 dropped", st)
	}
	if st := statusOf(t, s, "up"); st.State != sink.StateStopped || st.Delivered != 30 || st.Dropped != 0 {
		t.Errorf("the working sink after Close: %+v", st)
	}
	s.Deliver(ids(30, 1), results(30, 1)) // ignored
	if st := statusOf(t, s, "up"); st.Dropped != 0 || st.Overflow != 0 {
		t.Errorf("a result delivered after Close was counted: %+v", st)
	}
}

// A receiver that answers 429 or 503 with Retry-After, in seconds or as an
// HTTP-date, is not tried again before then, and never later than the
// sink's retry_max; without it, or on another status, the sink's own
// backoff holds. It used to retry after its backoff whatever the receiver
// asked (0.47 s after "Retry-After: 1").
func TestWebhookHonoursRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Now().Truncate(time.Second)
	env := &sink.Env{Clock: func() time.Time { return now }, UserAgent: "scannerd-test"}
	for _, tc := range []struct {
		status     int
		retryAfter string
		want       time.Duration // 0: the backoff's, at most retry_min·1.2
	}{
		{http.StatusTooManyRequests, "7", 7 * time.Second},
		{http.StatusServiceUnavailable, "7", 7 * time.Second},
		{http.StatusServiceUnavailable, now.Add(10 * time.Second).UTC().Format(http.TimeFormat), 10 * time.Second},
		{http.StatusTooManyRequests, "3600", 30 * time.Second}, // retry_max
		{http.StatusTooManyRequests, now.Add(-time.Hour).UTC().Format(http.TimeFormat), 0},
		{http.StatusTooManyRequests, "soon", 0},
		{http.StatusTooManyRequests, "", 0},
		{http.StatusBadGateway, "7", 0},
	} {
		r := newReceiver(t)
		r.answer = func(int) (int, bool) { return tc.status, false }
		r.header = http.Header{"Retry-After": {tc.retryAfter}}
		spec := r.spec("hook")
		spec.RetryMin, spec.RetryMax = dur(time.Millisecond), dur(30*time.Second)
		body, _ := json.Marshal(payload{ID: 1, Text: "t"})
		wait, err := sink.WebhookAttempt(context.Background(), &spec, env, &sink.Item{ID: 1}, body)
		ok := err != nil && (tc.want == 0 && wait <= 2*time.Millisecond || wait == tc.want)
		r.mu.Lock()
		bad := r.badSigs
		r.mu.Unlock()
		if !ok || bad != 0 {
			t.Errorf("HTTP %d, Retry-After %q: wait %v (%v), want %v", tc.status, tc.retryAfter, wait, err, cmp.Or(tc.want, time.Millisecond))
		}
	}
}
