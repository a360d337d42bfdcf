package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConsoleAccountsAndSignIn: "ltsd admin add" makes an account that
// signs in to the console ltsd serves on its admin listener; "passwd" and
// "remove" end what came before.
func TestConsoleAccountsAndSignIn(t *testing.T) {
	cfg, _, _ := setup(t, "--max-devices", "5")
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	admin := ln.Addr().String()
	ln.Close()
	data, _ := os.ReadFile(cfg)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(cfg, append([]byte("admin_listen = \""+admin+"\"\n"), data...), 0o600))

	admin1 := func(stdin string, args ...string) (string, error) {
		var out, errOut bytes.Buffer
		m := NewMain(&out, &errOut)
		m.Stdin = strings.NewReader(stdin)
		if code := m.Run(context.Background(), append([]string{"admin"}, args...)); code != 0 {
			return out.String(), fmt.Errorf("exit %d: %s", code, errOut.String())
		}
		return out.String(), nil
	}
	if _, err := admin1("short\n", "add", "--config", cfg, "ann"); err == nil {
		t.Fatal("a short password was taken")
	}
	if _, err := admin1("first password\n", "add", "--config", cfg, "ann"); err != nil {
		t.Fatal(err)
	}
	pwFile := filepath.Join(t.TempDir(), "pw")
	must(os.WriteFile(pwFile, []byte("reader password\n"), 0o600))
	if _, err := admin1("", "add", "--config", cfg, "--role", "read-only", "--password-file", pwFile, "rob"); err != nil {
		t.Fatal(err)
	}
	if _, err := admin1("x password 1\n", "add", "--config", cfg, "--role", "root", "eve"); err == nil {
		t.Fatal("an unknown role was taken")
	}
	if out, _ := admin1("", "list", "--config", cfg); !strings.Contains(out, "ann") || !strings.Contains(out, "read-only") {
		t.Fatalf("admin list:\n%s", out)
	}

	stop := serve(t, cfg)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	base := "https://" + admin
	signIn := func(name, pw string) int {
		resp, err := client.PostForm(base+"/console/sign-in", url.Values{"name": {name}, "password": {pw}})
		must(err)
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := signIn("ann", "first password"); code != http.StatusSeeOther {
		t.Fatalf("sign in: %d", code)
	}
	resp, err := client.Get(base + "/console/")
	must(err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Overview") {
		t.Fatalf("overview: %d\n%s", resp.StatusCode, body)
	}
	// The console's alerts are in the admin listener's metrics.
	resp, err = client.Get(base + "/metrics")
	must(err)
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "ltsd_alert_webhook_failures_total") {
		t.Errorf("metrics lack the console's:\n%.2000s", body)
	}
	stop()

	// A new password ends the session and the old password; remove ends
	// the account.
	if _, err := admin1("second password\n", "passwd", "--config", cfg, "ann"); err != nil {
		t.Fatal(err)
	}
	if _, err := admin1("", "remove", "--config", cfg, "rob"); err != nil {
		t.Fatal(err)
	}
	if out, _ := admin1("", "list", "--config", cfg); strings.Contains(out, "rob") {
		t.Fatalf("rob still listed:\n%s", out)
	}
}
