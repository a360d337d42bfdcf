package console_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"go.uber.org/goleak"
)

// browser is the one headless Chromium the browser tests of this binary
// share (each test in a browser context of its own); nil without chromium.
var browser context.Context

// TestMain runs the tests with the shared browser, and fails them if a
// goroutine outlives them once the browser is gone (goleak).
func TestMain(m *testing.M) {
	code := runWithBrowser(m)
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintf(os.Stderr, "goleak: goroutines left after the tests: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}

func runWithBrowser(m *testing.M) int {
	flag.Parse()
	path, err := exec.LookPath("chromium")
	if err != nil || testing.Short() {
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "console-chromium-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	alloc, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("ignore-certificate-errors", true),
		chromedp.UserDataDir(dir), chromedp.WindowSize(1280, 900))
	defer cancel()
	ctx, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()
	if err := chromedp.Do(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "start chromium:", err)
		return 1
	}
	browser = ctx
	return m.Run()
}

// tab opens a tab in a fresh browser context (no cookies of other tests).
func tab(t *testing.T) context.Context {
	t.Helper()
	if browser == nil {
		t.Skip("browser tests need chromium (scripts/deps.sh installs it) and no -short")
	}
	// A bound for a browser that hangs, not a measure of speed: on a
	// machine loaded 15 times over its two cores, TestBrowserWidths' 14
	// pages took longer than 90 s.
	ctx, cancel := context.WithTimeout(browser, 4*time.Minute)
	t.Cleanup(cancel)
	ctx, cancelTab := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancelTab)
	must(t, chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)))
	return ctx
}

// clickAndLoad clicks and waits for the page it leads to.
func clickAndLoad(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	_, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(sel))))
	if err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
}

func navigate(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	must(t, chromedp.Do(ctx, chromedp.Navigate(url)))
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// screenshot writes a PNG of the whole page under the test's temp dir.
func screenshot(t *testing.T, ctx context.Context, name string) string {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	must(t, err)
	dir := os.Getenv("CONSOLE_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	p := filepath.Join(dir, name+".png")
	must(t, os.WriteFile(p, buf, 0o644))
	return p
}

// signInBrowser signs in through the sign-in form, typing as a person does.
func signInBrowser(t *testing.T, ctx context.Context, f *fixture, name string) {
	t.Helper()
	navigate(t, ctx, f.url)
	must(t, chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.ID("name")),
		chromedp.SendKeys(chromedp.ID("name"), name),
		chromedp.SendKeys(chromedp.ID("password"), password(name)),
	))
	clickAndLoad(t, ctx, "form button[type=submit]")
	if h1 := eval[string](t, ctx, `document.querySelector("h1").textContent`); h1 != "Overview" {
		t.Fatalf("after signing in: page %q", h1)
	}
}

func TestBrowserSignIn(t *testing.T) {
	t.Parallel()
	ctx := tab(t)
	f := newFixture(t)
	navigate(t, ctx, f.url)
	if got := eval[string](t, ctx, `location.pathname`); got != "/console/sign-in" {
		t.Fatalf("signed out, the console shows %s", got)
	}
	// A wrong password is refused and says nothing about the account.
	must(t, chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("name"), adminName), chromedp.SendKeys(chromedp.ID("password"), "not the password")))
	clickAndLoad(t, ctx, "form button[type=submit]")
	if msg := eval[string](t, ctx, `document.querySelector("[role=alert]").textContent`); !strings.Contains(msg, "wrong account name or password") {
		t.Fatalf("wrong password: %q", msg)
	}
	screenshot(t, ctx, "sign-in-failed")
	signInBrowser(t, ctx, f, adminName)
	t.Log(screenshot(t, ctx, "overview-1280"))
	// The session cookie is what it should be.
	cookie := eval[map[string]any](t, ctx, `({c: document.cookie})`)
	if cookie["c"] != "" {
		t.Errorf("the session cookie is readable by scripts: %v", cookie)
	}
}

