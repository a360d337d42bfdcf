// Package sink delivers results to places outside the daemon, for devices
// that run no application reading the socket: an HTTPS webhook, an MQTT
// broker, a serial port. Each sink has its own bounded queue in memory and
// its own goroutine, so a sink that hangs or is down never slows decoding
// or the other sinks: Deliver only appends to the queues, and a result
// that does not fit is dropped, counted and announced.
//
// Results are barcode text: sinks keep them in memory only, never on disk.
// Their delivery guarantees are in README.md ("Result sinks").
package sink

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scannerd/scannerd/internal/backoff"
	"github.com/scannerd/scannerd/scanner"
)

// Env is what the sinks need from the daemon.
type Env struct {
	Logger *slog.Logger
	Clock  func() time.Time
	// Encode makes the JSON payload of a result; needed by sinks with the
	// json format.
	Encode Encoder
	// Host is the device's host name: the default MQTT client id, and
	// {{.Host}} in templates.
	Host string
	// UserAgent is sent with webhook requests.
	UserAgent string
	// OnOverflow announces results dropped because a queue was full. It
	// is called from the set's own goroutine, at most once per
	// OverflowEvery for each sink, and must not block for long.
	OnOverflow func(Overflow)
	// OverflowEvery spaces the announcements (default 1 s).
	OverflowEvery time.Duration
	// Drain is how long a sink removed or changed by Apply may take to
	// deliver what it still holds (default 5 s).
	Drain time.Duration
}

// Overflow announces results a sink dropped because its queue was full.
type Overflow struct {
	Sink string `json:"sink"`
	// Dropped counts the results dropped since the previous announcement.
	Dropped uint64 `json:"dropped"`
	// Total counts every result the sink dropped for a full queue.
	Total     uint64 `json:"dropped_total"`
	QueueSize int    `json:"queue_size"`
}

// Status describes one sink.
type Status struct {
	Name   string
	Kind   string // webhook, mqtt, serial
	Target string // where results go, without credentials or query
	// State is "ok" (the last attempt succeeded, or none was needed),
	// "failing" (retrying with backoff) or "stopped".
	State     string
	Delivered uint64
	// Retried counts attempts that failed and were tried again.
	Retried uint64
	// Dropped counts results never delivered: refused by a full queue
	// (Overflow), refused by the target, lost mid-write, or still queued
	// at stop.
	Dropped   uint64
	Overflow  uint64
	Queued    int
	QueueSize int
	LastError string
	// LastErrorAt is when LastError happened (zero: never).
	LastErrorAt time.Time
}

// Sink states.
const (
	StateOK      = "ok"
	StateFailing = "failing"
	StateStopped = "stopped"
)

// transport takes payloads somewhere: one per kind of sink.
type transport interface {
	// send delivers one payload. It returns nil once delivered, an error
	// marked with lost when the result must not be tried again, or any
	// other error to try it again after a backoff.
	send(ctx context.Context, it *Item, payload []byte) error
	// target names where results go, for status.
	target() string
	// close ends connections; called once, after the last send.
	close(ctx context.Context)
}

// A tender is a transport with a connection to keep up even while no
// result waits: the MQTT sink, whose status topic should say "online"
// from the start and again soon after a broker comes back.
type tender interface {
	// attention fires when the connection needs tending.
	attention() <-chan struct{}
	// tend connects when not connected. When it fails, attention fires
	// again (tried after the sink's backoff).
	tend(ctx context.Context) error
}

// lostError marks a result that leaves the queue undelivered.
type lostError struct{ err error }

func (e *lostError) Error() string { return e.err.Error() }
func (e *lostError) Unwrap() error { return e.err }

// lost marks err as final for the result being sent.
func lost(err error) error { return &lostError{err} }

// Set is the daemon's running sinks. NewSet starts nothing; Apply starts
// and replaces sinks; Deliver hands them results; Close drains and stops
// them.
type Set struct {
	env   Env
	sinks atomic.Pointer[[]*sink]

	stopped  atomic.Bool // Close was called: Deliver ignores results
	mu       sync.Mutex  // serializes Apply and Close
	closed   bool
	started  bool
	overflow chan struct{} // a token when some sink overflowed
	quit     chan struct{} // closed by Close: the announcer ends
	wg       sync.WaitGroup
}

// NewSet returns an empty set.
func NewSet(env Env) *Set {
	if env.Logger == nil {
		env.Logger = slog.Default()
	}
	if env.Clock == nil {
		env.Clock = time.Now
	}
	if env.OverflowEvery <= 0 {
		env.OverflowEvery = time.Second
	}
	if env.Drain <= 0 {
		env.Drain = 5 * time.Second
	}
	s := &Set{env: env, overflow: make(chan struct{}, 1), quit: make(chan struct{})}
	s.sinks.Store(&[]*sink{})
	return s
}

