package api_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/api/apitype"
	"github.com/scannerd/scannerd/api/client"
	"github.com/scannerd/scannerd/internal/imagebomb"
	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner"
)

func TestResultsAreGoneAfterTTL(t *testing.T) {
	ts := startServer(t, withConfig(func(c *api.Config) { c.ResultTTL = api.Duration(30 * time.Second) }))
	ctx := context.Background()
	at := ts.clock.Now()
	ts.Publish([]scanner.Result{result("cam0", 1, scanner.QRCode, "old", at)})
	ts.clock.Add(20 * time.Second)
	ts.Publish([]scanner.Result{result("cam0", 2, scanner.EAN13, "5901234123457", at)})

	res, err := ts.client.Results(ctx, client.ResultsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Results) != 2 || res.Results[0].Text != "old" || res.Results[1].Frame != 2 {
		t.Fatalf("held results %+v", res.Results)
	}
	first := res.Results[0].ID
	if res.Cursor != res.Results[1].ID {
		t.Errorf("cursor %d, want the last id %d", res.Cursor, res.Results[1].ID)
	}
	again, err := ts.client.Results(ctx, client.ResultsOptions{Since: res.Cursor})
	if err != nil || len(again.Results) != 0 || again.Cursor != res.Cursor {
		t.Errorf("since the cursor: %+v %v, want nothing new and the same cursor", again, err)
	}
	if f, _ := ts.client.Results(ctx, client.ResultsOptions{Symbologies: []string{"EAN_13"}}); len(f.Results) != 1 {
		t.Errorf("symbology filter: %+v", f.Results)
	}
	// A name taken out.
	for _, syms := range [][]string{{"all,-qr_code"}, {"all", "-qr_code"}} {
		if f, err := ts.client.Results(ctx, client.ResultsOptions{Symbologies: syms}); err != nil || len(f.Results) != 1 || f.Results[0].Symbology != "EAN_13" {
			t.Errorf("symbology filter %q: %+v, %v", syms, f.Results, err)
		}
	}

	ts.clock.Add(11 * time.Second) // "old" is 31 s old, the other 11 s
	res, err = ts.client.Results(ctx, client.ResultsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Results) != 1 || res.Results[0].Text == "old" {
		t.Fatalf("after 31 s: %+v, want only the newer result", res.Results)
	}
	ts.clock.Add(20 * time.Second)
	if res, _ = ts.client.Results(ctx, client.ResultsOptions{Since: first - 1}); len(res.Results) != 0 {
		t.Fatalf("after the TTL: %+v, want nothing held", res.Results)
	}
	// Purged from memory too, not only hidden: the held gauge says 0.
	if v := metricValue(t, ts, "scannerd_api_held_results", nil); v != 0 {
		t.Errorf("scannerd_api_held_results %v after the TTL", v)
	}
}

