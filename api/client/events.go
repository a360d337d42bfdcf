package client

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/textproto"
	"net/url"
	"strconv"
	"time"

	"github.com/scannerd/scannerd/api/apitype"
	"github.com/scannerd/scannerd/internal/backoff"
)

// Format is an event stream's wire format.
type Format int

// The formats GET /v1/events speaks.
const (
	NDJSON Format = iota // application/x-ndjson: one JSON object a line
	SSE                  // text/event-stream
)

// EventKind says what an Event carries.
type EventKind int

// Kinds of events.
const (
	// EventResult carries a barcode in Result.
	EventResult EventKind = iota + 1
	// EventDropped says Dropped results were missed: Reason is
	// apitype.DroppedOverflow (the client read too slowly) or
	// apitype.DroppedExpired (it came back after they were purged).
	EventDropped
	// EventDisconnected is the last event before the daemon ends the
	// stream; Reason is apitype.ReasonLagging or ReasonShuttingDown.
	EventDisconnected
	// EventSinkOverflow says a result sink dropped results (SinkOverflow).
	EventSinkOverflow
	// EventDebugExport says the debug export turned itself off
	// (DebugExport, whose StopReason says why).
	EventDebugExport
	// EventNotice is an event this version does not know: Name says which,
	// Data holds its JSON.
	EventNotice
	// EventConnected: Events has (re)subscribed; results follow.
	EventConnected
	// EventReconnecting: the stream ended or could not be opened (Err says
	// why); Events waits a moment and subscribes again from its cursor.
	EventReconnecting
	// EventSource says a source changed state (a camera unplugged or
	// back, a file ended): Source is its status, as in Status.
	EventSource
	// EventPreview says the setup page's preview went on or off
	// (Preview).
	EventPreview
)

// Event is one item of an event stream.
type Event struct {
	Kind         EventKind
	Result       apitype.Result
	Dropped      uint64
	Reason       string // EventDropped, EventDisconnected
	SinkOverflow apitype.SinkOverflow
	DebugExport  apitype.DebugExportState
	Source       apitype.SourceStatus // EventSource
	Preview      apitype.PreviewState // EventPreview
	Name         string               // EventNotice
	Data         json.RawMessage      // EventNotice
	Err          error                // EventReconnecting
}

// EventsOptions shape a subscription.
type EventsOptions struct {
	// Symbologies ("QR_CODE") and Sources select results; empty: all.
	Symbologies []string
	Sources     []string
	// Since, when not nil, first replays the results still held after
	// this cursor (0: all held), then continues live.
	Since *uint64
	// Format is the wire format (NDJSON unless set).
	Format Format
	// NoReconnect makes Events end when the stream ends, instead of
	// subscribing again.
	NoReconnect bool
}

// Stream is one open event stream, without reconnection (see Events for
// that). Next and Close are not safe to call concurrently with each other.
type Stream struct {
	ctx    context.Context
	body   io.ReadCloser
	next   func() (Event, error)
	cursor uint64
}

// Subscribe opens one event stream. It returns once the daemon has
// accepted the subscription: results published afterwards are delivered.
func (c *Client) Subscribe(ctx context.Context, opts EventsOptions) (*Stream, error) {
	q := url.Values{}
	addFilter(q, opts.Symbologies, opts.Sources)
	s := &Stream{ctx: ctx}
	if opts.Since != nil {
		q.Set("since", strconv.FormatUint(*opts.Since, 10))
		s.cursor = *opts.Since
	}
	accept := "application/x-ndjson"
	if opts.Format == SSE {
		accept = "text/event-stream"
	}
	resp, err := c.request(ctx, "GET", "/v1/events", q, nil, textproto.MIMEHeader{"Accept": {accept}})
	if err != nil {
		return nil, err
	}
	s.body = resp.body
	if opts.Format == SSE {
		r := newSSEReader(resp.body)
		s.next = func() (Event, error) { return s.nextSSE(r) }
	} else {
		sc := bufio.NewScanner(resp.body)
		sc.Buffer(make([]byte, 0, 4096), maxSSELine)
		s.next = func() (Event, error) { return s.nextNDJSON(sc) }
	}
	return s, nil
}

// Next returns the next event, skipping heartbeats. It returns io.EOF when
// the daemon ended the stream, and the context's error once it ends.
func (s *Stream) Next() (Event, error) {
	ev, err := s.next()
	if err != nil && s.ctx.Err() != nil {
		return Event{}, s.ctx.Err()
	}
	return ev, err
}

// Cursor returns the stream's position: resuming with Since set to it
// misses nothing the stream would have delivered. The daemon advances it
// with every result and heartbeat.
func (s *Stream) Cursor() uint64 { return s.cursor }

// Close ends the stream.
func (s *Stream) Close() error { return s.body.Close() }

// retryPolicy spaces out reconnections; the daemon's SSE retry is 2 s.
type retryPolicy = backoff.Policy

var defaultRetry = retryPolicy{Min: 100 * time.Millisecond, Max: 5 * time.Second, Jitter: 0.2}

