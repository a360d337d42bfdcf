package api_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/api/apitest"
	"github.com/scannerd/scannerd/api/apitype"
	"github.com/scannerd/scannerd/api/client"
	"github.com/scannerd/scannerd/scanner"
)

// A stream resumed after results it had not seen were purged is told how
// many it missed, before the results still held; so is /v1/results.
// Asking since=0 (whatever is held) reports no gap.
func TestResumeReportsExpiredResults(t *testing.T) {
	ts := startServer(t, withConfig(func(c *api.Config) { c.ResultTTL = api.Duration(time.Second) }))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	at := ts.clock.Now()
	ids := ts.Publish([]scanner.Result{result("cam0", 1, scanner.QRCode, "a", at), result("cam0", 2, scanner.QRCode, "b", at),
		result("cam0", 3, scanner.EAN8, "96385074", at)})
	ts.clock.Add(2 * time.Second)
	last := ts.Publish([]scanner.Result{result("cam0", 4, scanner.QRCode, "d", ts.clock.Now())})

	res, err := ts.client.Results(ctx, client.ResultsOptions{Since: ids[0]})
	if err != nil || res.Expired != 2 || len(res.Results) != 1 || res.Results[0].ID != last[0] {
		t.Fatalf("results since the first: %+v %v, want 2 expired and the last", res, err)
	}
	if res, _ := ts.client.Results(ctx, client.ResultsOptions{}); res.Expired != 0 {
		t.Errorf("results since 0: %d expired, want none reported", res.Expired)
	}
	for _, format := range []client.Format{client.NDJSON, client.SSE} {
		since := ids[0]
		st, err := ts.client.Subscribe(ctx, client.EventsOptions{Since: &since, Format: format})
		if err != nil {
			t.Fatal(err)
		}
		ev, err := st.Next()
		if err != nil || ev.Kind != client.EventDropped || ev.Dropped != 2 || ev.Reason != apitype.DroppedExpired {
			t.Fatalf("format %v: first event %+v %v, want 2 dropped, expired", format, ev, err)
		}
		ev, err = st.Next()
		if err != nil || ev.Kind != client.EventResult || ev.Result.ID != last[0] {
			t.Fatalf("format %v: got %+v %v, want the held result", format, ev, err)
		}
		if st.Cursor() != last[0] {
			t.Errorf("format %v: cursor %d, want %d", format, st.Cursor(), last[0])
		}
		st.Close()
		ts.waitSubscribers(t, 0)
	}
}

// Events subscribes again by itself when the daemon restarts, from its
// cursor: what was published while it was away and is still held is
// replayed, nothing is delivered twice.
func TestEventsReconnectAcrossARestart(t *testing.T) {
	ts := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	type got struct {
		ev  client.Event
		err error
	}
	events := make(chan got)
	go func() {
		defer close(events)
		for ev, err := range ts.client.Events(ctx, client.EventsOptions{Format: client.SSE}) {
			select {
			case events <- got{ev, err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	next := func(kinds ...client.EventKind) client.Event {
		t.Helper()
		for g := range events {
			if g.err != nil {
				t.Fatalf("Events: %v", g.err)
			}
			for _, k := range kinds {
				if g.ev.Kind == k {
					return g.ev
				}
			}
			if g.ev.Kind == client.EventResult {
				t.Fatalf("unexpected result %q", g.ev.Result.Text)
			}
		}
		t.Fatal("Events ended")
		return client.Event{}
	}
	next(client.EventConnected)
	ts.Publish([]scanner.Result{result("cam0", 1, scanner.QRCode, "before", ts.clock.Now())})
	if ev := next(client.EventResult); ev.Result.Text != "before" {
		t.Fatalf("got %q", ev.Result.Text)
	}
	ts.Close()
	if ev := next(client.EventDisconnected); ev.Reason != apitype.ReasonShuttingDown {
		t.Errorf("disconnected for %q", ev.Reason)
	}
	next(client.EventReconnecting)

	// The daemon comes back a minute later, on the same socket, and reads
	// a barcode before the client is back.
	clock := newClock()
	clock.Add(time.Minute)
	cfg := apitest.Config(t)
	cfg.Socket = ts.socket
	srv := apitest.Serve(t, cfg, newDaemon(t), nil, nil, clock.Now)
	srv.Publish([]scanner.Result{result("cam0", 1, scanner.QRCode, "while away", clock.Now())})
	next(client.EventConnected)
	if ev := next(client.EventResult); ev.Result.Text != "while away" {
		t.Fatalf("got %q, want the result published while away", ev.Result.Text)
	}
	srv.Publish([]scanner.Result{result("cam0", 2, scanner.QRCode, "after", clock.Now())})
	if ev := next(client.EventResult); ev.Result.Text != "after" {
		t.Fatalf("got %q", ev.Result.Text)
	}
	cancel()
	for range events {
	}
}

// A subscription the daemon refuses for what it asks (here an unknown
// source) ends Events with that error instead of being retried.
func TestEventsStopOnARefusal(t *testing.T) {
	ts := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for ev, err := range ts.client.Events(ctx, client.EventsOptions{Sources: []string{"cam9"}}) {
		if err == nil {
			t.Fatalf("got %+v, want the refusal", ev)
		}
		if !errors.Is(err, apitype.ErrBadQuery) || !strings.Contains(err.Error(), `unknown source "cam9"`) || !strings.Contains(err.Error(), "cam0") {
			t.Errorf("err = %v, want bad_query naming the source and the daemon's sources", err)
		}
	}
}

// Filters name sources the daemon has; the symbology filter is
// symbology= everywhere, and decode's old symbologies= still works.
func TestFilterParameters(t *testing.T) {
	ts := startServer(t)
	for _, tc := range []struct {
		target string
		status int
		code   string
	}{
		{"/v1/results?source=cam0", 200, ""},
		{"/v1/results?source=cam1", 400, "bad_query"},
		{"/v1/results?source=cam0,upload", 400, "bad_query"},
		{"/v1/scan?source=nope&timeout=10ms", 400, "bad_query"},
		{"/v1/events?source=nope", 400, "bad_query"},
		{"/v1/results?symbology=qr_code", 200, ""},
		{"/v1/results?symbologies=qr_code", 200, ""},
		{"/v1/results?symbology=qr_cod", 400, "bad_query"},
	} {
		method := "GET"
		if strings.HasPrefix(tc.target, "/v1/scan") {
			method = "POST"
		}
		if status, code, body := ts.rawRequest(t, method, tc.target, nil, nil); status != tc.status || code != tc.code {
			t.Errorf("%s: %d %s %s, want %d %s", tc.target, status, code, body, tc.status, tc.code)
		}
	}
	img := symbolPNG(t, scanner.QRCode, "alias")
	for _, key := range []string{"symbology", "symbologies"} {
		status, _, body := ts.rawRequest(t, "POST", "/v1/decode?"+key+"=ean_13", map[string][]string{"Content-Type": {"image/png"}}, img)
		if status != 200 || strings.Contains(string(body), "alias") {
			t.Errorf("decode %s=ean_13 of a QR code: %d %s, want no result", key, status, body)
		}
		status, _, body = ts.rawRequest(t, "POST", "/v1/decode?"+key+"=qr_code", map[string][]string{"Content-Type": {"image/png"}}, img)
		if status != 200 || !strings.Contains(string(body), "alias") {
			t.Errorf("decode %s=qr_code: %d %s, want the QR code", key, status, body)
		}
	}
}