// TestResultsPurgedWithoutRequests: the purge runs on its own, so results
// leave memory after the TTL even when nobody asks.
func TestResultsPurgedWithoutRequests(t *testing.T) {
	ts := startServer(t, withConfig(func(c *api.Config) { c.ResultTTL = api.Duration(200 * time.Millisecond) }))
	ts.Publish([]scanner.Result{result("cam0", 1, scanner.QRCode, "x", ts.clock.Now())})
	ts.clock.Add(time.Second)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if v := metricValue(t, ts, "scannerd_api_held_results", nil); v == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("result still held long after its TTL")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestScanWaitsForTheNextMatchingBarcode(t *testing.T) {
	ts := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	at := ts.clock.Now()
	ts.Publish([]scanner.Result{result("cam0", 1, scanner.QRCode, "before the button", at)})

	got := make(chan error, 1)
	var r api.Result
	go func() {
		var err error
		r, err = ts.client.Scan(ctx, client.ScanOptions{Timeout: 15 * time.Second, Symbologies: []string{"QR_CODE"}})
		got <- err
	}()
	ts.waitSubscribers(t, 1)
	ts.Publish([]scanner.Result{
		result("cam0", 2, scanner.EAN13, "5901234123457", at), // filtered out
		result("cam0", 2, scanner.QRCode, "after the button", at),
	})
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	if r.Text != "after the button" || r.Symbology != "QR_CODE" || r.ID == 0 {
		t.Errorf("scan got %+v", r)
	}
	ts.waitSubscribers(t, 0)

	_, err := ts.client.Scan(ctx, client.ScanOptions{Timeout: 50 * time.Millisecond})
	if !errors.Is(err, api.ErrTimeout) || code(err) != "timeout" {
		t.Errorf("scan without a barcode: %v, want timeout", err)
	}
	var ce *client.Error
	// 504, not 408: browsers and HTTP libraries such as OkHttp send a
	// request answered 408 again by themselves.
	if !errors.As(err, &ce) || ce.Status != http.StatusGatewayTimeout {
		t.Errorf("timeout status %v, want 504", err)
	}
}

// TestScanAnswersALicenseRefusal: a scan that the license keeps from
// reading anything says so (403 license_refused, as POST /v1/decode does)
// as soon as it is refused, not 504 timeout (nor 403 at its timeout, as it
// used to): the gate refused a live frame of its sources, or the meter a
// result it would take. A refusal of another source's frames, one before
// the scan began, and the meter's refusal of a result of another
// symbology leave it a timeout. The scans refused wait 5 minutes: one that
// answers only at its timeout fails the test at receive's deadline.
func TestScanAnswersALicenseRefusal(t *testing.T) {
	ts := startServer(t)
	ctx := context.Background()
	refusal := func(source string) func() {
		return func() {
			ts.ObserveFrame(&scanner.FrameReport{Source: source, Err: fmt.Errorf("%w: device revoked", scanner.ErrRefused)})
		}
	}
	meter := func(source string, sym scanner.Symbology) func() {
		return func() {
			ts.RefuseResults([]scanner.Result{result(source, 1, sym, "refused", ts.clock.Now())}, errors.New("scan lease used up"))
		}
	}
	refusal("cam0")() // before the scan: not its concern

	for _, tc := range []struct {
		name    string
		sources []string // the scan's filter
		syms    []string
		refuse  func() // in the wait
		want    string
		reason  string
	}{
		{"any source", nil, nil, refusal("cam0"), "license_refused", "device revoked"},
		{"the refused source", []string{"cam0"}, nil, refusal("cam0"), "license_refused", "device revoked"},
		{"the meter", []string{"cam0"}, []string{"QR_CODE"}, meter("cam0", scanner.QRCode), "license_refused", "scan lease used up"},
		// cam0's refusals above came before this scan: not its concern.
		{"another source", []string{"cam0"}, nil, refusal("dock"), "timeout", ""},
		{"the meter, another source", []string{"cam0"}, nil, meter("dock", scanner.QRCode), "timeout", ""},
		{"the meter, another symbology", nil, []string{"EAN_13"}, meter("cam0", scanner.QRCode), "timeout", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			timeout := 5 * time.Minute
			if tc.want == "timeout" {
				timeout = 300 * time.Millisecond
			}
			got := make(chan error, 1)
			go func() {
				_, err := ts.client.Scan(ctx, client.ScanOptions{Timeout: timeout, Sources: tc.sources, Symbologies: tc.syms})
				got <- err
			}()
			ts.waitSubscribers(t, 1)
			tc.refuse()
			var err error
			select {
			case err = <-got:
			case <-time.After(30 * time.Second):
				t.Fatalf("no answer 30 s after the refusal; the scan waits %v", timeout)
			}
			if code(err) != tc.want {
				t.Fatalf("scan: %v, want %s", err, tc.want)
			}
			var ce *client.Error
			if tc.want == "license_refused" && (!errors.As(err, &ce) || ce.Status != http.StatusForbidden ||
				!strings.Contains(ce.Message, tc.reason)) {
				t.Errorf("scan: %v, want 403 naming the reason, %q", err, tc.reason)
			}
			ts.waitSubscribers(t, 0)
		})
	}
}

func TestDecodeUpload(t *testing.T) {
	ts := startServer(t)
	ctx := context.Background()
	img := symbolPNG(t, scanner.QRCode, "uploaded")
	for _, ct := range []string{"image/png", "application/octet-stream", ""} {
		d, err := ts.client.Decode(ctx, bytes.NewReader(img), client.DecodeOptions{ContentType: ct, Symbologies: []string{"QR_CODE"}})
		if err != nil {
			t.Fatalf("%q: %v", ct, err)
		}
		if len(d.Results) != 1 || d.Results[0].Text != "uploaded" || d.Results[0].Source != api.UploadSource || d.Width != 320 {
			t.Errorf("%q: %+v", ct, d)
		}
	}
	// Uploads are the caller's: not published to subscribers or held.
	if res, _ := ts.client.Results(ctx, client.ResultsOptions{}); len(res.Results) != 0 {
		t.Errorf("upload results were published: %+v", res.Results)
	}
	if v := metricValue(t, ts, "scannerd_results_total", map[string]string{"symbology": "QR_CODE", "source": "upload"}); v != 3 {
		t.Errorf("scannerd_results_total for uploads = %v, want 3", v)
	}
}

