package api_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/api/apitype"
	"github.com/scannerd/scannerd/api/client"
	"github.com/scannerd/scannerd/scanner"
)

func TestEventsArriveInOrderWithDocumentedFields(t *testing.T) {
	for _, tc := range []struct {
		name   string
		format client.Format
	}{{"ndjson", client.NDJSON}, {"sse", client.SSE}} {
		t.Run(tc.name, func(t *testing.T) {
			ts := startServer(t)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			st, err := ts.client.Subscribe(ctx, client.EventsOptions{Format: tc.format})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			ts.waitSubscribers(t, 1)

			at := ts.clock.Now()
			binary := result("cam1", 8, scanner.QRCode, "ÿ\x00bin", at) // bytes as ISO-8859-1
			binary.Bytes = []byte{0xff, 0x00, 'b', 'i', 'n'}
			published := []scanner.Result{
				result("cam0", 7, scanner.QRCode, "first", at),
				result("cam0", 7, scanner.EAN13, "5901234123457", at),
				binary,
				result("cam0", 9, scanner.Code128, "line\nbreak \"quoted\" ünïcödé", at),
			}
			ts.Publish(published[:2])
			ts.Publish(published[2:])

			var prev uint64
			for i, want := range published {
				ev, err := st.Next()
				if err != nil {
					t.Fatalf("event %d: %v", i, err)
				}
				if ev.Kind != client.EventResult {
					t.Fatalf("event %d: kind %v, want a result", i, ev.Kind)
				}
				r := ev.Result
				if r.ID <= prev {
					t.Errorf("event %d: id %d after %d: ids must increase", i, r.ID, prev)
				}
				prev = r.ID
				if r.Source != want.Source || r.Frame != want.Frame || r.Symbology != want.Symbology.String() || r.Text != want.Text {
					t.Errorf("event %d: got %s/%d %s %q, want %s/%d %s %q", i, r.Source, r.Frame, r.Symbology, r.Text,
						want.Source, want.Frame, want.Symbology, want.Text)
				}
				if r.Points != [4][2]float64{{10, 20}, {110, 20}, {110, 120}, {10, 120}} {
					t.Errorf("event %d: points %v", i, r.Points)
				}
				if !r.CapturedAt.Equal(want.CapturedAt) || !r.DecodedAt.Equal(want.DecodedAt) || r.LatencyMS != 12.5 {
					t.Errorf("event %d: captured %v decoded %v latency %v", i, r.CapturedAt, r.DecodedAt, r.LatencyMS)
				}
				wantBytes := ""
				if want.Bytes != nil {
					wantBytes = base64.StdEncoding.EncodeToString(want.Bytes)
				}
				if r.Bytes != wantBytes {
					t.Errorf("event %d: bytes %q, want %q", i, r.Bytes, wantBytes)
				}
			}
		})
	}
}

