package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/scannerd/scannerd/api/apitype"
	"github.com/scannerd/scannerd/scanner"
)

// fuzzSources are the source names the fuzzed filters may name.
func fuzzSources() []string { return []string{"cam0", "front"} }

// FuzzQuery feeds raw query strings to every endpoint's parser: each
// either accepts the query or refuses it with ErrBadQuery, never panics.
func FuzzQuery(f *testing.F) {
	for _, s := range []string{
		"", "since=12", "since=-1", "symbology=QR_CODE,ean13&source=cam0", "symbology=all", "source=",
		"timeout=5s", "timeout=2.5", "timeout=1e309", "timeout=NaN", "timeout=-0", "limit=10",
		"symbologies=QR_CODE&try_harder=true", "%zz", "a=1&a=2", "since=18446744073709551616",
	} {
		f.Add(s, "")
	}
	f.Add("", "42")
	f.Add("", "\x00")
	f.Fuzz(func(t *testing.T, raw, lastEventID string) {
		check := func(name string, err error) {
			if err != nil && !errors.Is(err, ErrBadQuery) {
				t.Fatalf("%s(%q): %v does not wrap ErrBadQuery", name, raw, err)
			}
			if err != nil {
				if status, code := classify(err); status != http.StatusBadRequest || code != "bad_query" {
					t.Fatalf("%s(%q): classified %d %s", name, raw, status, code)
				}
			}
		}
		v, err := parseRawQuery(raw)
		check("parseRawQuery", err)
		if err != nil {
			return
		}
		_, err = parseEventsQuery(v, lastEventID, fuzzSources)
		check("events", err)
		_, err = parseResultsQuery(v, 1000, fuzzSources)
		check("results", err)
		q, err := parseScanQuery(v, 10*time.Second, time.Minute, fuzzSources)
		check("scan", err)
		if err == nil && (q.timeout <= 0 || q.timeout > time.Minute) {
			t.Fatalf("scan(%q): timeout %v accepted", raw, q.timeout)
		}
		_, err = parseDecodeQuery(v)
		check("decode", err)
	})
}

// FuzzDebugExportSettings: PUT bodies are accepted only when they decode
// and validate; refusals wrap ErrBadSettings.
func FuzzDebugExportSettings(f *testing.F) {
	for _, s := range []string{
		`{"enabled":true,"dir":"/var/lib/scannerd/debug","frames":"decoded","sample":1,"max_images":100,"max_bytes":1000000,"duration":"10m","color":false}`,
		`{"enabled":false}`, `{}`, `{"enabled":true}`, `{"duration":"-5s"}`, `{"duration":5}`, `{"frames":"all"} {}`,
		`[]`, `null`, `{"sample":-1}`, `{"enabled":true,"dir":"relative"}`, `{"x":1}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		st, err := ParseDebugExportSettings(body)
		if err != nil {
			if !errors.Is(err, ErrBadSettings) {
				t.Fatalf("%q: %v does not wrap ErrBadSettings", body, err)
			}
			return
		}
		if st.Validate() != nil {
			t.Fatalf("%q: accepted settings that do not validate", body)
		}
		// What was accepted survives a round trip unchanged.
		b, _ := json.Marshal(st)
		again, err := ParseDebugExportSettings(b)
		if err != nil || again != st {
			t.Fatalf("%q: round trip %s gives %+v, %v", body, b, again, err)
		}
	})
}

// engineDaemon decodes with a real engine.
type engineDaemon struct{ e *scanner.Engine }

func (d engineDaemon) Status() Status { return Status{Engine: NewEngineStats(d.e.Stats())} }

func (d engineDaemon) Decode(ctx context.Context, load func() (*scanner.Frame, error), opts scanner.Options) ([]scanner.Result, error) {
	rep, err := d.e.DecodeFrom(ctx, load, opts)
	if err != nil {
		return nil, err
	}
	return rep.Results, nil
}

type nullExporter struct{}

func (nullExporter) State() DebugExportState { return DebugExportState{} }
func (nullExporter) Configure(ctx context.Context, p Peer, s DebugExportSettings) (DebugExportState, error) {
	return DebugExportState{DebugExportSettings: s}, nil
}

// FuzzRequest sends whole requests (method, path and query, Content-Type,
// body) through the server's handler, as an admin peer: every answer is
// 200 or a JSON error from the table, never an internal error, and the
// upload pool gets every frame back.
// FuzzSetupBodies: the setup page's bodies are accepted or refused with
// ErrBadSetup, and what is accepted is within the limits the daemon
// relies on.
func FuzzSetupBodies(f *testing.F) {
	for _, s := range []string{
		`{"source":"cam0","region":[240,100,480,340],"symbologies":["QR_CODE","EAN_13"]}`,
		`{"source":"cam0","region":[],"symbologies":[]}`, `{"source":"cam0","region":null}`, `{"source":"cam0","region":[1,2,3]}`,
		`{"source":"cam0","region":[-1,0,10,10]}`, `{"source":"cam0","region":[0,0,0,10]}`, `{"region":[0,0,1,1]}`,
		`{"enabled":true,"duration":"10m"}`, `{"enabled":true,"duration":"2h"}`, `{"enabled":false}`, `{"duration":600}`,
		`[]`, `null`, `{"x":1}`, `{} {}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if set, err := ParseSourceSetup(body); err != nil {
			if !errors.Is(err, ErrBadSetup) {
				t.Fatalf("%q: %v does not wrap ErrBadSetup", body, err)
			}
		} else if set.Source == "" || len(set.Region) != 0 && (len(set.Region) != 4 || set.Region[2] <= 0 || set.Region[3] <= 0 || set.Region[0] < 0 || set.Region[1] < 0) {
			t.Fatalf("%q: accepted %+v", body, set)
		}
		if st, err := ParsePreviewSettings(body); err != nil {
			if !errors.Is(err, ErrBadSetup) {
				t.Fatalf("%q: %v does not wrap ErrBadSetup", body, err)
			}
		} else if st.Duration.D() < 0 || st.Duration.D() > time.Hour {
			t.Fatalf("%q: accepted %+v", body, st)
		}
	})
}