// TestDecodeUploadAddOn: an EAN-13 symbol's add-on comes in its own member,
// and ean_addon=require drops a symbol without one.
func TestDecodeUploadAddOn(t *testing.T) {
	zint.Need(t)
	ts := startServer(t)
	ctx := context.Background()
	img := zintPNG(t, "-b", "EANX", "-d", "978073520044+51299")
	d, err := ts.client.Decode(ctx, bytes.NewReader(img), client.DecodeOptions{})
	if err != nil || len(d.Results) != 1 || d.Results[0].Text != "9780735200449" || d.Results[0].AddOn != "51299" {
		t.Fatalf("got %+v, %v; want 9780735200449 with add-on 51299", d.Results, err)
	}
	bare := zintPNG(t, "-b", "EANX", "-d", "978073520044")
	d, err = ts.client.Decode(ctx, bytes.NewReader(bare), client.DecodeOptions{EANAddOn: "require"})
	if err != nil || len(d.Results) != 0 {
		t.Fatalf("require: got %+v, %v; want nothing", d.Results, err)
	}
	_, err = ts.client.Decode(ctx, bytes.NewReader(bare), client.DecodeOptions{EANAddOn: "often"})
	if code(err) != "bad_query" {
		t.Errorf("ean_addon=often: %v, want bad_query", err)
	}
}

// TestDecodeUploadSymbologyID: a result carries the AIM identifier its
// symbol announced, which tells GS1 data from plain text in the same
// symbology.
func TestDecodeUploadSymbologyID(t *testing.T) {
	zint.Need(t)
	ts := startServer(t)
	ctx := context.Background()
	for _, c := range []struct {
		args           []string
		text, id, desc string
	}{
		{[]string{"-b", "GS1_128", "-d", "[01]09521234543213"}, "0109521234543213", "]C1", "GS1-128"},
		{[]string{"-b", "CODE128", "-d", "0109521234543213"}, "0109521234543213", "]C0", "plain Code 128"},
	} {
		d, err := ts.client.Decode(ctx, bytes.NewReader(zintPNG(t, c.args...)), client.DecodeOptions{})
		if err != nil || len(d.Results) != 1 || d.Results[0].Text != c.text || d.Results[0].SymbologyID != c.id {
			t.Errorf("%s: got %+v, %v; want %s with symbology_id %s", c.desc, d.Results, err, c.text, c.id)
		}
	}
}

// TestDecodeUploadSequence: a symbol of a structured append set says its
// place in the set.
func TestDecodeUploadSequence(t *testing.T) {
	zint.Need(t)
	ts := startServer(t)
	img := zintPNG(t, "-b", "QRCODE", "--structapp=2,3,77", "-d", "second of three")
	d, err := ts.client.Decode(context.Background(), bytes.NewReader(img), client.DecodeOptions{})
	want := apitype.Sequence{Index: 1, Count: 3, ID: "4d"}
	if err != nil || len(d.Results) != 1 || d.Results[0].Text != "second of three" || d.Results[0].Sequence == nil || *d.Results[0].Sequence != want {
		t.Fatalf("got %+v, %v; want \"second of three\" with sequence %+v", d.Results, err, want)
	}
}

