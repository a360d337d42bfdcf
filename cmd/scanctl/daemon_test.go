package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/api/apitest"
	"github.com/scannerd/scannerd/api/apitype"
	"github.com/scannerd/scannerd/api/client"
	"github.com/scannerd/scannerd/scanner"
)

// daemon is a stand-in for scannerd behind the API: a fixed status and a
// real engine for uploads.
type daemon struct{}

func (daemon) Status() api.Status {
	return api.Status{Version: "1.2.3", Engine: api.EngineStats{Workers: 2, Decoded: 41, Dropped: 3},
		Sources: []api.SourceStatus{{Name: "cam0", State: "running", FPS: 29.5, Frames: 1234, URL: "/dev/video0"}},
		License: api.LicenseSummary{State: "authorized", Uploads: &apitype.UploadMetering{Metered: true, Reason: "uploads are metered: the license does not grant it"}},
		Sinks: []api.SinkStatus{{Name: "erp", Kind: "webhook", Target: "https://erp.example/scans", State: "failing",
			Delivered: 7, Retried: 2, Dropped: 1, Overflow: 1, Queued: 3, QueueSize: 1000,
			LastError: "post https://erp.example/scans: HTTP 503", LastErrorAt: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}}}
}

// Snapshot is a 4×3 PNG, whatever the source.
func (daemon) Snapshot(ctx context.Context, source string) ([]byte, error) {
	var b bytes.Buffer
	err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 3)))
	return b.Bytes(), err
}

func (daemon) Decode(ctx context.Context, load func() (*scanner.Frame, error), opts scanner.Options) ([]scanner.Result, error) {
	f, err := load()
	if err != nil {
		return nil, err
	}
	f.Purge()
	return nil, nil
}

type license struct {
	syncs   int
	state   string // "authorized" when empty
	syncErr error  // what Sync returns
	// authorizedCode is the handshake code of the authorization when
	// not the configured one.
	authorizedCode string
	mode           string // "lts" when empty
}

func (l *license) Document() api.LicenseDocument {
	state := cmp.Or(l.state, "authorized")
	return api.LicenseDocument{State: state, Mode: cmp.Or(l.mode, "lts"), Device: "71b15bbb-4b2d-54c5-8037-d38e95ee32b8",
		HandshakeCode: "AB12-CD34-EF56", AuthorizedHandshakeCode: l.authorizedCode, Licenses: []string{"TRIAL"}, Expires: time.Date(2026, 12, 6, 4, 56, 57, 0, time.UTC),
		OfflineLeft: "168h0m0s", Pending: map[string]uint64{"QR_CODE": 4, "EAN_13": 2}, PendingScans: 6,
		Symbologies: []string{}, LastSync: time.Date(2026, 11, 29, 4, 0, l.syncs, 0, time.UTC),
		Features: []string{"unmetered_uploads"}, Uploads: apitype.UploadMetering{Reason: "uploads are not metered: the license grants it"}}
}
func (l *license) Sync(ctx context.Context) error {
	if l.syncErr != nil {
		return l.syncErr
	}
	l.syncs++
	return nil
}

func startDaemon(t *testing.T) (*api.Server, string, *apitest.Exporter) {
	t.Helper()
	cfg := apitest.Config(t)
	exp := &apitest.Exporter{}
	return apitest.Serve(t, cfg, daemon{}, &license{}, exp, nil), cfg.Socket, exp
}

// run runs scanctl with SCANNERD_SOCKET set to sock.
func run(ctx context.Context, sock string, args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut,
		Getenv: func(k string) string {
			if k == socketEnv {
				return sock
			}
			return ""
		}}
	code = m.Run(ctx, args)
	return code, out.String(), errOut.String()
}

func waitSubscribers(t *testing.T, srv *api.Server, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); srv.Subscribers() != n; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d subscribers, want %d", srv.Subscribers(), n)
		}
	}
}

func qr(text string) []scanner.Result {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	return []scanner.Result{{Symbology: scanner.QRCode, Text: text, Source: "cam0", CapturedAt: at, DecodedAt: at}}
}

