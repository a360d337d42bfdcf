package lts_test

import (
	"bufio"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/lts/ltstest"
	"github.com/scannerd/scannerd/licensing/wire"
)

// scrape returns the server's metrics, one "name{labels} value" per key.
func scrape(t testing.TB, l *ltstest.LTS) map[string]string {
	t.Helper()
	rec := httptest.NewRecorder()
	l.Server.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	out := map[string]string{}
	sc := bufio.NewScanner(rec.Body)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.LastIndexByte(line, ' '); i > 0 && !strings.HasPrefix(line, "#") {
			out[line[:i]] = line[i+1:]
		}
	}
	return out
}

func TestMetrics(t *testing.T) {
	l := ltstest.Start(t, ltstest.Options{})
	l.IssueLicense(t, wire.License{ID: "DEV", Type: wire.LicensePerDevice, MaxDevices: 5})
	l.IssueLicense(t, wire.License{ID: "SCAN", Type: wire.LicensePerScan, ScansPerPeriod: 100, Period: wire.PeriodMonth})
	code := l.Handshake(t, lts.Handshake{Code: "SECRET-CODE", Licenses: []string{"SCAN", "DEV"}, GracePercent: 10})
	client := l.Client()
	a, b := newDevice(l, client, code), newDevice(l, client, code)
	mustAuthorize(t, a)
	mustAuthorize(t, b)
	if _, err := a.report("1", map[string]uint64{"QR_CODE": 30}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.report("1", map[string]uint64{"QR_CODE": 30}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.report("2", map[string]uint64{"EAN_13": 12}); err != nil {
		t.Fatal(err)
	}
	if _, err := newDevice(l, client, code).report("3", map[string]uint64{"QR_CODE": 1}); !isCode(err, wire.CodeNotAuthorized) {
		t.Fatal(err)
	}
	if _, err := newDevice(l, client, "NOPE").authorize(); !isCode(err, wire.CodeUnknownCode) {
		t.Fatal(err)
	}
	m := scrape(t, l)
	for k, want := range map[string]string{
		`ltsd_usage_reports_total{result="counted"}`:                                   "2",
		`ltsd_usage_reports_total{result="duplicate"}`:                                 "1",
		`ltsd_requests_rejected_total{reason="not_authorized",request="usage"}`:        "1",
		`ltsd_requests_rejected_total{reason="unknown_handshake",request="authorize"}`: "1",
		`ltsd_authorizations_total`:                                                    "2",
		`ltsd_devices_active{licenses="DEV,SCAN"}`:                                     "2",
		`ltsd_device_quota{licenses="DEV,SCAN"}`:                                       "5",
		`ltsd_scan_quota{licenses="DEV,SCAN",period="2026-11"}`:                        "110",
		`ltsd_scans_used{licenses="DEV,SCAN",period="2026-11"}`:                        "42",
		`ltsd_licenses_valid{licenses="DEV,SCAN"}`:                                     "2",
		`ltsd_store_scrape_error`:                                                      "0",
		`ltsd_store_seconds_count{operation="record_usage"}`:                           "",
		`ltsd_store_seconds_count{operation="update_code"}`:                            "2",
	} {
		got, ok := m[k]
		if !ok || (want != "" && got != want) {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	for k := range m {
		if strings.Contains(k, "SECRET-CODE") {
			t.Errorf("metric %s names the handshake code", k)
		}
	}
}
