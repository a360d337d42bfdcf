// Package logging sets up the daemons' log/slog loggers: text on stderr
// by default, and the journal's native protocol when stderr is connected to
// the journal (systemd sets JOURNAL_STREAM), so fields stay fields and
// priorities stay priorities.
package logging

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/coreos/go-systemd/v22/journal"
)

// Formats New accepts.
const (
	FormatAuto    = "auto"    // journal when stderr is the journal, else text
	FormatText    = "text"    // key=value lines on stderr
	FormatJSON    = "json"    // JSON lines on stderr
	FormatJournal = "journal" // journal native protocol
)

// ParseLevel reads "debug", "info", "warn" or "error".
func ParseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("log level %q: want debug, info, warn or error", s)
	}
	return l, nil
}

// New returns a logger writing to stderr in the given format. ident is the
// program's name in the journal (SYSLOG_IDENTIFIER, what journalctl -t
// selects).
func New(stderr io.Writer, ident, format string, level slog.Level) (*slog.Logger, error) {
	opts := &slog.HandlerOptions{Level: level}
	switch format {
	case "", FormatAuto:
		if ok, _ := journal.StderrIsJournalStream(); ok && journal.Enabled() {
			return slog.New(newJournalHandler(ident, level, journal.Send)), nil
		}
		return slog.New(slog.NewTextHandler(stderr, opts)), nil
	case FormatText:
		return slog.New(slog.NewTextHandler(stderr, opts)), nil
	case FormatJSON:
		return slog.New(slog.NewJSONHandler(stderr, opts)), nil
	case FormatJournal:
		if !journal.Enabled() {
			return nil, fmt.Errorf("log format journal: the journal socket is not available")
		}
		return slog.New(newJournalHandler(ident, level, journal.Send)), nil
	}
	return nil, fmt.Errorf("log format %q: want auto, text, json or journal", format)
}

// journalHandler sends each record as one journal entry: MESSAGE holds the
// message and the attributes as key=value (what journalctl shows), and each
// attribute is also a field of its own (SOURCE=front, ERR=…) for filtering.
type journalHandler struct {
	ident  string
	send   func(msg string, p journal.Priority, vars map[string]string) error
	level  slog.Level
	attrs  []slog.Attr
	prefix string // group path, "GROUP_"
}

func newJournalHandler(ident string, level slog.Level, send func(string, journal.Priority, map[string]string) error) *journalHandler {
	return &journalHandler{ident: ident, send: send, level: level}
}

func (h *journalHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }

func (h *journalHandler) Handle(_ context.Context, r slog.Record) error {
	var msg strings.Builder
	msg.WriteString(r.Message)
	vars := map[string]string{}
	add := func(a slog.Attr) {
		a.Value = a.Value.Resolve()
		if a.Equal(slog.Attr{}) {
			return
		}
		key := h.prefix + a.Key
		val := a.Value.String()
		fmt.Fprintf(&msg, " %s=%s", key, quoteIfNeeded(val))
		vars[fieldName(key)] = val
	}
	for _, a := range h.attrs {
		add(a)
	}
	r.Attrs(func(a slog.Attr) bool { add(a); return true })
	// After the attributes: an attribute cannot pass for the program.
	if h.ident != "" {
		vars["SYSLOG_IDENTIFIER"] = h.ident
	}
	return h.send(msg.String(), priority(r.Level), vars)
}

func (h *journalHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append(append([]slog.Attr(nil), h.attrs...), prefixed(attrs, h.prefix)...)
	return &c
}

func (h *journalHandler) WithGroup(name string) slog.Handler {
	c := *h
	c.prefix = h.prefix + name + "."
	return &c
}

func prefixed(attrs []slog.Attr, prefix string) []slog.Attr {
	if prefix == "" {
		return attrs
	}
	out := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		out[i] = slog.Attr{Key: prefix + a.Key, Value: a.Value}
	}
	return out
}

func priority(l slog.Level) journal.Priority {
	switch {
	case l >= slog.LevelError:
		return journal.PriErr
	case l >= slog.LevelWarn:
		return journal.PriWarning
	case l >= slog.LevelInfo:
		return journal.PriInfo
	}
	return journal.PriDebug
}

// fieldName makes a journal field name: upper case letters, digits and
// underscores, not starting with an underscore (those are trusted fields).
func fieldName(key string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(key) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	name := strings.TrimLeft(b.String(), "_0123456789")
	if name == "" {
		name = "FIELD"
	}
	return name
}

func quoteIfNeeded(s string) string {
	if s == "" || strings.ContainsAny(s, " \t\n\"=") {
		return fmt.Sprintf("%q", s)
	}
	return s
}