// TestBadInput sends each kind of bad request and checks its JSON error,
// then that the server still serves.
func TestBadInput(t *testing.T) {
	ts := startServer(t, withConfig(func(c *api.Config) {
		c.MaxBodyBytes = 64 << 10
		c.MaxImagePixels = 100_000
	}))
	png := symbolPNG(t, scanner.QRCode, "x")
	var gifData bytes.Buffer
	gif.Encode(&gifData, image.NewPaletted(image.Rect(0, 0, 4, 4), []color.Color{color.Black, color.White}), nil)
	big := bigPNG(t, 400, 400) // 160 000 pixels
	h := func(kv ...string) http.Header {
		hd := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			hd.Set(kv[i], kv[i+1])
		}
		return hd
	}
	pngType := h("Content-Type", "image/png")
	for _, tc := range []struct {
		name, method, target string
		header               http.Header
		body                 []byte
		status               int
		code                 string
	}{
		{"unknown path", "GET", "/v1/nothing", nil, nil, 404, "not_found"},
		{"wrong method", "DELETE", "/v1/status", nil, nil, 405, "method_not_allowed"},
		{"GET a POST endpoint", "GET", "/v1/scan", nil, nil, 405, "method_not_allowed"},
		{"browser Origin", "GET", "/v1/status", h("Origin", "http://evil.example"), nil, 403, "browser_request"},
		{"browser Referer", "GET", "/v1/events", h("Referer", "http://evil.example/"), nil, 403, "browser_request"},
		{"unknown parameter", "GET", "/v1/results?sinse=3", nil, nil, 400, "bad_query"},
		{"malformed since", "GET", "/v1/results?since=-1", nil, nil, 400, "bad_query"},
		{"malformed escape", "GET", "/v1/results?since=%zz", nil, nil, 400, "bad_query"},
		{"unknown symbology", "GET", "/v1/events?symbology=QR_CODE,NOPE", nil, nil, 400, "bad_query"},
		{"unknown symbology taken out", "GET", "/v1/results?symbology=all,-NOPE", nil, nil, 400, "bad_query"},
		{"no symbology left", "GET", "/v1/results?symbology=QR_CODE&symbology=-QR_CODE", nil, nil, 400, "bad_query"},
		{"repeated since", "GET", "/v1/events?since=1&since=2", nil, nil, 400, "bad_query"},
		{"empty source", "GET", "/v1/events?source=", nil, nil, 400, "bad_query"},
		{"limit zero", "GET", "/v1/results?limit=0", nil, nil, 400, "bad_query"},
		{"negative timeout", "POST", "/v1/scan?timeout=-5s", nil, nil, 400, "bad_query"},
		{"timeout over the limit", "POST", "/v1/scan?timeout=1h", nil, nil, 400, "bad_query"},
		{"timeout garbage", "POST", "/v1/scan?timeout=soon", nil, nil, 400, "bad_query"},
		{"status with a query", "GET", "/v1/status?x=1", nil, nil, 400, "bad_query"},
		{"decode without type", "POST", "/v1/decode", nil, png, 415, "unsupported_media_type"},
		{"decode text", "POST", "/v1/decode", h("Content-Type", "text/plain"), png, 415, "unsupported_media_type"},
		{"decode type mismatch", "POST", "/v1/decode", pngType, gifData.Bytes(), 415, "unsupported_media_type"},
		{"decode not an image", "POST", "/v1/decode", h("Content-Type", "application/octet-stream"), []byte("hello world"), 415, "unsupported_image"},
		{"decode truncated", "POST", "/v1/decode", pngType, png[:len(png)/2], 400, "bad_image"},
		{"decode RLE8 BMP", "POST", "/v1/decode", h("Content-Type", "image/bmp"), []byte(imagebomb.RLE8BMP), 415, "unsupported_image"},
		{"decode empty", "POST", "/v1/decode", pngType, nil, 400, "bad_image"},
		{"decode body too large", "POST", "/v1/decode", pngType, append(bytes.Clone(png), make([]byte, 64<<10)...), 413, "body_too_large"},
		{"decode too many pixels", "POST", "/v1/decode", pngType, big, 413, "image_too_large"},
		{"decode bad option", "POST", "/v1/decode?try_harder=maybe", pngType, png, 400, "bad_query"},
		{"decode bad msi_check", "POST", "/v1/decode?msi_check=mod12", pngType, png, 400, "bad_query"},
		{"decode bad telepen_numeric", "POST", "/v1/decode?telepen_numeric=perhaps", pngType, png, 400, "bad_query"},
		{"decode bad dpm", "POST", "/v1/decode?dpm=perhaps", pngType, png, 400, "bad_query"},
		{"decode bad symbology", "POST", "/v1/decode?symbologies=CODE_999", pngType, png, 400, "bad_query"},
		{"decode empty symbology", "POST", "/v1/decode?symbology=", pngType, png, 400, "bad_query"},
		{"decode nothing after -", "POST", "/v1/decode?symbology=all,-", pngType, png, 400, "bad_query"},
		{"settings not JSON", "PUT", "/v1/debug/export", h("Content-Type", "application/json"), []byte("{"), 400, "bad_settings"},
		{"settings unknown key", "PUT", "/v1/debug/export", h("Content-Type", "application/json"), []byte(`{"enabeld":true}`), 400, "bad_settings"},
		{"settings null", "PUT", "/v1/debug/export", h("Content-Type", "application/json"), []byte(" null\n"), 400, "bad_settings"},
		{"settings an array", "PUT", "/v1/debug/export", h("Content-Type", "application/json"), []byte(`[]`), 400, "bad_settings"},
		{"settings relative dir", "PUT", "/v1/debug/export", h("Content-Type", "application/json"), []byte(`{"enabled":true,"dir":"tmp"}`), 400, "bad_settings"},
		{"settings bad frames", "PUT", "/v1/debug/export", h("Content-Type", "application/json"), []byte(`{"frames":"some"}`), 400, "bad_settings"},
		{"settings duration without unit", "PUT", "/v1/debug/export", h("Content-Type", "application/json"), []byte(`{"enabled":true,"dir":"/x","duration":600}`), 400, "bad_settings"},
		{"settings negative duration", "PUT", "/v1/debug/export", h("Content-Type", "application/json"), []byte(`{"enabled":true,"dir":"/x","duration":"-1m"}`), 400, "bad_settings"},
		{"settings huge sample", "PUT", "/v1/debug/export", h("Content-Type", "application/json"), []byte(`{"enabled":true,"dir":"/x","sample":1000000000}`), 400, "bad_settings"},
		{"settings as text", "PUT", "/v1/debug/export", h("Content-Type", "text/plain"), []byte(`{}`), 415, "unsupported_media_type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, code, body := ts.rawRequest(t, tc.method, tc.target, tc.header, tc.body)
			if status != tc.status || code != tc.code {
				t.Errorf("got %d %s (%s), want %d %s", status, code, strings.TrimSpace(string(body)), tc.status, tc.code)
			}
			if status != apitype.StatusForCode(code) {
				t.Errorf("status %d does not match the table's %d for %s", status, apitype.StatusForCode(code), code)
			}
		})
	}
	if err := ts.client.Health(context.Background()); err != nil {
		t.Fatalf("server unhealthy after bad input: %v", err)
	}
}

