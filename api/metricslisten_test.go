package api_test

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/internal/conf"
	"github.com/scannerd/scannerd/scanner"
)

// TestMetricsOverTCP: with metrics_listen set, Prometheus can scrape
// /metrics over TCP, and that listener serves nothing else: no results,
// and no barcode text in what it does serve.
func TestMetricsOverTCP(t *testing.T) {
	ts := startServer(t, withConfig(func(c *api.Config) { c.MetricsListen = "127.0.0.1:0" }))
	addr := ts.MetricsAddr()
	if addr == nil {
		t.Fatal("no metrics listener")
	}
	const secret = "SECRET-PARCEL-4711"
	at := ts.clock.Now()
	ts.Publish([]scanner.Result{result("cam0", 1, scanner.QRCode, secret, at)})
	get := func(method, path string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(method, "http://"+addr.String()+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, string(b)
	}
	status, body := get(http.MethodGet, "/metrics")
	if status != http.StatusOK {
		t.Fatalf("GET /metrics over TCP: %d %s", status, body)
	}
	for _, want := range []string{`scannerd_results_total{source="cam0",symbology="QR_CODE"} 1`,
		"scannerd_license_offline_left_seconds 3600", `scannerd_build_info{goversion="`} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics over TCP lacks %s", want)
		}
	}
	if strings.Contains(body, secret) {
		t.Error("/metrics holds a barcode's text")
	}
	for _, tc := range []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, "/v1/results", http.StatusNotFound},
		{http.MethodGet, "/v1/status", http.StatusNotFound},
		{http.MethodPost, "/metrics", http.StatusMethodNotAllowed},
	} {
		if status, body := get(tc.method, tc.path); status != tc.want || strings.Contains(body, secret) {
			t.Errorf("%s %s over TCP: %d %q, want %d", tc.method, tc.path, status, body, tc.want)
		}
	}
	ts.Close()
	if _, err := http.Get("http://" + addr.String() + "/metrics"); err == nil {
		t.Error("the metrics listener still answers after Close")
	}
}

// TestMetricsListenIsOffByDefault: without metrics_listen there is no TCP
// listener at all.
func TestMetricsListenIsOffByDefault(t *testing.T) {
	if addr := startServer(t).MetricsAddr(); addr != nil {
		t.Errorf("a metrics listener on %v without metrics_listen", addr)
	}
}

func TestMetricsListenConfig(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"", true}, {"9464", true}, {":9464", true}, {"127.0.0.1:9464", true}, {"[::1]:9464", true},
		{"0.0.0.0:9464", true}, {"localhost:9464", true},
		{"prometheus.example:9464", false}, {"9464x", false}, {"127.0.0.1:70000", false}, {":-1", false},
		{"127.0.0.1", false}, {"[::1", false},
	} {
		cfg := api.Config{MetricsListen: tc.in}
		err := cfg.Validate()
		if (err == nil) != tc.ok {
			t.Errorf("metrics_listen %q: %v, want ok=%v", tc.in, err, tc.ok)
		}
		var ke *conf.KeyError
		if err != nil && (!errors.As(err, &ke) || ke.Key != "metrics_listen") {
			t.Errorf("metrics_listen %q: error %v does not name the key", tc.in, err)
		}
	}
}
