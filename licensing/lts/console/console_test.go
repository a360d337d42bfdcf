package console_test

import (
	"cmp"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
	"github.com/scannerd/scannerd/licensing/lts/console"
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
	t.Parallel()
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

// TestSignInAttemptLimit: five wrong passwords for an account block it, the
// right one included, until the window passes.
func TestSignInAttemptLimit(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.client(t)
	try := func(pw string) int {
		resp, err := c.PostForm(f.url+"sign-in", url.Values{"name": {adminName}, "password": {pw}})
		must(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	for i := range console.DefaultSignInAttempts {
		if code := try("wrong password " + fmt.Sprint(i)); code != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d", i, code)
		}
	}
	if code := try(password(adminName)); code != http.StatusTooManyRequests {
		t.Fatalf("right password after the limit: %d, want 429", code)
	}
	f.lts.Clock.Advance(console.DefaultSignInWindow)
	if code := try(password(adminName)); code != http.StatusSeeOther {
		t.Fatalf("right password after the window: %d", code)
	}
}

// TestFormsNeedTheToken: a POST without the session's form token changes
// nothing, even from a client that sends no browser headers.
func TestFormsNeedTheToken(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.client(t)
	f.signIn(t, c, adminName)
	d := f.devices[1]
	for _, token := range []string{"", "forged"} {
		resp, err := c.PostForm(f.url+"devices/"+d.ID+"/revoke", url.Values{"csrf": {token}})
		must(t, err)
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("token %q: %d", token, resp.StatusCode)
		}
	}
	must(t, d.Authorize())
	// Signing out ends the session in the store.
	_, body := get(t, c, f.url+"devices")
	token := csrfToken(t, body)
	resp, err := c.PostForm(f.url+"sign-out", url.Values{"csrf": {token}})
	must(t, err)
	resp.Body.Close()
	if code, _ := get(t, c, f.url); code != http.StatusSeeOther {
		t.Errorf("after signing out: %d", code)
	}
}

// TestDeviceActionThatChangesNothing: revoking a device that is already
// revoked says so on the page and leaves no "changed" line in the log, so
// that the log is an audit trail of real changes.
func TestDeviceActionThatChangesNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.client(t)
	f.signIn(t, c, adminName)
	_, body := get(t, c, f.url+"devices")
	token := csrfToken(t, body)
	d := f.devices[2]
	revoke := func() (flash string) {
		t.Helper()
		resp, err := c.PostForm(f.url+"devices/"+d.ID+"/revoke", url.Values{"csrf": {token}, "back": {console.Prefix + "devices"}})
		must(t, err)
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("revoke: %s", resp.Status)
		}
		_, page := get(t, c, f.srv.URL+resp.Header.Get("Location"))
		return page
	}
	if page := revoke(); !strings.Contains(page, "Device revoked") {
		t.Errorf("the first revoke did not say the device was revoked")
	}
	if page := revoke(); !strings.Contains(page, "Nothing changed") || strings.Contains(page, "Device revoked") {
		t.Errorf("revoking a revoked device did not say that nothing changed")
	}
	if n := strings.Count(f.log.String(), "device state changed"); n != 1 {
		t.Errorf("%d state changes logged for one real change:\n%s", n, f.log.String())
	}
}

// csrfToken is the form token a console page carries.
func csrfToken(t *testing.T, page string) string {
	t.Helper()
	const attr = `name="csrf" value="`
	_, rest, ok := strings.Cut(page, attr)
	end := strings.IndexByte(rest, '"')
	if !ok || end < 0 {
		t.Fatal("no form token on the page")
	}
	return rest[:end]
}

