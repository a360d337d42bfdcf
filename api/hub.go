package api

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scannerd/scannerd/api/apitype"
	"github.com/scannerd/scannerd/scanner"
)

// item is one published result, shared read-only by the held list and
// every subscriber it is delivered to.
type item struct {
	Result
	sym scanner.Symbology
	at  time.Time // when it was published, for the TTL
	// notice, when set, makes the item an event other than a result; it
	// goes to event streams only and is not held.
	notice *Notice
}

// Notice is an event other than a result that the daemon announces to
// every event stream, e.g. "debug_export" when the export stopped itself.
type Notice struct {
	Event string
	Data  any
}

// filter selects results for a subscriber; zero values select all.
type filter struct {
	syms    scanner.SymbologySet
	sources []string
}

func (f filter) match(it *item) bool {
	if f.syms != 0 && !f.syms.Has(it.sym) {
		return false
	}
	return len(f.sources) == 0 || slices.Contains(f.sources, it.Source)
}

// takes reports whether the filter takes a result of source of one of
// syms, or, when syms is empty, of any symbology.
func (f filter) takes(source string, syms []scanner.Symbology) bool {
	if len(f.sources) > 0 && !slices.Contains(f.sources, source) {
		return false
	}
	if f.syms == 0 || len(syms) == 0 {
		return true
	}
	return slices.ContainsFunc(syms, f.syms.Has)
}

// subscriber is one event stream or waiting scan. The hub is its only
// sender and never blocks on it: when its buffer is full the oldest event
// is dropped and counted, and a subscriber that stays behind longer than
// the lag limit is disconnected.
type subscriber struct {
	filter filter
	ch     chan *item
	// dropped counts events dropped since the subscriber last reported it.
	dropped atomic.Uint64
	// lagSince is when its buffer started overflowing (unix nanoseconds of
	// the hub clock); 0 while it keeps up.
	lagSince atomic.Int64
	// gone is closed when the hub disconnects it; reason says why.
	gone   chan struct{}
	reason string
	// scan: a waiting scan, which takes one result and no notices (else an
	// event stream, which takes notices too).
	scan bool
	// refused hears, for a waiting scan, that the license refused what
	// would have answered it (see hub.refuse); nil for event streams.
	refused chan error
	uid     uint32 // the peer's
}

// caughtUp tells the hub the subscriber has emptied its buffer.
func (s *subscriber) caughtUp() {
	if len(s.ch) == 0 {
		s.lagSince.Store(0)
	}
}

// Reasons a subscriber is disconnected, sent in its last event.
const (
	reasonLagging  = "lagging"
	reasonShutdown = "shutting_down"
)

// hub fans published results out to subscribers and holds them for the
// TTL. Publish never waits for a subscriber.
type hub struct {
	clock    func() time.Time
	ttl      time.Duration
	maxHeld  int
	bufSize  int
	lagLimit time.Duration
	// Limits on open streams and waiting scans, each kind counted apart,
	// overall and per peer.
	maxStreams, maxScans, maxPerPeer int
	m                                *metrics

	mu     sync.Mutex
	nextID uint64
	// firstID is the first ID this hub gives; purged is the newest ID
	// purged so far (both for the gaps of replays).
	firstID, purged uint64
	held            []*item // oldest first
	subs            map[*subscriber]struct{}
	closed          bool
}

func newHub(cfg Config, clock func() time.Time, m *metrics) *hub {
	// IDs start from the start time so they keep increasing across
	// restarts and a client's cursor never points into the future.
	start := uint64(clock().UnixMicro())
	return &hub{
		clock: clock, ttl: cfg.ResultTTL.D(), maxHeld: cfg.MaxHeldResults,
		bufSize: cfg.SubscriberBuffer, lagLimit: cfg.LagLimit.D(), m: m,
		maxStreams: cfg.MaxSubscribers, maxScans: cfg.MaxScans, maxPerPeer: cfg.MaxSubscribersPerPeer,
		nextID: start, firstID: start + 1, purged: start,
		subs: make(map[*subscriber]struct{}),
	}
}

// publish assigns IDs to results, holds them and delivers them. It
// returns the IDs (nil once closed).
func (h *hub) publish(results []scanner.Result) []uint64 {
	if len(results) == 0 {
		return nil
	}
	now := h.clock()
	items := make([]item, len(results))
	ids := make([]uint64, len(results))
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil
	}
	for i := range results {
		it := &items[i]
		it.Result, it.sym, it.at = NewResult(&results[i]), results[i].Symbology, now
		h.nextID++
		it.ID, ids[i] = h.nextID, h.nextID
		h.held = append(h.held, it)
		for sub := range h.subs {
			if sub.filter.match(it) {
				h.deliverLocked(sub, it, now)
			}
		}
	}
	h.purgeLocked(now)
	return ids
}

func (h *hub) deliverLocked(sub *subscriber, it *item, now time.Time) {
	select {
	case sub.ch <- it:
		return
	default:
	}
	// Full: drop the oldest waiting event. The hub is the only sender and
	// holds the lock, so the second send finds room.
	select {
	case <-sub.ch:
		sub.dropped.Add(1)
		h.m.eventsDropped.Inc()
	default:
	}
	select {
	case sub.ch <- it:
	default:
		sub.dropped.Add(1)
		h.m.eventsDropped.Inc()
	}
	start := sub.lagSince.Load()
	if start == 0 {
		sub.lagSince.Store(max(1, now.UnixNano()))
	} else if now.Sub(time.Unix(0, start)) > h.lagLimit {
		h.disconnectLocked(sub, reasonLagging)
		h.m.disconnected.Inc()
	}
}