// Apply makes the running sinks those of specs: sinks whose spec is
// unchanged keep running with their queues; new and changed ones start;
// removed and changed ones get Env.Drain to deliver what they hold. When a
// spec is invalid or a sink cannot be set up (a secret file that cannot
// be read, a bad CA file), Apply returns the error and changes nothing.
func (s *Set) Apply(specs []Spec) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("sinks are closed")
	}
	old := map[string]*sink{}
	for _, k := range *s.sinks.Load() {
		old[k.spec.Name] = k
	}
	next := make([]*sink, 0, len(specs))
	var fresh []*sink
	kept := map[string]bool{}
	for i := range specs {
		sp := specs[i]
		if err := sp.Validate(); err != nil {
			return err
		}
		if kept[sp.Name] {
			return fmt.Errorf("sink %q: the name is used twice", sp.Name)
		}
		kept[sp.Name] = true
		if k := old[sp.Name]; k != nil && reflect.DeepEqual(k.spec, sp) {
			next = append(next, k)
			continue
		}
		k, err := newSink(sp, &s.env)
		if err != nil {
			for _, f := range fresh {
				f.t.close(context.Background())
			}
			return fmt.Errorf("sink %q: %w", sp.Name, err)
		}
		next = append(next, k)
		fresh = append(fresh, k)
	}
	s.sinks.Store(&next)
	if !s.started {
		s.started = true
		s.wg.Add(1)
		go s.announce()
	}
	for _, k := range fresh {
		k.start()
	}
	running := map[*sink]bool{}
	for _, k := range next {
		running[k] = true
	}
	for _, k := range old {
		if running[k] {
			continue
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), s.env.Drain)
			defer cancel()
			k.stop(ctx)
		}()
	}
	return nil
}

// Deliver offers results to every sink whose filter takes them; ids are
// the results' API ids (nil: none). It never blocks on a sink. A nil Set
// has no sinks.
func (s *Set) Deliver(ids []uint64, results []scanner.Result) {
	if s == nil {
		return
	}
	sinks := *s.sinks.Load()
	if len(sinks) == 0 || len(results) == 0 || s.stopped.Load() {
		return
	}
	overflowed := false
	for i := range results {
		it := Item{Result: results[i]}
		if i < len(ids) {
			it.ID = ids[i]
		}
		for _, k := range sinks {
			// A closed queue is a sink being replaced or stopped: its
			// successor, if any, takes the next results.
			if k.filter.match(&it.Result) && k.q.push(&it) == pushFull {
				k.overflow.Add(1)
				k.dropped.Add(1)
				overflowed = true
			}
		}
	}
	if overflowed {
		select {
		case s.overflow <- struct{}{}:
		default:
		}
	}
}

// Status returns the sinks' states in config order.
func (s *Set) Status() []Status {
	if s == nil {
		return nil
	}
	sinks := *s.sinks.Load()
	out := make([]Status, 0, len(sinks))
	for _, k := range sinks {
		out = append(out, k.status())
	}
	return out
}

// Close stops taking results, lets every sink deliver what it holds until
// ctx ends, then stops them; results still queued are counted as dropped.
// Status keeps reporting the stopped sinks. It is safe to call more than
// once.
func (s *Set) Close(ctx context.Context) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	s.stopped.Store(true)
	sinks := *s.sinks.Load()
	close(s.quit)
	s.mu.Unlock()
	var wg sync.WaitGroup
	for _, k := range sinks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k.stop(ctx)
		}()
	}
	wg.Wait()
	s.wg.Wait()
}

