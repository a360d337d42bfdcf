package client

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"
)

// sseEvent is one dispatched server-sent event.
type sseEvent struct {
	Type string // "message" when the stream names none
	Data string
	ID   string // the last event ID in effect
}

// sseReader parses a text/event-stream as the HTML Living Standard's
// "interpreting an event stream" (§9.2.6) says: lines end in CRLF, LF or
// CR; a line starting with ':' is a comment; "field: value" with one
// leading space of the value dropped; a blank line dispatches the event
// when its data is not empty.
type sseReader struct {
	sc     *bufio.Scanner
	lastID string
	retry  int // milliseconds, from the last valid retry field
}

// maxSSELine bounds one line of the stream.
const maxSSELine = 1 << 20

func newSSEReader(r io.Reader) *sseReader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxSSELine)
	sc.Split(scanSSELines)
	return &sseReader{sc: sc}
}

// scanSSELines splits on CRLF, LF or CR. A CR at the end of the buffer
// waits for the next byte, which may be the LF of a CRLF.
func scanSSELines(data []byte, atEOF bool) (int, []byte, error) {
	if i := bytes.IndexAny(data, "\r\n"); i >= 0 {
		if data[i] == '\n' {
			return i + 1, data[:i], nil
		}
		if i+1 < len(data) {
			if data[i+1] == '\n' {
				return i + 2, data[:i], nil
			}
			return i + 1, data[:i], nil
		}
		if atEOF {
			return i + 1, data[:i], nil
		}
		return 0, nil, nil
	}
	if atEOF && len(data) > 0 {
		// An unterminated last line is discarded with its event, as the
		// standard says for an event not followed by a blank line.
		return len(data), nil, nil
	}
	return 0, nil, nil
}

// next returns the next event, or io.EOF when the stream ends.
func (r *sseReader) next() (sseEvent, error) {
	var typ string
	var data strings.Builder
	hasData := false
	for r.sc.Scan() {
		line := r.sc.Text()
		if line == "" {
			if !hasData {
				typ = ""
				continue
			}
			d := data.String()
			d = strings.TrimSuffix(d, "\n")
			if typ == "" {
				typ = "message"
			}
			return sseEvent{Type: typ, Data: d, ID: r.lastID}, nil
		}
		if line[0] == ':' {
			continue
		}
		field, value, found := strings.Cut(line, ":")
		if found {
			value = strings.TrimPrefix(value, " ")
		}
		switch field {
		case "event":
			typ = value
		case "data":
			data.WriteString(value)
			data.WriteByte('\n')
			hasData = true
		case "id":
			if !strings.ContainsRune(value, 0) {
				r.lastID = value
			}
		case "retry":
			if n, err := strconv.Atoi(value); err == nil && n >= 0 && strings.Trim(value, "0123456789") == "" {
				r.retry = n
			}
		}
	}
	if err := r.sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return sseEvent{}, errors.New("event stream: line too long")
		}
		return sseEvent{}, err
	}
	return sseEvent{}, io.EOF
}
