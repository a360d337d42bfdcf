package main

import (
	"testing"
	"time"

	"github.com/scannerd/scannerd/internal/conf"
	"github.com/scannerd/scannerd/licensing"
)

// Every documented key of the [license] table decodes into
// licensing.Config; unknown keys and durations without a unit are refused.
func TestLicenseTableDecodes(t *testing.T) {
	doc := `[license]
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
unmetered_uploads = true
meter_sync = "delivery"
`
	var f configFile
	if _, err := conf.Decode("scannerd.toml", []byte(doc), &f); err != nil {
		t.Fatal(err)
	}
	c := f.config().License
	if time.Duration(c.ReportInterval) != 2*time.Minute || time.Duration(c.RetryMax) != 15*time.Minute ||
		c.HandshakeCode != "K7QF-2M9X-TR4D" || c.PasswordFile != "/etc/scannerd/lts-password" || len(c.LTSKeys) != 1 || len(c.LTSURLs) != 1 ||
		c.MarkFile != "/var/lib/scannerd-mark/licensing.mark" || !c.UnmeteredUploads || c.MeterSync != licensing.MeterSyncDelivery {
		t.Fatalf("decoded %+v", c)
	}
	for _, bad := range []string{
		"handshake = \"x\"\n",          // unknown key
		"report_interval = \"soon\"\n", // not a duration
		"report_interval = 300\n",      // no unit: not 300 ns
		"retry_max = \"-1m\"\n",
	} {
		if _, err := conf.Decode("scannerd.toml", []byte("[license]\n"+bad), &configFile{}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
