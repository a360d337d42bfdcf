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

// TestDurationLimitInHours: a duration past the limit is refused with the
// limit in hours, as the documentation gives it, not in nanoseconds.
func TestDurationLimitInHours(t *testing.T) {
	s := apitype.DebugExportSettings{Duration: apitype.Duration(2000 * time.Hour)}
	err := s.Validate()
	if err == nil || !strings.Contains(err.Error(), "at most 168h") || strings.Contains(err.Error(), "604800") {
		t.Errorf("duration 2000h: %v, want \"at most 168h\"", err)
	}
	s.Duration = apitype.Duration(apitype.MaxDuration)
	if err := s.Validate(); err != nil {
		t.Errorf("duration 168h: %v", err)
	}
}