// Events subscribes and yields events until ctx ends. When the stream
// ends or breaks (the daemon restarts, or disconnected the client for
// lagging) it yields EventReconnecting, waits, and subscribes again from
// its cursor, so results still held are replayed and none is seen twice;
// results that expired meanwhile are reported as EventDropped with
// Reason apitype.DroppedExpired. An error is yielded, as the last item,
// only when ctx ends or the daemon refuses the subscription itself (a bad
// filter, a browser request): errors worth retrying never reach the loop.
// With NoReconnect, the iteration ends when the stream ends, and a broken
// stream is yielded as an error. Breaking out of the loop closes the
// stream.
//
//	for ev, err := range c.Events(ctx, client.EventsOptions{}) { … }
func (c *Client) Events(ctx context.Context, opts EventsOptions) iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		var since *uint64
		if opts.Since != nil {
			v := *opts.Since
			since = &v
		}
		for attempt := 1; ; attempt++ {
			o := opts
			o.Since = since
			s, err := c.Subscribe(ctx, o)
			if err == nil {
				attempt = 0
				if !yield(Event{Kind: EventConnected}, nil) {
					s.Close()
					return
				}
				var more bool
				err, more = c.drain(ctx, s, yield, opts.NoReconnect)
				cur := s.Cursor()
				since = &cur
				s.Close()
				if !more {
					return
				}
			}
			switch {
			case ctx.Err() != nil:
				yield(Event{}, ctx.Err())
				return
			case opts.NoReconnect || permanent(err):
				yield(Event{}, err)
				return
			}
			if !yield(Event{Kind: EventReconnecting, Err: err}, nil) {
				return
			}
			if !c.retry.Sleep(ctx, max(attempt, 1)) {
				yield(Event{}, ctx.Err())
				return
			}
		}
	}
}

// drain yields the stream's events until it ends. It returns why it ended
// and whether Events should go on (false: the caller broke out of the
// loop, or the stream ended cleanly with noReconnect).
func (c *Client) drain(ctx context.Context, s *Stream, yield func(Event, error) bool, noReconnect bool) (error, bool) {
	for {
		ev, err := s.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				if noReconnect {
					return nil, false
				}
				return errors.New("the daemon ended the event stream"), true
			}
			if ctx.Err() != nil {
				return ctx.Err(), true
			}
			return err, true
		}
		if !yield(ev, nil) {
			return nil, false
		}
	}
}

// permanent reports whether a failure to subscribe would fail again: the
// daemon refused the request itself (4xx). Unreachable daemons, 503s
// (shutting down, too many subscribers) and broken streams are retried.
func permanent(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status/100 == 4
}

// controlLine is an NDJSON line that is not a result.
type controlLine struct {
	Event  string `json:"event"`
	Cursor uint64 `json:"cursor"`
}

func (s *Stream) nextNDJSON(sc *bufio.Scanner) (Event, error) {
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) == 0 {
			continue
		}
		var ctl controlLine
		if err := json.Unmarshal(line, &ctl); err != nil {
			return Event{}, fmt.Errorf("event stream: %w", err)
		}
		if ctl.Event == apitype.EventHeartbeat {
			s.advance(ctl.Cursor)
			continue
		}
		name := ctl.Event
		if name == "" {
			name = apitype.EventResult
		}
		ev, err := s.decode(name, line)
		if err != nil {
			return Event{}, err
		}
		if ev.Kind == EventNotice {
			ev.Data = json.RawMessage(bytes.Clone(line))
		}
		return ev, nil
	}
	if err := sc.Err(); err != nil {
		return Event{}, err
	}
	return Event{}, io.EOF
}

func (s *Stream) nextSSE(r *sseReader) (Event, error) {
	for {
		ev, err := r.next()
		if err != nil {
			return Event{}, err
		}
		// Heartbeats carry the cursor in an id field without data, which
		// the reader passes over; results carry their own.
		if id, err := strconv.ParseUint(r.lastID, 10, 64); err == nil {
			s.advance(id)
		}
		if ev.Type == "message" {
			continue
		}
		out, err := s.decode(ev.Type, []byte(ev.Data))
		if err != nil {
			return Event{}, err
		}
		if out.Kind == EventNotice {
			out.Data = json.RawMessage(ev.Data)
		}
		return out, nil
	}
}

// decode reads the data of the event named name.
func (s *Stream) decode(name string, data []byte) (Event, error) {
	var ev Event
	var v any
	switch name {
	case apitype.EventResult:
		ev.Kind, v = EventResult, &ev.Result
	case apitype.EventDropped:
		ev.Kind = EventDropped
		v = &dropped{&ev}
	case apitype.EventDisconnected:
		ev.Kind = EventDisconnected
		v = &disconnected{&ev}
	case apitype.EventSinkOverflow:
		ev.Kind, v = EventSinkOverflow, &ev.SinkOverflow
	case apitype.EventDebugExport:
		ev.Kind, v = EventDebugExport, &ev.DebugExport
	case apitype.EventSource:
		ev.Kind, v = EventSource, &ev.Source
	case apitype.EventPreview:
		ev.Kind, v = EventPreview, &ev.Preview
	default:
		return Event{Kind: EventNotice, Name: name}, nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return Event{}, fmt.Errorf("event stream: %s: %w", name, err)
	}
	if ev.Kind == EventResult {
		s.advance(ev.Result.ID)
	}
	return ev, nil
}

// dropped and disconnected decode those events' members into an Event.
type dropped struct{ ev *Event }

func (d *dropped) UnmarshalJSON(b []byte) error {
	var v apitype.Dropped
	err := json.Unmarshal(b, &v)
	d.ev.Dropped, d.ev.Reason = v.Dropped, v.Reason
	return err
}

type disconnected struct{ ev *Event }

func (d *disconnected) UnmarshalJSON(b []byte) error {
	var v apitype.Disconnected
	err := json.Unmarshal(b, &v)
	d.ev.Reason = v.Reason
	return err
}

// advance moves the cursor to a result's ID or a heartbeat's cursor,
// which arrive in order.
func (s *Stream) advance(id uint64) {
	if id != 0 {
		s.cursor = id
	}
}
