package licensing

import (
	"errors"
	"testing"
	"time"

	"github.com/scannerd/scannerd/internal/conf"
)

// Durations out of range, and an unknown meter_sync, fail validation with
// a config error naming the key.
func TestConfigValidateBounds(t *testing.T) {
	for _, c := range []Config{
		{ReportInterval: Duration(time.Second)},
		{ReportInterval: Duration(48 * time.Hour)},
		{RequestTimeout: Duration(time.Hour)},
		{RetryMax: Duration(time.Millisecond)},
		{MeterSync: "always"},
	} {
		err := c.Validate()
		var ke *conf.KeyError
		if !errors.Is(err, ErrConfig) || !errors.As(err, &ke) {
			t.Errorf("%+v: Validate = %v, want a config error naming its key", c, err)
		}
	}
}
