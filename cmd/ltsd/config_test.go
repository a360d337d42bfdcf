package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/scannerd/scannerd/licensing/lts"
)

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name, in, wantErr string
	}{
		{name: "defaults", in: ""},
		{name: "durations", in: "max_clock_skew = \"30m\"\npassword_window = \"1h\""},
		{name: "unknown key", in: "listen = \"x:1\"\nlisten_port = 3", wantErr: "listen_port"},
		{name: "bad duration", in: `password_window = "soon"`, wantErr: "soon"},
		{name: "bad vendor key", in: `vendor_keys = ["rsa:abc"]`, wantErr: "vendor_keys"},
		{name: "empty store", in: `store = ""`, wantErr: "ltsd.toml:1: key store: must not be empty"},
		{name: "duration without unit", in: "\nmax_clock_skew = 3600", wantErr: "ltsd.toml:2: key max_clock_skew: want a duration with a unit"},
		{name: "negative duration", in: `password_window = "-1m"`, wantErr: "must not be negative"},
		{name: "window too long", in: `password_window = "9000h"`, wantErr: "ltsd.toml:1: key password_window: 9000h0m0s is outside 1s to 24h0m0s"},
		{name: "attempts out of range", in: `password_attempts = 0`, wantErr: "key password_attempts: 0 is outside 1 to 1000"},
		{name: "string for a number", in: `password_attempts = "5"`, wantErr: `key password_attempts: want an integer, got the string "5"`},
		{name: "store table", in: "[store]\npath = \"lts.db\"\n"},
		{name: "postgres", in: "[store]\nurl = \"postgres://ltsd@/ltsd?host=/run/postgresql\"\n"},
		{name: "not postgres", in: "[store]\nurl = \"mysql://x\"\n", wantErr: "postgres://"},
		{name: "unknown store key", in: "[store]\nfile = \"x\"\n", wantErr: "file"},
		{name: "store url without a table", in: "store.url = \"mysql://x\"\n", wantErr: "ltsd.toml:1: key store.url: must be a postgres:// URL"},
		{name: "device url", in: `url = "https://lts.example.com:8443"`},
		{name: "plain http url", in: `url = "http://lts.example.com:8443"`, wantErr: "ltsd.toml:1: key url: \"http://lts.example.com:8443\": want https://"},
		{name: "url without host", in: `url = "https://"`, wantErr: "want https://"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseConfig("ltsd.toml", []byte(tt.in), "/var/lib/ltsd")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want error mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Path(c.Store.Path) != "/var/lib/ltsd/lts.db" {
				t.Errorf("store path %s", c.Path(c.Store.Path))
			}
		})
	}
	c, _ := ParseConfig("ltsd.toml", []byte(`max_clock_skew = "30m"`), "/")
	if time.Duration(c.MaxClockSkew) != 30*time.Minute || time.Duration(c.PasswordWindow) != lts.DefaultPasswordWindow {
		t.Errorf("durations %v %v", c.MaxClockSkew, c.PasswordWindow)
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add([]byte("listen = \"127.0.0.1:8443\"\nvendor_keys = [\"ed25519:AAAA\"]\nmax_clock_skew = \"1h\"\n"))
	f.Add([]byte("[x]\ny = 1"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig("ltsd.toml", data, "/srv")
		if err == nil && (c.Listen == "" || c.Store.Path == "" && c.Store.URL == "") {
			t.Fatal("accepted a config without listen or store")
		}
	})
}

// TestDocumentedConfigParses: every key packaging/ltsd.toml documents,
// uncommented, is a valid configuration.
func TestDocumentedConfigParses(t *testing.T) {
	data, err := os.ReadFile("../../packaging/ltsd.toml")
	if err != nil {
		t.Fatal(err)
	}
	key := regexp.MustCompile(`(?m)^#([a-z_]+ = )`)
	doc := key.ReplaceAll(data, []byte("$1"))
	if n := len(key.FindAll(data, -1)); n < 12 {
		t.Fatalf("only %d documented keys found", n)
	}
	c, err := ParseConfig("ltsd.toml", doc, "/var/lib/ltsd")
	if err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	if !c.Store.Postgres() || c.AdminListen != "" {
		t.Fatalf("parsed %+v", c)
	}
}

func TestDeviceURL(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{``, "https://127.0.0.1:8443"},
		{`url = "https://lts.example.com"`, "https://lts.example.com"},
		{`listen = "[::1]:9443"`, "https://[::1]:9443"},
	} {
		c, err := ParseConfig("ltsd.toml", []byte(tt.in), "/")
		if err != nil {
			t.Fatal(err)
		}
		if got := c.DeviceURL(); got != tt.want {
			t.Errorf("%q: %s, want %s", tt.in, got, tt.want)
		}
	}
	// Listening on every interface, the URL names this machine.
	c, _ := ParseConfig("ltsd.toml", []byte(`listen = ":8443"`), "/")
	if got := c.DeviceURL(); strings.HasPrefix(got, "https://:") || !strings.HasSuffix(got, ":8443") {
		t.Errorf("listen :8443: %s", got)
	}
}