func bigPNG(t *testing.T, w, h int) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestSlowLoris: a client trickling its headers gets 408 header_timeout,
// and others are served meanwhile.
func TestSlowLoris(t *testing.T) {
	ts := startServer(t, withConfig(func(c *api.Config) { c.ReadHeaderTimeout = api.Duration(300 * time.Millisecond) }))
	c, err := net.Dial("unix", ts.socket)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	fmt.Fprint(c, "GET /v1/status HTTP/1.1\r\nHost: scannerd\r\nX-Slow: ")
	if err := ts.client.Health(context.Background()); err != nil {
		t.Fatalf("another client while one is slow: %v", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no response to the slow client: %v", err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	if resp.StatusCode != http.StatusRequestTimeout || !strings.Contains(buf.String(), `"header_timeout"`) {
		t.Errorf("slow client got %d %s", resp.StatusCode, buf.String())
	}
}

func TestLicenseAndDebugExport(t *testing.T) {
	ctx := context.Background()
	t.Run("enabled", func(t *testing.T) {
		ts := startServer(t)
		doc, err := ts.client.Sync(ctx)
		if err != nil || doc.LastSync.Second() != 1 || doc.State != "authorized" {
			t.Fatalf("sync: %+v %v", doc, err)
		}
		ts.license.syncErr = errors.New("lts.example: connection refused")
		if _, err := ts.client.Sync(ctx); !errors.Is(err, api.ErrSyncFailed) || !strings.Contains(err.Error(), "connection refused") {
			t.Errorf("failed sync: %v", err)
		}
		want := api.DebugExportSettings{Enabled: true, Dir: "/var/lib/scannerd/debug", Frames: api.FramesFailed, Sample: 5, MaxImages: 100, Duration: apitype.Duration(10 * time.Minute)}
		if _, err := ts.client.SetDebugExport(ctx, want); err != nil {
			t.Fatal(err)
		}
		if got, peer := ts.export.Last(); got != want || peer.UID != 0 || !peer.Admin {
			t.Errorf("exporter got %+v from %+v", got, peer)
		}
		if st, err := ts.client.DebugExport(ctx); err != nil || st.DebugExportSettings != want {
			t.Errorf("settings: %+v %v", st, err)
		}
	})
	t.Run("disabled", func(t *testing.T) {
		ts := startServer(t, withoutLicense, withoutExporter)
		if _, err := ts.client.License(ctx); code(err) != "license_disabled" {
			t.Errorf("license: %v", err)
		}
		if _, err := ts.client.Sync(ctx); code(err) != "license_disabled" {
			t.Errorf("sync: %v", err)
		}
		if _, err := ts.client.DebugExport(ctx); code(err) != "debug_export_disabled" {
			t.Errorf("debug export: %v", err)
		}
	})
}

func TestMetrics(t *testing.T) {
	ts := startServer(t)
	at := ts.clock.Now()
	ts.ObserveFrame(&scanner.FrameReport{Source: "cam0", CapturedAt: at, DecodedAt: at.Add(30 * time.Millisecond),
		Passes: []scanner.PassTiming{{Name: "hybrid", Duration: 8 * time.Millisecond}}})
	ts.ObserveFrame(&scanner.FrameReport{Source: "cam0", Err: fmt.Errorf("%w: expired", scanner.ErrRefused)})
	ts.Publish([]scanner.Result{result("cam0", 1, scanner.QRCode, "a", at), result("cam0", 2, scanner.QRCode, "b", at)})
	for _, tc := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"scannerd_frames_decoded_total", map[string]string{"source": "cam0"}, 1},
		{"scannerd_frames_failed_total", map[string]string{"source": "cam0", "reason": "refused"}, 1},
		{"scannerd_frame_latency_seconds", nil, 1}, // sample count
		{"scannerd_decode_seconds", nil, 1},
		{"scannerd_results_total", map[string]string{"symbology": "QR_CODE", "source": "cam0"}, 2},
		{"scannerd_api_subscribers", nil, 0},
		{"scannerd_engine_frames_total", map[string]string{"outcome": "dropped"}, 0},
		{"scannerd_source_fps", map[string]string{"source": "cam0"}, 30},
		{"scannerd_license_state", map[string]string{"state": "authorized"}, 1},
		{"scannerd_source_last_frame_timestamp_seconds", map[string]string{"source": "cam0"}, 1772366399.5},
		{"scannerd_license_expiry_timestamp_seconds", nil, float64(testExpires.Unix())},
		{"scannerd_license_offline_left_seconds", nil, 3600},
		{"scannerd_license_pending_scans", nil, 12},
		{"scannerd_license_last_sync_timestamp_seconds", nil, float64(testLastSync.Unix())},
		{"scannerd_build_info", map[string]string{"version": "test"}, 1},
	} {
		if got := metricValue(t, ts, tc.name, tc.labels); got != tc.want {
			t.Errorf("%s%v = %v, want %v", tc.name, tc.labels, got, tc.want)
		}
	}
}

