package console_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func get(t testing.TB, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	must(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestSignInAndPages(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	if code, _ := get(t, c, f.url); code != http.StatusSeeOther {
		t.Fatalf("signed out: %d, want a redirect to sign in", code)
	}
	f.signIn(t, c, adminName)
	for _, page := range []string{"", "usage", "usage?by=month&group=device", "usage?group=code&code=" + f.acme, "devices", "devices?state=silent", "codes", "licenses", "alerts"} {
		code, body := get(t, c, f.url+page)
		if code != http.StatusOK || !strings.Contains(body, "</html>") {
			t.Errorf("%s: %d\n%s", page, code, body)
		}
	}
	code, body := get(t, c, f.url+"usage.csv?code="+url.QueryEscape(f.acme))
	if code != http.StatusOK || !strings.HasPrefix(body, "period,handshake,symbology,scans\n") {
		t.Errorf("csv: %d %q", code, body[:min(len(body), 200)])
	}
}