func TestDaemonCommands(t *testing.T) {
	srv, sock, exp := startDaemon(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	t.Run("status", func(t *testing.T) {
		code, out, errOut := run(ctx, sock, "status")
		if code != exitOK || !strings.Contains(out, "scannerd 1.2.3") || !strings.Contains(out, "41 decoded, 3 dropped") ||
			!strings.Contains(out, "cam0") || !strings.Contains(out, "license:     authorized") ||
			!strings.Contains(out, "uploads:     uploads are metered: the license does not grant it") ||
			!strings.Contains(out, "erp          webhook failing         7 delivered     2 retried     1 dropped (1 overflow)  queue 3/1000") ||
			!strings.Contains(out, ": post https://erp.example/scans: HTTP 503") {
			t.Errorf("status: %d\n%s%s", code, out, errOut)
		}
		code, out, _ = run(ctx, sock, "status", "--json")
		var st api.Status
		if code != exitOK || json.Unmarshal([]byte(out), &st) != nil || st.Version != "1.2.3" {
			t.Errorf("status --json: %d %s", code, out)
		}
	})
	t.Run("socket flag beats the environment", func(t *testing.T) {
		code, _, _ := run(ctx, filepath.Join(t.TempDir(), "none.sock"), "status", "--socket", sock)
		if code != exitOK {
			t.Errorf("status --socket: exit %d", code)
		}
	})
	t.Run("scan", func(t *testing.T) {
		type outcome struct {
			code     int
			out, err string
		}
		got := make(chan outcome, 1)
		go func() {
			code, out, errOut := run(ctx, sock, "scan", "--timeout", "20s", "--json")
			got <- outcome{code, out, errOut}
		}()
		waitSubscribers(t, srv, 1)
		srv.Publish(qr("button pressed"))
		o := <-got
		var r api.Result
		if o.code != exitOK || json.Unmarshal([]byte(o.out), &r) != nil || r.Text != "button pressed" {
			t.Errorf("scan: %d %s %s", o.code, o.out, o.err)
		}
		code, _, errOut := run(ctx, sock, "scan", "--timeout", "10ms")
		if code != exitNoResult || !strings.Contains(errOut, "no barcode") {
			t.Errorf("scan timeout: exit %d %s", code, errOut)
		}
		// A revoked device's scan reads nothing because the license
		// refuses the frames: exit 5 saying so, not 3 "no barcode".
		go func() {
			code, out, errOut := run(ctx, sock, "scan", "--timeout", "500ms")
			got <- outcome{code, out, errOut}
		}()
		waitSubscribers(t, srv, 1)
		srv.ObserveFrame(&scanner.FrameReport{Source: "cam0", Err: fmt.Errorf("%w: device revoked", scanner.ErrRefused)})
		o = <-got
		if o.code != exitRefused || !strings.Contains(o.err, "device revoked") {
			t.Errorf("scan while the license refuses: exit %d %s", o.code, o.err)
		}
	})
	t.Run("watch", func(t *testing.T) {
		type outcome struct {
			code     int
			out, err string
		}
		got := make(chan outcome, 1)
		go func() {
			code, out, errOut := run(ctx, sock, "watch", "--count", "2", "--symbology", "QR_CODE")
			got <- outcome{code, out, errOut}
		}()
		waitSubscribers(t, srv, 1)
		srv.Publish(qr("one"))
		srv.Publish(qr("two\nlines"))
		o := <-got
		lines := strings.Split(strings.TrimSpace(o.out), "\n")
		if o.code != exitOK || len(lines) != 2 || !strings.HasSuffix(lines[0], "cam0 QR_CODE one") || !strings.HasSuffix(lines[1], `QR_CODE two\nlines`) {
			t.Errorf("watch: %d %q %s", o.code, o.out, o.err)
		}
		// A source the daemon does not have is its answer, not a bad
		// command line: exit 1 (README, exit status), the source named.
		if code, out, errOut := run(ctx, sock, "watch", "--source", "nosuch"); code != exitFailure || out != "" || !strings.Contains(errOut, "nosuch") {
			t.Errorf("watch --source nosuch: exit %d %q %q; want %d", code, out, errOut, exitFailure)
		}
	})
	t.Run("license", func(t *testing.T) {
		code, out, _ := run(ctx, sock, "license")
		for _, want := range []string{"authorized", "AB12-CD34-EF56 (licenses TRIAL)", "offline time left 168h0m0s", "6 scans", "EAN_13 2, QR_CODE 4",
			"features:", "unmetered_uploads", "uploads are not metered: the license grants it"} {
			if code != exitOK || !strings.Contains(out, want) {
				t.Errorf("license: %d, %q missing from\n%s", code, want, out)
			}
		}
		if code, out, _ := run(ctx, sock, "license", "--json"); code != exitOK || !strings.Contains(out, `"last_sync":"2026-11-29T04:00:00Z"`) {
			t.Errorf("license --json: %d %s", code, out)
		}
		if code, out, _ := run(ctx, sock, "license", "sync", "--json"); code != exitOK || !strings.Contains(out, `"last_sync":"2026-11-29T04:00:01Z"`) {
			t.Errorf("license sync: %d %s", code, out)
		}
		if code, _, _ := run(ctx, sock, "license", "renew"); code != exitUsage {
			t.Errorf("license renew: exit %d", code)
		}
	})
	// A device whose license stopped it decoding: the state is shown and the
	// exit status is 5, so that a monitoring script needs no parsing.
	t.Run("license refusing", func(t *testing.T) {
		cfg := apitest.Config(t)
		apitest.Serve(t, cfg, daemon{}, &license{state: "over_quota"}, &apitest.Exporter{}, nil)
		for _, args := range [][]string{{"license"}, {"license", "--json"}, {"license", "sync"}} {
			code, out, _ := run(ctx, cfg.Socket, args...)
			if code != exitRefused || !strings.Contains(out, "over_quota") {
				t.Errorf("%v while over quota: exit %d, want %d:\n%s", args, code, exitRefused, out)
			}
		}
	})
	t.Run("debug export", func(t *testing.T) {
		dir := t.TempDir()
		code, out, errOut := run(ctx, sock, "debug", "export", "on", dir, "--frames", "failed", "--sample", "3", "--for", "10m")
		if code != exitOK || !strings.Contains(out, "debug export on") {
			t.Fatalf("on: %d %s %s", code, out, errOut)
		}
		want := api.DebugExportSettings{Enabled: true, Dir: dir, Frames: "failed", Sample: 3, Duration: apitype.Duration(10 * time.Minute)}
		if got, _ := exp.Last(); got != want {
			t.Errorf("exporter got %+v, want %+v", got, want)
		}
		if code, out, _ := run(ctx, sock, "debug", "export", "--json"); code != exitOK || !strings.Contains(out, `"frames":"failed"`) {
			t.Errorf("show: %d %s", code, out)
		}
		if code, _, _ := run(ctx, sock, "debug", "export", "off"); code != exitOK || exp.State().Enabled {
			t.Errorf("off: exit %d, settings %+v", code, exp.State())
		}
		if code, _, _ := run(ctx, sock, "debug", "export", "on", dir, "--frames", "some"); code != exitUsage {
			t.Errorf("bad --frames: exit %d", code)
		}
		// Without --sample, or with --sample 0, the daemon's default
		// applies, as for --max-images, --max-bytes and --for.
		for _, args := range [][]string{{}, {"--sample", "0"}} {
			code, out, errOut := run(ctx, sock, append([]string{"debug", "export", "on", dir}, args...)...)
			if s, _ := exp.Last(); code != exitOK || s.Sample != 0 || s.MaxImages != 0 {
				t.Errorf("%q: exit %d %s %s, sent %+v: want 0, the daemon's default", args, code, out, errOut, s)
			}
			run(ctx, sock, "debug", "export", "off")
		}
		// A relative directory is refused before the daemon is asked:
		// it would name a directory relative to this shell, not the daemon.
		if code, _, errOut := run(ctx, sock, "debug", "export", "on", "run1"); code != exitUsage || !strings.Contains(errOut, "relative") || exp.State().Enabled {
			t.Errorf("relative dir: exit %d, %s, settings %+v", code, errOut, exp.State())
		}
	})
}

func TestNoDaemon(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "absent.sock")
	for _, args := range [][]string{{"status"}, {"watch"}, {"scan"}, {"license"}, {"debug", "export"}} {
		code, _, errOut := run(context.Background(), sock, args...)
		if code != exitNoDaemon || !strings.Contains(errOut, "not reachable") {
			t.Errorf("%v without a daemon: exit %d, %s", args, code, errOut)
		}
	}
}

