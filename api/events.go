package api

import (
	"bufio"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/scannerd/scannerd/api/apitype"
)

// Stream formats of GET /v1/events.
const (
	contentTypeSSE    = "text/event-stream"
	contentTypeNDJSON = "application/x-ndjson"
)

// Dropped is the event telling a subscriber that it missed results: it
// read too slowly (its buffer was full), or it resumed after results it
// had not seen expired.
type Dropped = apitype.Dropped

// Disconnected is the last event of a stream the server ends: reason is
// "lagging" (the subscriber stayed behind) or "shutting_down".
type Disconnected = apitype.Disconnected

// wantsNDJSON reads the Accept header: NDJSON when it names
// application/x-ndjson (or application/jsonl), SSE otherwise.
func wantsNDJSON(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		if q, ok := params["q"]; ok && (q == "0" || q == "0.0" || q == "0.00" || q == "0.000") {
			continue
		}
		if mt == contentTypeNDJSON || mt == "application/jsonl" {
			return true
		}
	}
	return false
}

// eventWriter writes events in one of the two stream formats.
type eventWriter struct {
	w      *bufio.Writer
	ndjson bool
}

// result writes one result: an SSE event "result" whose id is the result
// ID, or one NDJSON line that is the result object.
func (e *eventWriter) result(it *item) {
	b, _ := json.Marshal(&it.Result)
	if e.ndjson {
		e.w.Write(b)
		e.w.WriteByte('\n')
		return
	}
	e.w.WriteString("id: ")
	e.w.WriteString(strconv.FormatUint(it.ID, 10))
	e.w.WriteString("\nevent: result\ndata: ")
	e.w.Write(b)
	e.w.WriteString("\n\n")
}

// control writes an event other than a result. In NDJSON it is an object
// with an "event" member, which result objects never have.
func (e *eventWriter) control(name string, v any) {
	b, _ := json.Marshal(v)
	if e.ndjson {
		var m map[string]any
		json.Unmarshal(b, &m)
		if m == nil {
			m = map[string]any{}
		}
		m["event"] = name
		b, _ = json.Marshal(m)
		e.w.Write(b)
		e.w.WriteByte('\n')
		return
	}
	fmt.Fprintf(e.w, "event: %s\ndata: %s\n\n", name, b)
}

// item writes a result, or the notice an item carries.
func (e *eventWriter) item(it *item) {
	if it.notice != nil {
		e.control(it.notice.Event, it.notice.Data)
		return
	}
	e.result(it)
}

// heartbeat keeps the connection visibly alive: an SSE comment, or an
// NDJSON {"event":"heartbeat"} line. With ok it carries the stream's
// cursor, where a client resumes without a gap: an SSE id field (which
// sets the last event ID without dispatching an event) or the line's
// "cursor" member.
func (e *eventWriter) heartbeat(now time.Time, cursor uint64, ok bool) {
	if e.ndjson {
		if ok {
			fmt.Fprintf(e.w, `{"event":"heartbeat","cursor":%d}`+"\n", cursor)
		} else {
			e.w.WriteString(`{"event":"heartbeat"}` + "\n")
		}
		return
	}
	e.w.WriteString(": heartbeat " + now.UTC().Format(time.RFC3339) + "\n")
	if ok {
		fmt.Fprintf(e.w, "id: %d\n", cursor)
	}
	e.w.WriteString("\n")
}

// handleEvents streams results as they are published. A slow reader never
// holds up the pipeline: its events wait in its own bounded buffer, the
// oldest dropped when it overflows (then a "dropped" event says how many),
// and it is disconnected when it stays behind for the lag limit or a write
// blocks for the write timeout.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) error {
	v, err := parseRawQuery(r.URL.RawQuery)
	if err != nil {
		return err
	}
	q, err := parseEventsQuery(v, r.Header.Get("Last-Event-ID"), s.sourceNames)
	if err != nil {
		return err
	}
	peer, _ := peerFromContext(r.Context())
	sub, backlog, err := s.hub.subscribe(subscription{filter: q.filter, uid: peer.UID, replay: q.replay, since: q.since})
	if err != nil {
		return err
	}
	defer s.hub.unsubscribe(sub)

	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Time{}) // a read deadline would end the stream
	ew := &eventWriter{w: bufio.NewWriterSize(w, 16<<10), ndjson: wantsNDJSON(r.Header.Get("Accept"))}
	h := w.Header()
	if ew.ndjson {
		h.Set("Content-Type", contentTypeNDJSON)
	} else {
		h.Set("Content-Type", contentTypeSSE)
	}
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	if !ew.ndjson {
		ew.w.WriteString("retry: 2000\n\n")
	}
	flush := func() bool {
		rc.SetWriteDeadline(time.Now().Add(s.cfg.WriteTimeout.D()))
		if ew.w.Flush() != nil || rc.Flush() != nil {
			return false
		}
		return true
	}
	for _, it := range backlog {
		ew.item(it)
		if ew.w.Buffered() > 8<<10 && !flush() {
			return nil
		}
	}
	// The first heartbeat, at once, gives the client its cursor (unless
	// results already wait: they carry it).
	cursor, ok := s.hub.cursor(sub)
	ew.heartbeat(s.clock(), cursor, ok)
	if !flush() {
		return nil
	}

	hb := time.NewTicker(s.cfg.Heartbeat.D())
	defer hb.Stop()
	ctx := r.Context()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-sub.gone:
			ew.control("disconnected", Disconnected{Reason: sub.reason})
			flush()
			return nil
		case <-hb.C:
			cursor, ok := s.hub.cursor(sub)
			ew.heartbeat(s.clock(), cursor, ok)
			if !flush() {
				return nil
			}
		case it := <-sub.ch:
			// Write what is waiting in one go, then flush once.
			for batch := 1; ; batch++ {
				if n := sub.dropped.Swap(0); n > 0 {
					ew.control(apitype.EventDropped, Dropped{Dropped: n, Reason: apitype.DroppedOverflow})
				}
				ew.item(it)
				if batch == 256 {
					break
				}
				next, ok := tryReceive(sub.ch)
				if !ok {
					break
				}
				it = next
			}
			if !flush() {
				return nil
			}
			sub.caughtUp()
		}
	}
}

func tryReceive(ch chan *item) (*item, bool) {
	select {
	case it := <-ch:
		return it, true
	default:
		return nil, false
	}
}