// TestEventStreamsParseWithStandardParsers reads the raw streams: NDJSON
// with encoding/json, one object a line, and SSE by the field rules of the
// HTML standard, checking the documented member names.
func TestEventStreamsParseWithStandardParsers(t *testing.T) {
	ts := startServer(t)
	for _, tc := range []struct {
		accept string
		ctype  string
	}{
		{"application/x-ndjson", "application/x-ndjson"},
		{"text/event-stream", "text/event-stream"},
		{"", "text/event-stream"},
	} {
		t.Run(tc.ctype+"/"+tc.accept, func(t *testing.T) {
			c, err := net.Dial("unix", ts.socket)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(20 * time.Second))
			req := "GET /v1/events?symbology=QR_CODE HTTP/1.1\r\nHost: scannerd\r\n"
			if tc.accept != "" {
				req += "Accept: " + tc.accept + "\r\n"
			}
			fmt.Fprint(c, req+"\r\n")
			br := bufio.NewReader(c)
			header := readHeader(t, br)
			if !strings.Contains(header, "Content-Type: "+tc.ctype) {
				t.Fatalf("response header:\n%s", header)
			}
			ts.waitSubscribers(t, 1)
			at := ts.clock.Now()
			ts.Publish([]scanner.Result{result("cam0", 1, scanner.EAN8, "96385074", at), result("cam0", 1, scanner.QRCode, "hello", at)})

			var data string
			body := newChunkReader(t, br)
			if tc.ctype == "application/x-ndjson" {
				// The stream opens with a heartbeat carrying the cursor.
				if hb := body.line(); hb != fmt.Sprintf(`{"event":"heartbeat","cursor":%d}`, at.UnixMicro()) {
					t.Errorf("first line %s, want a heartbeat with the cursor", hb)
				}
				data = body.line()
			} else {
				var event, id string
				for {
					line := body.line()
					if line == "" && data != "" {
						break
					}
					field, value, _ := strings.Cut(line, ":")
					value = strings.TrimPrefix(value, " ")
					switch field {
					case "event":
						event = value
					case "id":
						id = value
					case "data":
						data = value
					}
				}
				if event != "result" || id == "" {
					t.Errorf("SSE event %q id %q, want event result with an id", event, id)
				}
			}
			var m map[string]any
			if err := json.Unmarshal([]byte(data), &m); err != nil {
				t.Fatalf("data %q: %v", data, err)
			}
			for _, k := range []string{"id", "source", "frame", "symbology", "text", "points", "captured_at", "decoded_at", "latency_ms"} {
				if _, ok := m[k]; !ok {
					t.Errorf("result %s lacks %q", data, k)
				}
			}
			if m["symbology"] != "QR_CODE" || m["text"] != "hello" {
				t.Errorf("got %s: the filter should pass only the QR code", data)
			}
			c.Close()
			ts.waitSubscribers(t, 0)
		})
	}
}

func readHeader(t *testing.T, br *bufio.Reader) string {
	t.Helper()
	var b strings.Builder
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("reading header: %v", err)
		}
		if line == "\r\n" {
			return b.String()
		}
		b.WriteString(line)
	}
}

// chunkReader reads lines of a chunked HTTP/1.1 body.
type chunkReader struct {
	t    *testing.T
	br   *bufio.Reader
	left int
	buf  strings.Builder
}

func newChunkReader(t *testing.T, br *bufio.Reader) *chunkReader { return &chunkReader{t: t, br: br} }

func (c *chunkReader) line() string {
	for {
		if s := c.buf.String(); strings.Contains(s, "\n") {
			line, rest, _ := strings.Cut(s, "\n")
			c.buf.Reset()
			c.buf.WriteString(rest)
			return line
		}
		if c.left == 0 {
			size, err := c.br.ReadString('\n')
			if err != nil {
				c.t.Fatalf("chunk size: %v", err)
			}
			size = strings.TrimSpace(size)
			if size == "" {
				continue // the CRLF after a chunk
			}
			var n int
			if _, err := fmt.Sscanf(size, "%x", &n); err != nil || n == 0 {
				c.t.Fatalf("chunk size %q", size)
			}
			c.left = n
		}
		b := make([]byte, c.left)
		n, err := c.br.Read(b)
		if err != nil {
			c.t.Fatalf("chunk: %v", err)
		}
		c.left -= n
		c.buf.Write(b[:n])
	}
}

