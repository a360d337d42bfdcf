package licensing

import (
	"bytes"
	"testing"
	"time"

	"github.com/pelletier/go-toml/v2"
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
`
	var c Config
	dec := toml.NewDecoder(bytes.NewReader([]byte(doc)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		t.Fatal(err)
	}
	if time.Duration(c.ReportInterval) != 2*time.Minute || time.Duration(c.RetryMax) != 15*time.Minute ||
		c.HandshakeCode != "K7QF-2M9X-TR4D" || c.PasswordFile != "/etc/scannerd/lts-password" || len(c.LTSKeys) != 1 || len(c.LTSURLs) != 1 {
		t.Fatalf("decoded %+v", c)
	}
	dec = toml.NewDecoder(bytes.NewReader([]byte("handshake = \"x\"\n")))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&Config{}); err == nil {
		t.Fatal("unknown key accepted")
	}
	if err := toml.Unmarshal([]byte(`report_interval = "soon"`), &Config{}); err == nil {
		t.Fatal("bad duration accepted")
	}
}