// announce reports overflows, at most once per OverflowEvery per sink.
func (s *Set) announce() {
	defer s.wg.Done()
	announced := map[*sink]uint64{}
	for {
		select {
		case <-s.quit:
			return
		case <-s.overflow:
		}
		for _, k := range *s.sinks.Load() {
			total := k.overflow.Load()
			if n := total - announced[k]; n > 0 {
				announced[k] = total
				k.log.Warn("sink queue full: results dropped", "dropped", n, "dropped_total", total, "queue", k.q.max)
				if s.env.OnOverflow != nil {
					s.env.OnOverflow(Overflow{Sink: k.spec.Name, Dropped: n, Total: total, QueueSize: k.q.max})
				}
			}
		}
		t := time.NewTimer(s.env.OverflowEvery)
		select {
		case <-s.quit:
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// sink is one running sink: its queue, its transport and the goroutine
// that moves results from one to the other.
type sink struct {
	spec   Spec
	kind   string
	filter filter
	format *payloadFormat
	q      *queue
	t      transport
	retry  backoff.Policy
	env    *Env
	log    *slog.Logger

	delivered, retried, dropped, overflow atomic.Uint64

	mu        sync.Mutex
	state     string
	failing   bool
	lastErr   string
	lastErrAt time.Time

	cancel     context.CancelFunc // ends the goroutine
	cancelIdle context.CancelFunc // ends connection tending: stopping
	done       chan struct{}
}

func newSink(spec Spec, env *Env) (*sink, error) {
	f, err := spec.filter()
	if err != nil {
		return nil, err
	}
	format, err := spec.payload()
	if err != nil {
		return nil, err
	}
	k := &sink{spec: spec, kind: spec.Kind(), filter: f, format: format, q: newQueue(spec.queueSize()),
		retry: spec.retry(), env: env, state: StateOK, done: make(chan struct{})}
	k.log = env.Logger.With("sink", spec.Name, "kind", k.kind)
	switch k.kind {
	case KindWebhook:
		k.t, err = newWebhook(spec.Webhook, format.contentType(), env)
	case KindMQTT:
		k.t, err = newMQTT(spec.MQTT, env, k.log)
	case KindSerial:
		k.t, err = newSerial(spec.Serial)
	}
	if err != nil {
		return nil, err
	}
	return k, nil
}

func (k *sink) start() {
	ctx, cancel := context.WithCancel(context.Background())
	idle, cancelIdle := context.WithCancel(ctx)
	k.cancel, k.cancelIdle = cancel, cancelIdle
	go k.run(ctx, idle)
}

// stop refuses new results, waits until the queue is delivered or ctx
// ends, then stops the goroutine and counts what is left as dropped.
func (k *sink) stop(ctx context.Context) {
	k.q.close()
	k.cancelIdle() // a connection being tended is not waited for
	select {
	case <-k.done:
	case <-ctx.Done():
		k.cancel()
		<-k.done
	}
	k.cancel()
	if n := k.q.clear(); n > 0 {
		k.dropped.Add(uint64(n))
		k.log.Warn("sink stopped with results undelivered", "dropped", n)
	}
	k.t.close(ctx)
	k.mu.Lock()
	k.state = StateStopped
	k.mu.Unlock()
}

// run delivers the queue's head until the queue is closed and empty or
// ctx ends. A result that fails is tried again after a backoff and keeps
// its place, so results arrive in order. Tending a connection while no
// result waits stops with idle, when the sink is stopping.
func (k *sink) run(ctx, idle context.Context) {
	defer close(k.done)
	attempt := 0
	var payload []byte
	var attn <-chan struct{}
	tn, tends := k.t.(tender)
	if tends {
		attn = tn.attention()
	}
	for {
		it, got := k.q.peek(ctx, attn)
		switch got {
		case peekEnded:
			return
		case peekAttn:
			if err := tn.tend(idle); err != nil && idle.Err() == nil {
				k.failed(err, true)
				attempt++
				k.retry.Sleep(idle, attempt)
			}
			continue
		}
		if payload == nil {
			p, err := k.format.encode(&it, k.env.Encode, k.env.Host)
			if err != nil {
				k.q.pop()
				k.failed(fmt.Errorf("payload: %w", err), false)
				k.dropped.Add(1)
				continue
			}
			payload = p
		}
		err := k.t.send(ctx, &it, payload)
		var final *lostError
		switch {
		case err == nil:
			k.q.pop()
			payload = nil
			attempt = 0
			k.succeeded()
			k.delivered.Add(1)
		case errors.As(err, &final):
			k.q.pop()
			payload = nil
			k.failed(err, false)
			k.dropped.Add(1)
		default:
			if ctx.Err() != nil {
				return
			}
			// The state and error first: a status that counts this
			// retry shows its error too.
			k.failed(err, true)
			k.retried.Add(1)
			attempt++
			if !backoff.Wait(ctx, retryDelay(k.retry, err, attempt)) {
				return
			}
		}
	}
}

// retryDelay is the wait before retry number attempt after err: the
// backoff's, or longer when the receiver asked for longer (Retry-After),
// but never longer than the backoff's cap (retry_max), so a receiver cannot
// hold a sink for hours.
func retryDelay(p backoff.Policy, err error, attempt int) time.Duration {
	d := p.Delay(attempt)
	var ra *retryAfterError
	if errors.As(err, &ra) && ra.after > d {
		d = min(ra.after, p.Max)
	}
	return d
}

// failed records an error, retried or not; the first of a run of failures
// is a warning, the rest are logged at debug level. Errors never carry
// barcode text.
func (k *sink) failed(err error, retrying bool) {
	k.mu.Lock()
	first := !k.failing
	k.failing, k.state = true, StateFailing
	k.lastErr, k.lastErrAt = err.Error(), k.env.Clock()
	k.mu.Unlock()
	if first {
		k.log.Warn("sink delivery failed", "target", k.t.target(), "retrying", retrying, "err", err)
	} else {
		k.log.Debug("sink delivery failed", "retrying", retrying, "err", err)
	}
}

func (k *sink) succeeded() {
	k.mu.Lock()
	recovered := k.failing
	k.failing, k.state = false, StateOK
	k.mu.Unlock()
	if recovered {
		k.log.Info("sink delivering again", "target", k.t.target())
	}
}

func (k *sink) status() Status {
	k.mu.Lock()
	defer k.mu.Unlock()
	return Status{
		Name: k.spec.Name, Kind: k.kind, Target: k.t.target(), State: k.state,
		Delivered: k.delivered.Load(), Retried: k.retried.Load(), Dropped: k.dropped.Load(), Overflow: k.overflow.Load(),
		Queued: k.q.len(), QueueSize: k.q.max, LastError: k.lastErr, LastErrorAt: k.lastErrAt,
	}
}
