package setupui_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/api/apitest"
	"github.com/scannerd/scannerd/internal/setupui"
	"github.com/scannerd/scannerd/scanner"
)

// daemon is a stand-in for scannerd behind the socket: a fixed status.
type daemon struct{}

func (daemon) Status() api.Status {
	return api.Status{Version: "9.9.9", Sources: []api.SourceStatus{{Name: "cam0", State: "running"}}}
}

func (daemon) Decode(context.Context, func() (*scanner.Frame, error), scanner.Options) ([]scanner.Result, error) {
	return nil, errors.New("no uploads here")
}

// startPage serves the setup page in front of a real API server on a
// real socket, and returns its one-time URL.
func startPage(t *testing.T) (*setupui.Server, string) {
	t.Helper()
	cfg := apitest.Config(t)
	apitest.Serve(t, cfg, daemon{}, nil, &apitest.Exporter{}, nil)
	srv, err := setupui.Listen("127.0.0.1:0", cfg.Socket, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Error(err)
			}
		case <-time.After(2 * time.Minute):
			t.Error("the setup page did not stop")
		}
	})
	return srv, srv.URL()
}

func browser(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 2 * time.Minute}
}

func get(t *testing.T, c *http.Client, u string, header map[string]string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	for k, v := range header {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestTokenWorksOnce: the printed URL lets one browser in (a session
// cookie, HttpOnly and SameSite=Strict); the token is then spent, and a
// request without the cookie is refused.
func TestTokenWorksOnce(t *testing.T) {
	srv, link := startPage(t)
	root := "http://" + srv.Addr().String()
	b := browser(t)
	if code, body := get(t, b, root+"/v1/status", nil); code != http.StatusForbidden || !strings.Contains(body, "scanctl setup printed") {
		t.Errorf("before the token: %d %s", code, body)
	}
	// The token's answer: a cookie and a redirect to the page.
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cookies := resp.Cookies()
	if resp.StatusCode != http.StatusSeeOther || len(cookies) != 1 || !cookies[0].HttpOnly || cookies[0].SameSite != http.SameSiteStrictMode {
		t.Fatalf("token answered %d with cookies %+v", resp.StatusCode, cookies)
	}
	u, _ := url.Parse(root)
	b.Jar.SetCookies(u, cookies)
	if code, body := get(t, b, root+"/", nil); code != http.StatusOK || !strings.Contains(body, "scannerd setup") {
		t.Errorf("the page: %d %.200s", code, body)
	}
	code, body := get(t, b, root+"/v1/status", nil)
	var st api.Status
	if code != http.StatusOK || json.Unmarshal([]byte(body), &st) != nil || st.Version != "9.9.9" {
		t.Errorf("status through the proxy: %d %s", code, body)
	}
	// The token again, from another browser or the same: refused.
	for _, c := range []*http.Client{browser(t), b} {
		if code, body := get(t, c, link, nil); code != http.StatusForbidden || !strings.Contains(body, "used already") {
			t.Errorf("the token a second time: %d %s", code, body)
		}
	}
	if code, _ := get(t, browser(t), root+"/", nil); code != http.StatusForbidden {
		t.Errorf("the page without the cookie: %d", code)
	}
	// A browser opening the spent link or the page without its session
	// is told in words, not shown JSON; the page's own requests keep JSON.
	html := map[string]string{"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
	for _, u := range []string{link, root + "/"} {
		if code, body := get(t, browser(t), u, html); code != http.StatusForbidden ||
			!strings.HasPrefix(body, "scannerd setup: ") || !strings.Contains(body, "run scanctl setup again") {
			t.Errorf("%s opened by a browser: %d %q, want the message as text", u, code, body)
		}
	}
	if code, _ := get(t, &http.Client{}, root+"/v1/status", map[string]string{"Cookie": cookieName + "=forged"}); code != http.StatusForbidden {
		t.Errorf("a forged cookie: %d", code)
	}
}

const cookieName = "scanctl_setup"

// TestOnlyThePageItselfMayAsk: with the session cookie, requests naming
// another host (DNS rebinding), coming from another site or port, or
// for endpoints the page does not use are refused; the page's own are
// passed, without the browser headers the daemon refuses.
func TestOnlyThePageItselfMayAsk(t *testing.T) {
	srv, link := startPage(t)
	root := "http://" + srv.Addr().String()
	b := browser(t)
	if code, _ := get(t, b, link, nil); code != http.StatusOK {
		t.Fatalf("opening the link: %d", code)
	}
	_, port, _ := strings.Cut(srv.Addr().String(), ":")
	for name, h := range map[string]map[string]string{
		"rebound host name":        {"Host": "evil.example:" + port},
		"another site's origin":    {"Origin": "http://evil.example"},
		"another port's origin":    {"Origin": "http://127.0.0.1:1"},
		"a cross-site fetch":       {"Sec-Fetch-Site": "cross-site"},
		"another port (same-site)": {"Sec-Fetch-Site": "same-site"},
	} {
		if code, body := get(t, b, root+"/v1/status", h); code != http.StatusForbidden {
			t.Errorf("%s: %d %s", name, code, body)
		}
	}
	// The page's own requests, as a browser sends them, reach the daemon
	// (which refuses any request with Origin or Referer).
	if code, body := get(t, b, root+"/v1/status", map[string]string{"Origin": root, "Referer": root + "/", "Sec-Fetch-Site": "same-origin"}); code != http.StatusOK {
		t.Errorf("the page's own request: %d %s", code, body)
	}
	if code, _ := get(t, b, "http://localhost:"+port+"/v1/status", nil); code != http.StatusForbidden {
		// localhost is another cookie host: no session there.
		t.Errorf("localhost without its own session: %d", code)
	}
	for _, path := range []string{"/v1/license", "/v1/debug/export", "/metrics", "/v1/snapshot?source=cam0"} {
		if code, _ := get(t, b, root+path, nil); code != http.StatusNotFound {
			t.Errorf("%s through the proxy: %d", path, code)
		}
	}
	// A change without an Origin header (a form of another page) is refused.
	req, _ := http.NewRequest(http.MethodPut, root+"/v1/preview", strings.NewReader(`{"enabled":true}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := b.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var refusal struct{ Error struct{ Code string } }
	json.NewDecoder(resp.Body).Decode(&refusal)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("PUT without Origin: %d", resp.StatusCode)
	}
	// Its error code is in the API's table of error codes.
	doc, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	if row := "\n| `" + refusal.Error.Code + "` |"; refusal.Error.Code == "" || !strings.Contains(string(doc), row) {
		t.Errorf("PUT without Origin: error code %q is not in docs/api.md's table", refusal.Error.Code)
	}
}

// TestListenPortAlone: --listen 8080 means 127.0.0.1:8080, as a port
// alone does for [api] metrics_listen, rather than a refusal that says
// "missing port in address".
func TestListenPortAlone(t *testing.T) {
	if err := setupui.CheckListen("8080"); err != nil {
		t.Errorf("CheckListen(8080): %v", err)
	}
	srv, err := setupui.Listen("0", "/nonexistent.sock", nil)
	if err != nil {
		t.Fatalf("Listen(0): %v", err)
	}
	addr := srv.Addr().(*net.TCPAddr)
	if !addr.IP.Equal(net.IPv4(127, 0, 0, 1)) || addr.Port == 0 {
		t.Errorf("Listen(0) listens on %v, want 127.0.0.1 and a free port", addr)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel() // Serve stops at once and closes the listener
	if err := srv.Serve(ctx); err != nil {
		t.Errorf("Serve: %v", err)
	}
	for _, addr := range []string{"70000", "-1", "80a"} {
		if err := setupui.CheckListen(addr); !errors.Is(err, setupui.ErrNotLoopback) {
			t.Errorf("CheckListen(%q): %v, want a refusal", addr, err)
		}
	}
}

// TestListenLoopbackOnly: the page never listens beyond loopback.
func TestListenLoopbackOnly(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "[::]:0", ":0", "192.0.2.1:0", "example.com:80"} {
		if _, err := setupui.Listen(addr, "/nonexistent.sock", nil); !errors.Is(err, setupui.ErrNotLoopback) {
			t.Errorf("%s: %v", addr, err)
		}
	}
}
