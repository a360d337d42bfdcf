package logging

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/coreos/go-systemd/v22/journal"
)

func TestFieldName(t *testing.T) {
	for in, want := range map[string]string{
		"source": "SOURCE", "api.socket": "API_SOCKET", "_secret": "SECRET", "9lives": "LIVES", "": "FIELD",
	} {
		if got := fieldName(in); got != want {
			t.Errorf("fieldName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNewFormats(t *testing.T) {
	var b bytes.Buffer
	log, err := New(&b, "test", FormatText, slog.LevelInfo)
	if err != nil {
		t.Fatal(err)
	}
	log.Debug("hidden")
	log.Info("source failed", "source", "front")
	if got := b.String(); strings.Contains(got, "hidden") || !strings.Contains(got, "source=front") {
		t.Errorf("text log: %q", got)
	}
	if _, err := New(&b, "test", "xml", slog.LevelInfo); err == nil {
		t.Error("unknown format accepted")
	}
	if _, err := ParseLevel("loud"); err == nil {
		t.Error("unknown level accepted")
	}
	if l, err := ParseLevel("warn"); err != nil || l != slog.LevelWarn {
		t.Errorf("ParseLevel(warn) = %v, %v", l, err)
	}
}

// TestJournalIdentifier: every journal entry names the program, so that
// journalctl -t scannerd finds it, and an attribute cannot change that.
func TestJournalIdentifier(t *testing.T) {
	var got []map[string]string
	send := func(msg string, _ journal.Priority, vars map[string]string) error {
		got = append(got, vars)
		return nil
	}
	log := slog.New(newJournalHandler("scannerd", slog.LevelInfo, send))
	log.Info("started")
	log.With("syslog_identifier", "other").Warn("source failed", "source", "front")
	if len(got) != 2 {
		t.Fatalf("%d entries, want 2", len(got))
	}
	for i, vars := range got {
		if vars["SYSLOG_IDENTIFIER"] != "scannerd" {
			t.Errorf("entry %d: SYSLOG_IDENTIFIER = %q, want scannerd (fields %v)", i, vars["SYSLOG_IDENTIFIER"], vars)
		}
	}
	if got[1]["SOURCE"] != "front" {
		t.Errorf("attribute field SOURCE = %q", got[1]["SOURCE"])
	}
}