// TestBrowserTwoClicks: from the overview, one click on a customer shows
// this month's scans by symbology and the customer's silent devices.
func TestBrowserTwoClicks(t *testing.T) {
	t.Parallel()
	ctx := tab(t)
	f := newFixture(t)
	signInBrowser(t, ctx, f, readOnlyName)
	clickAndLoad(t, ctx, fmt.Sprintf(`a[data-customer=%q]`, f.acme))
	t.Log(screenshot(t, ctx, "customer-usage-1280"))
	rows := eval[map[string]string](t, ctx, `Object.fromEntries([...document.querySelectorAll("#totals tbody tr")].map(r => [r.dataset.series, r.dataset.total]))`)
	var total uint64
	for sym, n := range rows {
		var v uint64
		fmt.Sscan(n, &v)
		total += v
		if sym == "" {
			t.Errorf("a row without a symbology: %v", rows)
		}
	}
	if len(rows) != 4 || total != acmeScans {
		t.Errorf("this month by symbology: %v (%d scans), want 4 symbologies, %d scans", rows, total, acmeScans)
	}
	silent := eval[string](t, ctx, `document.querySelector("#silent").textContent`)
	if !strings.Contains(silent, f.devices[0].ID) || strings.Contains(silent, f.devices[1].ID) {
		t.Errorf("silent devices list %q, want exactly %s", silent, f.devices[0].ID)
	}
}

// TestBrowserChartMatchesUsage: the bars of the chart hold the numbers that
// "ltsd usage --by day --json" prints (the admin API it reads).
func TestBrowserChartMatchesUsage(t *testing.T) {
	t.Parallel()
	ctx := tab(t)
	f := newFixture(t)
	signInBrowser(t, ctx, f, adminName)
	navigate(t, ctx, f.url+"usage?by=day&group=symbology&code="+f.acme)
	bars := eval[[]struct {
		Period, Series string
		Count          string
	}](t, ctx, `[...document.querySelectorAll("svg.chart rect.seg")].map(r => ({Period: r.dataset.period, Series: r.dataset.series, Count: r.dataset.count}))`)
	got := map[string]string{}
	for _, b := range bars {
		got[b.Period+" "+b.Series] = b.Count
	}
	req, _ := http.NewRequest("GET", f.lts.URL+"/admin/v1/usage?by=day&handshake="+f.acme, nil)
	req.Header.Set("Authorization", "Bearer "+f.lts.AdminToken)
	resp, err := f.lts.Client().Do(req)
	must(t, err)
	defer resp.Body.Close()
	var cli struct {
		Usage []struct {
			Period, Symbology string
			Count             uint64
		}
	}
	must(t, json.NewDecoder(resp.Body).Decode(&cli))
	want := map[string]string{}
	for _, u := range cli.Usage {
		if strings.HasPrefix(u.Period, "2026-11") {
			want[u.Period+" "+u.Symbology] = fmt.Sprint(u.Count)
		}
	}
	if len(want) < 20 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("chart bars (%d):\n%v\nltsd usage (%d):\n%v", len(got), got, len(want), want)
	}
	t.Log(screenshot(t, ctx, "usage-chart-1280"))
}

// TestBrowserRevoke: an admin revokes a device in the console, and the
// device's next authorization is refused.
func TestBrowserRevoke(t *testing.T) {
	t.Parallel()
	ctx := tab(t)
	f := newFixture(t)
	signInBrowser(t, ctx, f, adminName)
	d := f.devices[2]
	navigate(t, ctx, f.url+"devices?q="+d.ID)
	clickAndLoad(t, ctx, fmt.Sprintf(`form[action$="/devices/%s/revoke"] button`, d.ID))
	if msg := eval[string](t, ctx, `document.querySelector("[role=status]").textContent`); !strings.Contains(msg, "revoked") {
		t.Errorf("after revoking: %q", msg)
	}
	screenshot(t, ctx, "devices-revoked")
	err := d.Authorize()
	if err == nil || !strings.Contains(err.Error(), "revoked") {
		t.Fatalf("authorize after revoke: %v", err)
	}
	if err := f.devices[3].Authorize(); err != nil {
		t.Errorf("another device was refused: %v", err)
	}
	clickAndLoad(t, ctx, fmt.Sprintf(`form[action$="/devices/%s/reinstate"] button`, d.ID))
	must(t, d.Authorize())
}