// TestStuckSubscriberDoesNotDelayOthers blocks one subscriber (it never
// reads, so its socket fills up) while a healthy one receives every
// event; afterwards the stuck one learns exactly how many it lost.
func TestStuckSubscriberDoesNotDelayOthers(t *testing.T) {
	ts := startServer(t, withConfig(func(c *api.Config) {
		c.SubscriberBuffer = 8
		c.WriteTimeout = api.Duration(time.Minute)
	}))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	stuck, err := ts.client.Subscribe(ctx, client.EventsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer stuck.Close()
	healthy, err := ts.client.Subscribe(ctx, client.EventsOptions{Format: client.SSE})
	if err != nil {
		t.Fatal(err)
	}
	defer healthy.Close()
	ts.waitSubscribers(t, 2)

	// Far more than the socket buffers hold: the stuck subscriber's
	// writer blocks while the healthy one keeps reading.
	const n = 3000
	text := strings.Repeat("x", 2000)
	// The publisher goes in lockstep with the healthy subscriber: each
	// event reaches it while the stuck one is blocked.
	at := ts.clock.Now()
	for i := 0; i < n; i++ {
		want := fmt.Sprintf("%d-%s", i, text)
		ts.Publish([]scanner.Result{result("cam0", uint64(i), scanner.QRCode, want, at)})
		ev, err := healthy.Next()
		if err != nil {
			t.Fatalf("healthy subscriber, event %d: %v", i, err)
		}
		if ev.Kind != client.EventResult || ev.Result.Text != want {
			t.Fatalf("healthy subscriber, event %d: kind %v text %.10q…", i, ev.Kind, ev.Result.Text)
		}
	}

	// Now drain the stuck one: every event is either delivered or counted
	// in a "dropped" event, and what is delivered stays in order.
	var results, dropped int
	last := -1
	for results+dropped < n {
		ev, err := stuck.Next()
		if err != nil {
			t.Fatalf("stuck subscriber after %d results and %d dropped: %v", results, dropped, err)
		}
		switch ev.Kind {
		case client.EventResult:
			var i int
			fmt.Sscanf(ev.Result.Text, "%d-", &i)
			if i <= last {
				t.Fatalf("stuck subscriber: event %d after %d", i, last)
			}
			last = i
			results++
		case client.EventDropped:
			dropped += int(ev.Dropped)
		}
	}
	if dropped == 0 {
		t.Errorf("stuck subscriber lost nothing: the test did not block it")
	}
	if results+dropped != n {
		t.Errorf("stuck subscriber: %d results + %d dropped, want %d", results, dropped, n)
	}
	t.Logf("stuck subscriber: %d delivered, %d dropped", results, dropped)
}

// TestLaggingSubscriberIsDisconnected: a subscriber whose buffer keeps
// overflowing for longer than the lag limit is cut off with a last event
// saying why, and the slot is free again.
func TestLaggingSubscriberIsDisconnected(t *testing.T) {
	ts := startServer(t, withConfig(func(c *api.Config) {
		c.SubscriberBuffer = 2
		c.LagLimit = api.Duration(5 * time.Second)
		c.MaxSubscribers = 1
	}))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := ts.client.Subscribe(ctx, client.EventsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ts.waitSubscribers(t, 1)
	if _, err := ts.client.Subscribe(ctx, client.EventsOptions{}); code(err) != "too_many_subscribers" {
		t.Fatalf("second subscriber with max_subscribers 1: %v", err)
	}

	big := strings.Repeat("y", 64<<10)
	for ts.Subscribers() == 1 {
		ts.Publish([]scanner.Result{result("cam0", 1, scanner.QRCode, big, ts.clock.Now())})
		ts.clock.Add(time.Second)
		if ctx.Err() != nil {
			t.Fatal("subscriber never disconnected")
		}
	}
	var reason string
	for {
		ev, err := st.Next()
		if err != nil {
			t.Fatalf("stream ended without a disconnected event: %v", err)
		}
		if ev.Kind == client.EventDisconnected {
			reason = ev.Reason
			break
		}
	}
	if reason != "lagging" {
		t.Errorf("reason %q, want lagging", reason)
	}
	st2, err := ts.client.Subscribe(ctx, client.EventsOptions{})
	if err != nil {
		t.Fatalf("slot not freed: %v", err)
	}
	st2.Close()
}

// TestReplaySince: a client reconnecting with since= (or SSE's
// Last-Event-ID) first gets the held results it missed, then live ones.
func TestReplaySince(t *testing.T) {
	ts := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	at := ts.clock.Now()
	ts.Publish([]scanner.Result{result("cam0", 1, scanner.QRCode, "a", at), result("cam0", 2, scanner.QRCode, "b", at)})
	res, err := ts.client.Results(ctx, client.ResultsOptions{})
	if err != nil || len(res.Results) != 2 {
		t.Fatalf("results: %v %v", res, err)
	}
	since := res.Results[0].ID
	st, err := ts.client.Subscribe(ctx, client.EventsOptions{Since: &since, Format: client.SSE})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ts.waitSubscribers(t, 1)
	ts.Publish([]scanner.Result{result("cam0", 3, scanner.QRCode, "c", at)})
	for _, want := range []string{"b", "c"} {
		ev, err := st.Next()
		if err != nil || ev.Result.Text != want {
			t.Fatalf("got %+v %v, want %q", ev, err, want)
		}
	}
}

func TestCloseEndsStreamsWithReason(t *testing.T) {
	ts := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	st, err := ts.client.Subscribe(ctx, client.EventsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ts.waitSubscribers(t, 1)
	go ts.Close()
	ev, err := st.Next()
	if err != nil || ev.Kind != client.EventDisconnected || ev.Reason != "shutting_down" {
		t.Fatalf("got %+v %v, want disconnected shutting_down", ev, err)
	}
}

// TestNoticesReachEventStreams: a notice (the debug export stopping
// itself) reaches SSE and NDJSON streams as an event of its own, between
// results, and a waiting scan ignores it.
func TestNoticesReachEventStreams(t *testing.T) {
	for _, format := range []client.Format{client.NDJSON, client.SSE} {
		sse := format == client.SSE
		ts := startServer(t)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		// Not ts.client, which checks answers against openapi.yaml: the
		// future event below is one no version of the document has yet.
		c := client.New(ts.socket)
		defer c.Close()
		st, err := c.Subscribe(ctx, client.EventsOptions{Format: format})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		ts.waitSubscribers(t, 1)
		now := ts.clock.Now()
		ts.Notify(api.Notice{Event: "debug_export", Data: api.DebugExportState{StopReason: "max_images reached"}})
		ts.Notify(api.Notice{Event: "future_event", Data: map[string]any{"n": 1}})
		ts.Publish([]scanner.Result{result("cam", 1, scanner.QRCode, "after", now)})
		ev, err := st.Next()
		if err != nil || ev.Kind != client.EventDebugExport || ev.DebugExport.Enabled || ev.DebugExport.StopReason != "max_images reached" {
			t.Fatalf("sse=%v: got %+v %v, want the debug_export event", sse, ev, err)
		}
		// An event this version does not know comes as a notice.
		ev, err = st.Next()
		if err != nil || ev.Kind != client.EventNotice || ev.Name != "future_event" || !strings.Contains(string(ev.Data), `"n":1`) {
			t.Fatalf("sse=%v: got %+v %v, want the unknown event as a notice", sse, ev, err)
		}
		ev, err = st.Next()
		if err != nil || ev.Kind != client.EventResult || ev.Result.Text != "after" {
			t.Fatalf("sse=%v: got %+v %v, want the result after the notice", sse, ev, err)
		}
	}
}

// A source's change of state reaches streams typed, as GET /v1/status
// shows the source (and as openapi.yaml describes it: ts.client checks).
func TestSourceEventsAreTyped(t *testing.T) {
	for _, format := range []client.Format{client.NDJSON, client.SSE} {
		ts := startServer(t)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		st, err := ts.client.Subscribe(ctx, client.EventsOptions{Format: format})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		ts.waitSubscribers(t, 1)
		ts.Notify(api.Notice{Event: apitype.EventSource, Data: api.SourceStatus{Name: "cam0", URL: "/dev/video0",
			State: apitype.SourceUnplugged, LastError: "no such device", Since: ts.clock.Now()}})
		ev, err := st.Next()
		if err != nil || ev.Kind != client.EventSource || ev.Source.Name != "cam0" || ev.Source.State != apitype.SourceUnplugged ||
			ev.Source.LastError != "no such device" {
			t.Fatalf("format %v: got %+v %v, want the source event", format, ev, err)
		}
	}
}
