package logging

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
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
	log, err := New(&b, FormatText, slog.LevelInfo)
	if err != nil {
		t.Fatal(err)
	}
	log.Debug("hidden")
	log.Info("source failed", "source", "front")
	if got := b.String(); strings.Contains(got, "hidden") || !strings.Contains(got, "source=front") {
		t.Errorf("text log: %q", got)
	}
	if _, err := New(&b, "xml", slog.LevelInfo); err == nil {
		t.Error("unknown format accepted")
	}
	if _, err := ParseLevel("loud"); err == nil {
		t.Error("unknown level accepted")
	}
	if l, err := ParseLevel("warn"); err != nil || l != slog.LevelWarn {
		t.Errorf("ParseLevel(warn) = %v, %v", l, err)
	}
}
