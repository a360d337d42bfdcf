package apitype_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/scannerd/scannerd/api/apitype"
)

// A duration in JSON is a string with a unit; anything else is refused
// with a message a person can act on, not a Go type name.
func TestDurationJSON(t *testing.T) {
	var s apitype.DebugExportSettings
	if err := json.Unmarshal([]byte(`{"duration":"10m"}`), &s); err != nil || s.Duration.D() != 10*time.Minute {
		t.Fatalf("10m: %v, %v", s.Duration, err)
	}
	for _, in := range []string{`600`, `"600"`, `"-1m"`, `true`, `{}`} {
		err := json.Unmarshal([]byte(`{"duration":`+in+`}`), &s)
		if err == nil {
			t.Errorf("%s accepted as %v", in, s.Duration)
			continue
		}
		if msg := err.Error(); !strings.HasPrefix(msg, "duration ") || strings.Contains(msg, "Go struct") {
			t.Errorf("%s: message %q", in, msg)
		}
	}
	if err := json.Unmarshal([]byte(`{"duration":null}`), &s); err != nil {
		t.Errorf("null: %v", err)
	}
}