// TestBrowserCrossSitePost: a page on another site that posts a form to
// the console while the operator is signed in changes nothing.
func TestBrowserCrossSitePost(t *testing.T) {
	t.Parallel()
	ctx := tab(t)
	f := newFixture(t)
	signInBrowser(t, ctx, f, adminName)
	d := f.devices[1]
	target := f.url + "devices/" + d.ID + "/revoke"
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, `<!doctype html><form id="f" method="post" action="%s"><input name="back" value="/console/"><button id="go">win a prize</button></form>`, target)
	}))
	defer evil.Close()
	// localhost is another site than 127.0.0.1 to the browser.
	navigate(t, ctx, strings.Replace(evil.URL, "127.0.0.1", "localhost", 1))
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.ID("go")))
	must(t, err)
	if resp.Status != http.StatusForbidden && resp.Status != http.StatusUnauthorized {
		t.Errorf("cross-site POST answered %d", resp.Status)
	}
	screenshot(t, ctx, "cross-site-post")
	if err := d.Authorize(); err != nil {
		t.Fatalf("the cross-site POST revoked the device: %v", err)
	}
}

// TestBrowserReadOnly: a read-only account sees no actions, and a POST it
// makes anyway is refused.
func TestBrowserReadOnly(t *testing.T) {
	t.Parallel()
	ctx := tab(t)
	f := newFixture(t)
	signInBrowser(t, ctx, f, readOnlyName)
	for _, p := range []string{"devices", "codes", "licenses"} {
		navigate(t, ctx, f.url+p)
		if n := eval[int](t, ctx, `document.querySelectorAll("main form[method=post]").length`); n != 0 {
			t.Errorf("%s shows a read-only account %d forms that act", p, n)
		}
	}
	screenshot(t, ctx, "devices-read-only")
	// A form the page did not offer, with the session's own token.
	d := f.devices[1]
	eval[bool](t, ctx, fmt.Sprintf(`(() => {
		const f = document.createElement("form");
		f.method = "post"; f.action = %q;
		f.innerHTML = '<input name="csrf"><button id="forged">revoke</button>';
		f.elements.csrf.value = document.querySelector("header input[name=csrf]").value;
		document.body.append(f);
		return true; })()`, f.url+"devices/"+d.ID+"/revoke"))
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.ID("forged")))
	must(t, err)
	status := resp.Status
	if status != http.StatusForbidden {
		t.Errorf("read-only POST: %v, want 403", status)
	}
	if err := d.Authorize(); err != nil {
		t.Fatalf("a read-only account revoked a device: %v", err)
	}
}

// TestBrowserWidths: every page fits 375 and 1280 pixels without sideways
// scrolling.
func TestBrowserWidths(t *testing.T) {
	t.Parallel()
	ctx := tab(t)
	f := newFixture(t)
	signInBrowser(t, ctx, f, adminName)
	pages := map[string]string{
		"overview": "", "usage": "usage?code=" + f.acme, "usage-devices": "usage?by=month&group=device&code=" + f.acme,
		"devices": "devices", "codes": "codes", "licenses": "licenses", "alerts": "alerts",
	}
	for _, w := range []int64{375, 1280} {
		must(t, chromedp.Do(ctx, chromedp.EmulateViewport(w, 800)))
		for name, p := range pages {
			navigate(t, ctx, f.url+p)
			if got := eval[float64](t, ctx, `document.documentElement.scrollWidth`); got > float64(w) {
				t.Errorf("%s at %d px: %v px wide", name, w, got)
			}
			screenshot(t, ctx, fmt.Sprintf("%s-%d", name, w))
		}
	}
	navigate(t, ctx, f.url+"sign-out")
}
