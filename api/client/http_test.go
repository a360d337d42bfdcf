package client

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"testing"
)

// readResponse reads a head and, framed as exchange frames it, the body.
func readResponse(raw string) (int, string, error) {
	br := bufio.NewReader(strings.NewReader(raw))
	status, header, err := readHead(br)
	if err != nil {
		return 0, "", err
	}
	var r io.Reader = br
	if strings.EqualFold(header.Get("Transfer-Encoding"), "chunked") {
		r = &chunkedReader{br: br}
	}
	b, err := io.ReadAll(io.LimitReader(r, 1<<20))
	return status, string(b), err
}

func TestReadResponse(t *testing.T) {
	for _, tc := range []struct {
		name, raw string
		status    int
		body      string
		err       bool
	}{
		{"length", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", 200, "{}", false},
		{"chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n1\r\nd\r\n0\r\nTrailer: 1\r\n\r\n", 200, "abcd", false},
		{"interim", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 504 Gateway Timeout\r\n\r\nx", 504, "x", false},
		{"bad status", "HTTP/1.1 2000 OK\r\n\r\n", 0, "", true},
		{"not http", "SSH-2.0-OpenSSH\r\n\r\n", 0, "", true},
		{"bad chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 200, "", true},
		{"chunk without CRLF", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\naXY0\r\n\r\n", 200, "a", true},
		{"truncated chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", 200, "ab", true},
		{"no answer", "", 0, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body, err := readResponse(tc.raw)
			if (err != nil) != tc.err || status != tc.status || body != tc.body {
				t.Errorf("got %d %q %v, want %d %q (error %v)", status, body, err, tc.status, tc.body, tc.err)
			}
		})
	}
	if _, _, err := readResponse(""); !errors.Is(err, errNoAnswer) {
		t.Errorf("empty connection: %v, want errNoAnswer", err)
	}
	if _, _, err := readResponse("HTTP/1.1 200 OK\r\nX: " + strings.Repeat("a", maxHeaderBytes) + "\r\n\r\n"); err == nil {
		t.Error("a head over the limit was read")
	}
}

// FuzzResponse: whatever the socket answers, the client reads it or fails
// with an error; it never panics or reads without end.
func FuzzResponse(f *testing.F) {
	f.Add("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
	f.Add("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
	f.Add("HTTP/1.0 404 Not Found\r\nContent-Type: application/json\r\n\r\n{\"error\":{}}")
	f.Add("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n")
	f.Add("HTTP/1.1 101 x\r\n\r\n")
	f.Fuzz(func(t *testing.T, raw string) {
		status, body, err := readResponse(raw)
		if err == nil && (status < 200 || status > 999) {
			t.Fatalf("status %d accepted", status)
		}
		if len(body) > len(raw) {
			t.Fatalf("body of %d bytes from %d", len(body), len(raw))
		}
	})
}
