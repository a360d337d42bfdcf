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
	"net/http"
	"net/url"
	"strconv"

	"github.com/scannerd/scannerd/api"
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
	// EventDropped says Dropped events were lost because the client read
	// too slowly.
	EventDropped
	// EventDisconnected is the last event before the daemon ends the
	// stream; Reason is "lagging" or "shutting_down".
	EventDisconnected
	// EventNotice is any other announcement: Name says which (e.g.
	// "debug_export" when the debug export stopped itself), Data holds its
	// JSON.
	EventNotice
)

// Event is one item of an event stream.
type Event struct {
	Kind    EventKind
	Result  api.Result
	Dropped uint64
	Reason  string
	Name    string          // EventNotice
	Data    json.RawMessage // EventNotice
}

// EventsOptions shape a subscription.
type EventsOptions struct {
	Filter
	// Since, when not nil, first replays the results still held after
	// this cursor (0: all held), then continues live.
	Since *uint64
	// Format is the wire format (NDJSON unless set).
	Format Format
}

// Stream is an open event stream. Next and Close are not safe to call
// concurrently with each other.
type Stream struct {
	body io.ReadCloser
	next func() (Event, error)
}

// Subscribe opens an event stream. It returns once the daemon has
// accepted the subscription: results published afterwards are delivered.
func (c *Client) Subscribe(ctx context.Context, opts EventsOptions) (*Stream, error) {
	q := url.Values{}
	opts.Filter.addTo(q)
	if opts.Since != nil {
		q.Set("since", strconv.FormatUint(*opts.Since, 10))
	}
	accept := "application/x-ndjson"
	if opts.Format == SSE {
		accept = "text/event-stream"
	}
	resp, err := c.request(ctx, http.MethodGet, "/v1/events", q, nil, http.Header{"Accept": {accept}})
	if err != nil {
		return nil, err
	}
	s := &Stream{body: resp.Body}
	if opts.Format == SSE {
		r := newSSEReader(resp.Body)
		s.next = func() (Event, error) { return nextSSE(r) }
	} else {
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 0, 4096), maxSSELine)
		s.next = func() (Event, error) { return nextNDJSON(sc) }
	}
	return s, nil
}

// Next returns the next event, skipping heartbeats. It returns io.EOF when
// the daemon ended the stream, and the context's error once it ends.
func (s *Stream) Next() (Event, error) { return s.next() }

// Close ends the stream.
func (s *Stream) Close() error { return s.body.Close() }

// Events subscribes and yields events until the stream ends or ctx ends;
// a failure to subscribe or read is yielded as the last error. Breaking
// out of the loop closes the stream.
//
//	for ev, err := range c.Events(ctx, client.EventsOptions{}) { … }
func (c *Client) Events(ctx context.Context, opts EventsOptions) iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		s, err := c.Subscribe(ctx, opts)
		if err != nil {
			yield(Event{}, err)
			return
		}
		defer s.Close()
		for {
			ev, err := s.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				if ctx.Err() != nil {
					err = ctx.Err()
				}
				yield(Event{}, err)
				return
			}
			if !yield(ev, nil) {
				return
			}
		}
	}
}

// controlLine is an NDJSON line that is not a result.
type controlLine struct {
	Event   string `json:"event"`
	Dropped uint64 `json:"dropped"`
	Reason  string `json:"reason"`
}

func nextNDJSON(sc *bufio.Scanner) (Event, error) {
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) == 0 {
			continue
		}
		var ctl controlLine
		if err := json.Unmarshal(line, &ctl); err != nil {
			return Event{}, fmt.Errorf("event stream: %w", err)
		}
		switch ctl.Event {
		case "":
			var r api.Result
			if err := json.Unmarshal(line, &r); err != nil {
				return Event{}, fmt.Errorf("event stream: result: %w", err)
			}
			return Event{Kind: EventResult, Result: r}, nil
		case "dropped":
			return Event{Kind: EventDropped, Dropped: ctl.Dropped}, nil
		case "disconnected":
			return Event{Kind: EventDisconnected, Reason: ctl.Reason}, nil
		case "heartbeat":
			continue
		}
		return Event{Kind: EventNotice, Name: ctl.Event, Data: json.RawMessage(bytes.Clone(line))}, nil
	}
	if err := sc.Err(); err != nil {
		return Event{}, err
	}
	return Event{}, io.EOF
}

func nextSSE(r *sseReader) (Event, error) {
	for {
		ev, err := r.next()
		if err != nil {
			return Event{}, err
		}
		switch ev.Type {
		case "result":
			var res api.Result
			if err := json.Unmarshal([]byte(ev.Data), &res); err != nil {
				return Event{}, fmt.Errorf("event stream: result: %w", err)
			}
			return Event{Kind: EventResult, Result: res}, nil
		case "dropped":
			var d api.Dropped
			if err := json.Unmarshal([]byte(ev.Data), &d); err != nil {
				return Event{}, fmt.Errorf("event stream: dropped: %w", err)
			}
			return Event{Kind: EventDropped, Dropped: d.Dropped}, nil
		case "disconnected":
			var d api.Disconnected
			if err := json.Unmarshal([]byte(ev.Data), &d); err != nil {
				return Event{}, fmt.Errorf("event stream: disconnected: %w", err)
			}
			return Event{Kind: EventDisconnected, Reason: d.Reason}, nil
		case "", "message":
			continue
		default:
			return Event{Kind: EventNotice, Name: ev.Type, Data: json.RawMessage(ev.Data)}, nil
		}
	}
}