func TestExitCodes(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
	}{
		{nil, exitOK},
		{fmt.Errorf("%w at /run/x.sock: connect: no such file", client.ErrUnreachable), exitNoDaemon},
		{&client.Error{Status: 504, Code: "timeout"}, exitNoResult},
		{&client.Error{Status: 403, Code: "forbidden"}, exitRefused},
		{&client.Error{Status: 403, Code: "license_refused"}, exitRefused},
		{&client.Error{Status: 502, Code: "sync_failed"}, exitFailure},
		{&client.Error{Status: 409, Code: "sync_refused"}, exitRefused},
		{&client.Error{Status: 500, Code: "some_future_code"}, exitFailure},
		{errors.New("anything"), exitFailure},
	} {
		if got := exitCode(tc.err); got != tc.want {
			t.Errorf("exitCode(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}

// evalDaemon runs in evaluation mode: no license client, and /v1/status
// says so.
type evalDaemon struct{ daemon }

func (evalDaemon) Status() api.Status {
	st := daemon{}.Status()
	st.License = api.LicenseSummary{State: apitype.LicenseUnconfigured,
		Message: "evaluation mode: no license is configured, so only the demo camera decodes; set lts_url, lts_keys and handshake_code (or offline_license) in the [license] table (docs/licensing.md)"}
	return st
}

// scanctl license in evaluation mode says so and what to configure, as
// scanctl status does, not that licensing is not enabled; it still exits 1.
func TestLicenseInEvaluationMode(t *testing.T) {
	cfg := apitest.Config(t)
	apitest.Serve(t, cfg, evalDaemon{}, nil, &apitest.Exporter{}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, args := range [][]string{{"license"}, {"license", "sync"}} {
		code, out, errOut := run(ctx, cfg.Socket, args...)
		if code != exitFailure || !strings.Contains(out, "state:       unconfigured") ||
			!strings.Contains(out, "what to do:  evaluation mode: no license is configured") || strings.Contains(out+errOut, "not enabled") {
			t.Errorf("scanctl %s in evaluation mode: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
		}
	}
	if code, out, _ := run(ctx, cfg.Socket, "license", "--json"); code != exitFailure || !strings.Contains(out, `"state":"unconfigured"`) {
		t.Errorf("scanctl license --json in evaluation mode: exit %d\n%s", code, out)
	}
}

// scanctl license sync exits 5 when the LTS refuses the device, as its help
// and the README promise, printing the LTS's reason and the state it left;
// it used to exit 1, as for an LTS not reached, which still does.
func TestLicenseSyncRefused(t *testing.T) {
	for _, tc := range []struct {
		name    string
		err     error
		state   string
		code    int
		stderr  string
		showing string
	}{
		{"refused", fmt.Errorf("%w: authorize: lts: device_revoked: the device was revoked", api.ErrSyncRefused), "revoked",
			exitRefused, "device_revoked: the device was revoked (sync_refused)", "state: revoked"},
		{"unreachable", errors.New("authorize: dial tcp 127.0.0.1:1: connection refused"), "",
			exitFailure, "connection refused (sync_failed)", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := apitest.Config(t)
			apitest.Serve(t, cfg, daemon{}, &license{syncErr: tc.err, state: tc.state}, &apitest.Exporter{}, nil)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			code, out, errOut := run(ctx, cfg.Socket, "license", "sync")
			if code != tc.code || !strings.Contains(errOut, tc.stderr) || !strings.Contains(strings.Join(strings.Fields(out), " "), tc.showing) || strings.Contains(out, "synced") {
				t.Errorf("exit %d, want %d\nstdout:\n%sstderr:\n%s", code, tc.code, out, errOut)
			}
		})
	}
}

// scanctl license shows the configured handshake code, and when the state
// shown is still that of the code the config had before, says so: it used
// to show the previous code as the device's, with its state and advice.
func TestLicenseShowsTheConfiguredHandshakeCode(t *testing.T) {
	for _, tc := range []struct {
		authorized string
		want, not  []string
	}{
		{"", []string{"handshake code: AB12-CD34-EF56 (licenses TRIAL)"}, []string{"state of:", "not authorized yet"}},
		{"R1NV-OLD0-CODE", []string{"handshake code: AB12-CD34-EF56 (configured, not authorized yet)",
			"state of: the previous handshake code R1NV-OLD0-CODE (licenses TRIAL)"}, nil},
	} {
		cfg := apitest.Config(t)
		apitest.Serve(t, cfg, daemon{}, &license{authorizedCode: tc.authorized}, &apitest.Exporter{}, nil)
		code, out, errOut := run(t.Context(), cfg.Socket, "license")
		flat := strings.Join(strings.Fields(out), " ")
		for _, w := range tc.want {
			if !strings.Contains(flat, w) {
				t.Errorf("authorized under %q: no %q in\n%s%s", tc.authorized, w, out, errOut)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(flat, w) {
				t.Errorf("authorized under %q: %q in\n%s", tc.authorized, w, out)
			}
		}
		if code != exitOK {
			t.Errorf("exit %d", code)
		}
	}
}

// scanctl license sync with an offline license says there is no server to
// sync with and that its usage is never sent; it used to print "synced".
func TestLicenseSyncOfflineLicense(t *testing.T) {
	cfg := apitest.Config(t)
	apitest.Serve(t, cfg, daemon{}, &license{mode: "offline_license"}, &apitest.Exporter{}, nil)
	code, out, errOut := run(t.Context(), cfg.Socket, "license", "sync")
	if code != exitOK || !strings.HasPrefix(out, offlineNotSynced+"\n") || strings.Contains(out, "synced\n") ||
		!strings.Contains(out, "license:") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
}