// TestEngineFramesAreCountedOnce: summing scannerd_engine_frames_total
// over its outcomes gives each frame once (it used to add "submitted" to
// its own parts).
func TestEngineFramesAreCountedOnce(t *testing.T) {
	ts := startServer(t)
	const n = 20
	var done sync.WaitGroup
	done.Add(n)
	for i := range n {
		f := scanner.NewFrame(make([]byte, 64*64), 64, 64, 64)
		f.Source, f.Seq = "cam0", uint64(i)
		f.Done = func(error) { done.Done() }
		ts.engine.Submit(f, scanner.Options{})
	}
	done.Wait()
	var sum float64
	for _, outcome := range []string{"decoded", "refused", "dropped"} {
		sum += metricValue(t, ts, "scannerd_engine_frames_total", map[string]string{"outcome": outcome})
	}
	if total := metricSum(t, ts, "scannerd_engine_frames_total"); sum != n || total != n {
		t.Errorf("frames by outcome sum to %v (all series: %v), want %d", sum, total, n)
	}
	if v := metricValue(t, ts, "scannerd_engine_frames_submitted_total", nil); v != n {
		t.Errorf("scannerd_engine_frames_submitted_total = %v, want %d", v, n)
	}
}

// TestRequestMetricsByHTTPStatus: the code label is the HTTP status, as
// Prometheus users expect; the error label keeps the API's error code.
func TestRequestMetricsByHTTPStatus(t *testing.T) {
	ts := startServer(t)
	ctx := context.Background()
	if _, err := ts.client.Status(ctx); err != nil {
		t.Fatal(err)
	}
	if status, _, _ := ts.rawRequest(t, http.MethodPost, "/v1/status", nil, nil); status != http.StatusMethodNotAllowed {
		t.Fatalf("POST /v1/status: %d", status)
	}
	for _, tc := range []struct {
		labels map[string]string
		want   float64
	}{
		{map[string]string{"endpoint": "/v1/status", "code": "200", "error": ""}, 1},
		{map[string]string{"endpoint": "/v1/status", "code": "405", "error": "method_not_allowed"}, 1},
	} {
		if got := metricValue(t, ts, "scannerd_api_requests_total", tc.labels); got != tc.want {
			t.Errorf("scannerd_api_requests_total%v = %v, want %v", tc.labels, got, tc.want)
		}
	}
}