// TestAlerts: the fixture's quotas raise alerts, which the webhook gets
// signed, and the metrics show; a new license resolves one.
func TestAlerts(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	must(t, console.CheckAlerts(ctx, f.console))
	got := map[string]console.AlertEvent{}
	for range 3 {
		ev := <-f.hooks
		got[ev.Alert.Kind+"/"+fmt.Sprint(ev.Alert.Level)] = ev
	}
	for _, want := range []string{"scan_quota/80", "device_quota/100", "silent_devices/100"} {
		ev, ok := got[want]
		if !ok || ev.Event != "raised" {
			t.Errorf("webhook: no %s alert raised: %v", want, got)
			continue
		}
		if strings.Contains(fmt.Sprint(ev), f.acme) || strings.Contains(fmt.Sprint(ev), f.globex) {
			t.Errorf("an alert names a handshake code: %+v", ev)
		}
	}
	if ev := got["scan_quota/80"]; ev.Alert.Customer != "Acme Logistics" || ev.Alert.Used != acmeScans || ev.Alert.Limit != 7000 {
		t.Errorf("scan alert: %+v", ev.Alert)
	}
	select {
	case ev := <-f.hooks:
		t.Errorf("a fourth alert: %+v", ev)
	default:
	}
	// Checking again posts nothing new.
	must(t, console.CheckAlerts(ctx, f.console))
	select {
	case ev := <-f.hooks:
		t.Errorf("an alert posted twice: %+v", ev)
	default:
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(f.console.Collector())
	var out strings.Builder
	mfs, err := reg.Gather()
	must(t, err)
	for _, mf := range mfs {
		expfmt.MetricFamilyToText(&out, mf)
	}
	for _, want := range []string{
		`ltsd_alert{kind="scan_quota",level="80",licenses="ACME-DEVICES,ACME-SCANS"} 1`,
		`ltsd_alert{kind="device_quota",level="100",licenses="GLOBEX"} 1`,
		`ltsd_devices_silent{licenses="ACME-DEVICES,ACME-SCANS"} 1`,
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("metrics lack %s:\n%s", want, out.String())
		}
	}
	// The silent device reports again: its alert is resolved.
	must(t, f.devices[0].Authorize())
	must(t, console.CheckAlerts(ctx, f.console))
	if ev := <-f.hooks; ev.Event != "resolved" || ev.Alert.Kind != console.AlertSilentDevices {
		t.Errorf("after the device came back: %+v", ev)
	}
}

// TestDeviceChartMatchesCSV: the chart of a customer's scans per day by
// device, with more devices than it stacks, shows the six largest devices
// (by their month) day by day and the rest as Other, each day adding up to
// what the CSV export, which lists every device and day, adds up to.
func TestDeviceChartMatchesCSV(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	// Four more devices: nine with November scans, more than a chart stacks.
	for i := range 4 {
		d := f.lts.NewDevice(f.acme)
		must(t, d.Authorize())
		for day := 3; day <= 5+i; day++ {
			must(t, d.Report(fmt.Sprint("extra-", day), time.Date(2026, 11, day, 9, 0, 0, 0, time.UTC), map[string]uint64{"EAN_13": uint64(10*i + day)}))
		}
	}
	c := f.client(t)
	f.signIn(t, c, adminName)
	q := "?by=day&group=device&code=" + url.QueryEscape(f.acme)
	code, page := get(t, c, f.url+"usage"+q)
	if code != http.StatusOK {
		t.Fatalf("usage: %d", code)
	}
	chart := map[string]map[string]uint64{} // period → series → count
	for _, m := range regexp.MustCompile(`data-period="([^"]*)" data-series="([^"]*)" data-count="(\d+)"`).FindAllStringSubmatch(page, -1) {
		n, _ := strconv.ParseUint(m[3], 10, 64)
		if chart[m[1]] == nil {
			chart[m[1]] = map[string]uint64{}
		}
		chart[m[1]][m[2]] += n
	}
	code, csvText := get(t, c, f.url+"usage.csv"+q)
	recs, err := csv.NewReader(strings.NewReader(csvText)).ReadAll()
	if code != http.StatusOK || err != nil || len(recs) < 2 {
		t.Fatalf("csv: %d %v", code, err)
	}
	days := map[string]map[string]uint64{} // period → device → count
	month := map[string]uint64{}
	for _, r := range recs[1:] {
		n, _ := strconv.ParseUint(r[3], 10, 64)
		if days[r[0]] == nil {
			days[r[0]] = map[string]uint64{}
		}
		days[r[0]][r[2]] += n
		month[r[2]] += n
	}
	if len(month) != 9 {
		t.Fatalf("%d devices with November scans in the CSV, want 9", len(month))
	}
	ranked := slices.Collect(maps.Keys(month))
	slices.SortFunc(ranked, func(a, b string) int { return cmp.Or(cmp.Compare(month[b], month[a]), cmp.Compare(a, b)) })
	want := map[string]map[string]uint64{}
	for period, byDevice := range days {
		want[period] = map[string]uint64{}
		for dev, n := range byDevice {
			series := dev
			if !slices.Contains(ranked[:6], dev) {
				series = "Other"
			}
			if n > 0 {
				want[period][series] += n
			}
		}
	}
	if fmt.Sprint(chart) != fmt.Sprint(want) {
		t.Errorf("chart by device:\n%v\nfrom the CSV:\n%v", chart, want)
	}
}
