package client

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestSSEReader(t *testing.T) {
	for _, tc := range []struct {
		name, stream string
		want         []sseEvent
	}{
		{"basic", "id: 1\nevent: result\ndata: {\"a\":1}\n\n", []sseEvent{{"result", `{"a":1}`, "1"}}},
		{"CRLF and CR", "event: x\r\ndata: 1\r\n\r\ndata: 2\r\rdata:3\n\n", []sseEvent{{"x", "1", ""}, {"message", "2", ""}, {"message", "3", ""}}},
		{"multi-line data", "data: a\ndata:  b\ndata\n\n", []sseEvent{{"message", "a\n b\n", ""}}},
		{"comments and retry", ": heartbeat\nretry: 2000\n\n: x\ndata: y\n\n", []sseEvent{{"message", "y", ""}}},
		{"no data, no event", "event: lonely\n\ndata: z\n\n", []sseEvent{{"message", "z", ""}}},
		{"id persists", "id: 7\ndata: a\n\ndata: b\n\n", []sseEvent{{"message", "a", "7"}, {"message", "b", "7"}}},
		{"id with NUL ignored", "id: 1\ndata: a\n\nid: 2\x00\ndata: b\n\n", []sseEvent{{"message", "a", "1"}, {"message", "b", "1"}}},
		{"unterminated event dropped", "data: a\n\ndata: b", []sseEvent{{"message", "a", ""}}},
		{"field without colon", "data\n\n", []sseEvent{{"message", "", ""}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newSSEReader(strings.NewReader(tc.stream))
			var got []sseEvent
			for {
				ev, err := r.next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, ev)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("event %d: %q, want %q", i, got[i], tc.want[i])
				}
			}
		})
	}
}

// FuzzEventStreams reads arbitrary bytes as SSE and as NDJSON: both end
// in events or an error, never a panic or an endless loop.
func FuzzEventStreams(f *testing.F) {
	f.Add("id: 1\nevent: result\ndata: {\"id\":1,\"text\":\"x\"}\n\n")
	f.Add("event: dropped\ndata: {\"dropped\":3}\n\nevent: disconnected\ndata: {\"reason\":\"lagging\"}\n\n")
	f.Add("{\"id\":1,\"symbology\":\"QR_CODE\"}\n{\"event\":\"heartbeat\"}\n{\"event\":\"dropped\",\"dropped\":2}\n")
	f.Add("event: result\ndata: not json\n\n")
	f.Add("\r\r\n\n:\n")
	f.Fuzz(func(t *testing.T, stream string) {
		r := newSSEReader(strings.NewReader(stream))
		var s Stream
		for i := 0; ; i++ {
			if _, err := s.nextSSE(r); err != nil {
				break
			}
			if i > len(stream) {
				t.Fatal("more events than bytes")
			}
		}
		sc := bufio.NewScanner(strings.NewReader(stream))
		for i := 0; ; i++ {
			if _, err := s.nextNDJSON(sc); err != nil {
				break
			}
			if i > len(stream) {
				t.Fatal("more events than bytes")
			}
		}
	})
}