func FuzzRequest(f *testing.F) {
	e := scanner.NewEngine(scanner.EngineConfig{Workers: 1})
	e.Start()
	f.Cleanup(func() { e.Close() })
	srv, err := NewServer(Config{MaxBodyBytes: 1 << 20, MaxImagePixels: 1 << 20, AdminGroup: NoGroup, SocketGroup: NoGroup},
		engineDaemon{e}, nil, nullExporter{}, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		f.Fatal(err)
	}
	known := map[string]bool{}
	for _, e := range errorTable {
		known[e.code] = true
	}
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x00\x00\x00\x00:\x98\xa0\xbd\x00\x00\x00\x0fIDATx\x9cb\xf8\xcf\xc0\x00\x00\x00\x00\xff\xff\x03\x00\x00\xff\xff\x9b\x0e\xfe\x01\x00\x00\x00\x00IEND\xaeB`\x82")
	f.Add("POST", "/v1/decode?symbologies=QR_CODE", "image/png", png)
	f.Add("POST", "/v1/decode", "application/octet-stream", []byte("GIF89a\x10\x00\x10\x00"))
	f.Add("POST", "/v1/decode?try_harder=1", "image/bmp; charset=x", []byte("BM\x00\x00"))
	f.Add("POST", "/v1/decode", "image/jpeg", []byte("\xff\xd8\xff\xe0"))
	f.Add("PUT", "/v1/debug/export", "application/json", []byte(`{"enabled":false}`))
	f.Add("GET", "/v1/results?since=1&limit=5&symbology=qr", "", []byte(nil))
	f.Add("POST", "/v1/scan?timeout=1ms", "", []byte(nil))
	f.Add("GET", "/v1/status", "", []byte(nil))
	f.Fuzz(func(t *testing.T, method, target, contentType string, body []byte) {
		if method == "GET" && strings.HasPrefix(target, "/v1/events") {
			return // a stream does not end by itself
		}
		u, err := url.ParseRequestURI(target)
		if err != nil || !validMethod(method) {
			return // not a request net/http would pass on
		}
		if strings.HasPrefix(u.Path, "/v1/scan") {
			u.RawQuery = "timeout=1ms"
		}
		req, err := http.NewRequest(method, "http://scannerd/", bytes.NewReader(body))
		if err != nil {
			return
		}
		req.URL.Path, req.URL.RawPath, req.URL.RawQuery = u.Path, u.RawPath, u.RawQuery
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		req = req.WithContext(context.WithValue(req.Context(), peerKey{}, Peer{UID: 0, Admin: true}))
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code == http.StatusOK {
			return
		}
		var eb ErrorBody
		if err := json.Unmarshal(rec.Body.Bytes(), &eb); err != nil {
			t.Fatalf("%s %s: status %d, body %q is not a JSON error", method, target, rec.Code, rec.Body.Bytes())
		}
		if !known[eb.Error.Code] || eb.Error.Code == "internal" || apitype.StatusForCode(eb.Error.Code) != rec.Code {
			t.Fatalf("%s %s: %d %s %q", method, target, rec.Code, eb.Error.Code, eb.Error.Message)
		}
		if st := srv.pool.Stats(); st.Outgoing != 0 {
			t.Fatalf("%s %s: %d upload frames not purged", method, target, st.Outgoing)
		}
	})
}

func validMethod(m string) bool {
	if m == "" {
		return false
	}
	for _, r := range m {
		if r < '!' || r > '~' || strings.ContainsRune(`()<>@,;:\"/[]?={}`, r) {
			return false
		}
	}
	return true
}
