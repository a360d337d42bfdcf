package licensing

import (
	"errors"
	"testing"
	"time"

	"github.com/scannerd/scannerd/internal/conf"
)

// The daemon embeds Config as its [license] table; every documented key
// decodes, unknown keys are refused.
func TestConfigDecodesFromTOML(t *testing.T) {
	doc := `
state_dir = "/var/lib/scannerd"
lts_url = "https://lts.example:8443"
lts_urls = ["https://lts2.example:8443"]
lts_keys = ["lts1:AAAA"]
lts_cert_sha256 = "sha256:00"
lts_ca_file = "/etc/scannerd/lts-ca.pem"
handshake_code = "K7QF-2M9X-TR4D"
password = ""
password_file = "/etc/scannerd/lts-password"
domain = "plant.example.com"
offline_license = ""
vendor_keys = []
report_interval = "2m"
retry_max = "15m"
request_timeout = "20s"
machine_id_file = "/etc/machine-id"
mark_file = "/var/lib/scannerd-mark/licensing.mark"
meter_sync = "delivery"
`
	var c Config
	if _, err := conf.Decode("scannerd.toml", []byte(doc), &c); err != nil {
		t.Fatal(err)
	}
	if time.Duration(c.ReportInterval) != 2*time.Minute || time.Duration(c.RetryMax) != 15*time.Minute ||
		c.HandshakeCode != "K7QF-2M9X-TR4D" || c.PasswordFile != "/etc/scannerd/lts-password" || len(c.LTSKeys) != 1 || len(c.LTSURLs) != 1 ||
		c.MarkFile != "/var/lib/scannerd-mark/licensing.mark" || c.MeterSync != MeterSyncDelivery {
		t.Fatalf("decoded %+v", c)
	}
	for _, bad := range []string{
		"handshake = \"x\"\n",          // unknown key
		"report_interval = \"soon\"\n", // not a duration
		"report_interval = 300\n",      // no unit: not 300 ns
		"retry_max = \"-1m\"\n",
	} {
		if _, err := conf.Decode("scannerd.toml", []byte(bad), &Config{}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	// Durations out of range pass decoding but not validation.
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