// TestSnapshot: an admin gets the next decoded frame of a source as a
// PNG; a source that does not exist, or sends nothing in time, gets a
// clear error.
func TestSnapshot(t *testing.T) {
	ts := startServer(t)
	stop := make(chan struct{})
	fed := make(chan struct{})
	var submitted uint64 // read once fed is closed
	go func() {
		defer close(fed)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for seq := uint64(0); ; seq++ {
			f := scanner.NewFrame(make([]byte, 64*48), 64, 48, 64)
			f.Source, f.Seq = "cam0", seq
			ts.engine.Submit(f, scanner.Options{})
			submitted = seq + 1
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	status, _, body := ts.rawRequest(t, http.MethodGet, "/v1/snapshot?source=cam0", nil, nil)
	close(stop)
	<-fed
	if status != http.StatusOK {
		t.Fatalf("snapshot: %d %s", status, body)
	}
	img, err := png.Decode(bytes.NewReader(body))
	if err != nil || img.Bounds() != image.Rect(0, 0, 64, 48) {
		t.Fatalf("snapshot image: %v %v", img, err)
	}
	// The feeder has stopped, but frames it submitted may still be in the
	// engine: once every one is through, the source sends nothing more.
	deadline := time.Now().Add(30 * time.Second)
	for ts.engine.Stats().Finished() < submitted {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d frames through the engine", ts.engine.Stats().Finished(), submitted)
		}
		time.Sleep(5 * time.Millisecond)
	}
	for _, tc := range []struct {
		target string
		status int
		code   string
	}{
		{"/v1/snapshot?source=cam9", http.StatusNotFound, "not_found"},
		{"/v1/snapshot?source=cam0&timeout=20ms", http.StatusGatewayTimeout, "timeout"},
		{"/v1/snapshot", http.StatusBadRequest, "bad_query"},
		{"/v1/snapshot?source=cam0&timeout=2h", http.StatusBadRequest, "bad_query"},
		{"/v1/snapshot?source=cam0&zoom=2", http.StatusBadRequest, "bad_query"},
	} {
		if status, code, body := ts.rawRequest(t, http.MethodGet, tc.target, nil, nil); status != tc.status || code != tc.code {
			t.Errorf("%s: %d %s %s, want %d %s", tc.target, status, code, body, tc.status, tc.code)
		}
	}
	// The message says what is missing: a source, not an endpoint.
	if _, _, body := ts.rawRequest(t, http.MethodGet, "/v1/snapshot?source=cam9", nil, nil); !strings.Contains(string(body), `"message":"no source is named \"cam9\""`) {
		t.Errorf("a source the daemon does not have: %s", body)
	}
}

// metricSum adds up every sample of a counter or gauge family.
func metricSum(t testing.TB, ts *testServer, name string) float64 {
	t.Helper()
	text, err := ts.client.Metrics(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(strings.NewReader(text))
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	var sum float64
	for _, m := range families[name].GetMetric() {
		sum += m.GetCounter().GetValue() + m.GetGauge().GetValue()
	}
	return sum
}

// metricValue scrapes /metrics with Prometheus' own parser and returns the
// value of the sample with the labels (a histogram's sample count).
func metricValue(t testing.TB, ts *testServer, name string, labels map[string]string) float64 {
	t.Helper()
	text, err := ts.client.Metrics(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(strings.NewReader(text))
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	mf, ok := families[name]
	if !ok {
		t.Fatalf("/metrics lacks %s", name)
	}
next:
	for _, m := range mf.GetMetric() {
		for k, v := range labels {
			found := false
			for _, lp := range m.GetLabel() {
				if lp.GetName() == k && lp.GetValue() == v {
					found = true
				}
			}
			if !found {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	t.Fatalf("/metrics has no %s with %v", name, labels)
	return 0
}