func (h *hub) disconnectLocked(sub *subscriber, reason string) {
	if _, ok := h.subs[sub]; !ok {
		return
	}
	delete(h.subs, sub)
	sub.reason = reason
	close(sub.gone)
}

// subscription is what a new subscriber asks for.
type subscription struct {
	filter filter
	uid    uint32 // the peer's
	scan   bool   // a waiting scan (else an event stream)
	// replay: also return the held results after since.
	replay bool
	since  uint64
}

// subscribe adds a subscriber: an event stream, or a scan waiting for one
// result. With replay it also returns the held results after since that
// match the filter, oldest first, so a reconnecting client misses nothing
// still held and sees nothing twice. Streams and scans are limited apart,
// so that streams that never read cannot keep anyone from scanning, and
// each peer (uid) may hold only its share of either.
func (h *hub) subscribe(sp subscription) (*subscriber, []*item, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, nil, ErrShuttingDown
	}
	kind, limit := "event streams", h.maxStreams
	if sp.scan {
		kind, limit = "waiting scans", h.maxScans
	}
	all, peers := 0, 0
	for sub := range h.subs {
		if sub.scan == sp.scan {
			all++
			if sub.uid == sp.uid {
				peers++
			}
		}
	}
	switch {
	case all >= limit:
		return nil, nil, fmt.Errorf("%w: %d %s are open", ErrTooManySubscribers, all, kind)
	case peers >= h.maxPerPeer:
		return nil, nil, fmt.Errorf("%w: uid %d has %d %s open, the most one peer may", ErrTooManySubscribers, sp.uid, peers, kind)
	}
	h.purgeLocked(h.clock())
	var backlog []*item
	if sp.replay {
		if n := h.expiredLocked(sp.since); n > 0 {
			backlog = append(backlog, &item{notice: &Notice{Event: apitype.EventDropped, Data: Dropped{Dropped: n, Reason: apitype.DroppedExpired}}})
		}
		for _, it := range h.held {
			if it.ID > sp.since && sp.filter.match(it) {
				backlog = append(backlog, it)
			}
		}
	}
	bufSize := h.bufSize
	if sp.scan {
		bufSize = 1
	}
	sub := &subscriber{filter: sp.filter, ch: make(chan *item, bufSize), gone: make(chan struct{}), scan: sp.scan, uid: sp.uid}
	if sp.scan {
		sub.refused = make(chan error, 1)
	}
	h.subs[sub] = struct{}{}
	return sub, backlog, nil
}

// expiredLocked counts the results published after since that were
// purged: a client resuming from since can no longer have them. IDs of
// one hub follow each other, so they are counted without being kept;
// those of an earlier run of the daemon are not known. since 0 asks for
// whatever is held: no gap.
func (h *hub) expiredLocked(since uint64) uint64 {
	from := max(since, h.firstID-1)
	if since == 0 || h.purged <= from {
		return 0
	}
	return h.purged - from
}

// cursor returns the position a subscriber may resume from without a gap
// (the newest ID published), or false while events wait in its buffer:
// those could be lost if it resumed from there.
func (h *hub) cursor(sub *subscriber) (uint64, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(sub.ch) > 0 {
		return 0, false
	}
	return h.nextID, true
}

func (h *hub) unsubscribe(sub *subscriber) {
	h.mu.Lock()
	delete(h.subs, sub)
	h.mu.Unlock()
}

// refuse tells each waiting scan whose filter takes results of source
// (of one of syms; of any symbology when syms is empty, for a frame
// refused before it was decoded) that the license refused them, so that
// it answers err now rather than at its timeout. It never blocks.
func (h *hub) refuse(source string, syms []scanner.Symbology, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for sub := range h.subs {
		if sub.scan && sub.filter.takes(source, syms) {
			select {
			case sub.refused <- err:
			default: // it has heard of a refusal already
			}
		}
	}
}

// notify delivers a notice to every subscriber that takes notices.
func (h *hub) notify(n Notice) {
	now := h.clock()
	it := &item{notice: &n}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	for sub := range h.subs {
		if !sub.scan {
			h.deliverLocked(sub, it, now)
		}
	}
}

// results returns copies of the held results after since that match f,
// the cursor to pass next time (the newest ID returned, or the newest ID
// published so far when none is returned), and how many results after
// since expired.
func (h *hub) results(f filter, since uint64, limit int) Results {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.purgeLocked(h.clock())
	res := Results{Results: []Result{}, Cursor: h.nextID, Expired: h.expiredLocked(since)}
	for _, it := range h.held {
		if it.ID > since && f.match(it) {
			if len(res.Results) == limit {
				res.Cursor = res.Results[len(res.Results)-1].ID
				break
			}
			res.Results = append(res.Results, it.Result)
		}
	}
	return res
}

// purge drops results older than the TTL.
func (h *hub) purge() {
	h.mu.Lock()
	h.purgeLocked(h.clock())
	h.mu.Unlock()
}

func (h *hub) purgeLocked(now time.Time) {
	n := 0
	for n < len(h.held) && (len(h.held)-n > h.maxHeld || now.Sub(h.held[n].at) > h.ttl) {
		n++
	}
	if n > 0 {
		h.purged = h.held[n-1].ID
		clear(h.held[:n]) // let the results go now, not when the array is reallocated
		h.held = h.held[n:]
		if len(h.held) == 0 {
			h.held = nil
		}
	}
}

// heldCount returns how many results are in memory.
func (h *hub) heldCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.held)
}

func (h *hub) subscriberCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// close disconnects every subscriber and drops the held results.
func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for sub := range h.subs {
		h.disconnectLocked(sub, reasonShutdown)
	}
	clear(h.held)
	h.held = nil
}
