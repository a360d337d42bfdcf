package audit

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/scannerd/scannerd/api/client"
	"github.com/scannerd/scannerd/internal/syncbuf"
	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/wire"
)

// recorder is a TLS-terminating relay between a device and its LTS that
// keeps every request and reply body: what crossed the network.
type recorder struct {
	srv    *httptest.Server
	mu     sync.Mutex
	bodies [][]byte
}

func newRecorder(t *testing.T, target string) *recorder {
	u, _ := url.Parse(target)
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.Transport = &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}} // loopback to the test's own ltsd
	r := &recorder{}
	proxy.ModifyResponse = func(resp *http.Response) error {
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		r.keep(body)
		resp.Body = io.NopCloser(bytes.NewReader(body))
		return err
	}
	r.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.keep(body)
		req.Body = io.NopCloser(bytes.NewReader(body))
		proxy.ServeHTTP(w, req)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *recorder) keep(b []byte) {
	r.mu.Lock()
	r.bodies = append(r.bodies, b)
	r.mu.Unlock()
}

// blob is something the audit searches: a file, a log or a body.
type blob struct {
	name string
	data []byte
}

// filesUnder reads every regular file under dir.
func filesUnder(t *testing.T, dir string, skip string) []blob {
	var out []blob
	filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || p == skip || !e.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, blob{p, data})
		return nil
	})
	return out
}

// forms are the ways a text could be written: as it is, JSON-escaped,
// base64, and its distinctive core (what a log line of it must hold).
func forms(text string) []string {
	j, _ := json.Marshal(text)
	out := []string{text, string(j[1 : len(j)-1]), base64.StdEncoding.EncodeToString([]byte(text))}
	if len(text) > 12 {
		out = append(out, text[len(text)/2-6:len(text)/2+6])
	}
	return out
}

// TestNoBarcodeTextLeavesTheDevice runs a real scannerd, licensed by a real
// ltsd through a relay that keeps every body that crosses the network, on
// images dropped into its directory and uploads to its socket, each with a
// barcode text of its own, with debug logging. Afterwards no text read may
// appear in any file the two wrote (stores, rollback mark, LTS files), in
// either log, or in any request or reply body, sealed or opened with the
// LTS key.
func TestNoBarcodeTextLeavesTheDevice(t *testing.T) {
	t.Parallel()
	l := newLTSD(t, "-type", "scan", "-scans", "100000", "-period", "month")
	l.start(t)
	rec := newRecorder(t, l.url)
	d := newDevice(t, l, "0ddba11c0ddba11c0ddba11c0ddba11c", "")
	cfg, _ := os.ReadFile(d.config)
	cfg = bytes.ReplaceAll(cfg, []byte(l.url), []byte(rec.srv.URL))
	cfg = bytes.ReplaceAll(cfg, []byte(l.pin), []byte(lts.CertFingerprint(rec.srv.TLS.Certificates[0])))
	os.WriteFile(d.config, cfg, 0o600)

	var log syncbuf.Buffer
	s := d.start(t, &log)
	s.ready(t)
	sub := newSubscriber()
	sub.follow(t, s)
	var planted []string
	const dropped, uploaded = 12, 8
	for n := 0; n < dropped+uploaded; n++ {
		lb := label{labelSymbologies[n%len(labelSymbologies)], ""}
		lb.text = labelText(lb.sym, 7, n)
		planted = append(planted, lb.text)
		img := labelPNG(t, lb)
		if n < dropped {
			// One at a time: the engine drops frames it has no worker for.
			drop(t, d.drop, fmt.Sprintf("%03d.png", n), img)
			waitDelivered(t, sub, n+1, &log)
			continue
		}
		dec, err := s.api.Decode(context.Background(), bytes.NewReader(img), client.DecodeOptions{})
		if err != nil || len(dec.Results) != 1 || dec.Results[0].Text != lb.text {
			t.Fatalf("upload of %q: %+v %v", lb.text, dec, err)
		}
		if n == dropped+uploaded/2 {
			s.syncAll(t) // half reported, the rest left pending in the store
		}
	}
	s.stop(t)
	sub.wait()
	l.kill()

	blobs := append(filesUnder(t, d.dir, d.config), filesUnder(t, l.dir, "")...)
	blobs = append(blobs, blob{"scannerd log", log.Bytes()}, blob{"ltsd log", l.log.Bytes()})
	key, err := wire.ParseLTSPrivateKeyPEM(mustRead(t, filepath.Join(l.dir, "lts.key")))
	if err != nil {
		t.Fatal(err)
	}
	rec.mu.Lock()
	for i, body := range rec.bodies {
		blobs = append(blobs, blob{fmt.Sprintf("body %d", i), body})
		env, err := wire.ParseEnvelope(body)
		if err != nil || env.Kind == "" {
			continue // a reply: sealed to the device, whose key is in the store searched above
		}
		var plain any
		if env.Kind == wire.KindUsage {
			plain, err = wire.OpenUsage(key, env)
		} else {
			plain, err = wire.OpenAuthorize(key, env)
		}
		if err != nil {
			t.Fatalf("request %d does not open with the LTS key: %v", i, err)
		}
		opened, _ := json.Marshal(plain)
		blobs = append(blobs, blob{fmt.Sprintf("request %d opened", i), opened})
	}
	rec.mu.Unlock()

	texts := append([]string{}, planted...)
	sub.mu.Lock()
	for text := range sub.got {
		texts = append(texts, text)
	}
	sub.mu.Unlock()
	for _, text := range texts {
		for _, form := range forms(text) {
			for _, b := range blobs {
				if bytes.Contains(b.data, []byte(form)) {
					t.Errorf("%s holds barcode text %q (as %q)", b.name, text, form)
				}
			}
		}
	}
	if len(rec.bodies) < 4 || len(log.Bytes()) == 0 {
		t.Fatalf("too little to search: %d bodies, %d log bytes", len(rec.bodies), len(log.Bytes()))
	}
	t.Logf("%d texts searched in %d files, logs and bodies (%d bytes)", len(texts), len(blobs), totalBytes(blobs))
}

func waitDelivered(t *testing.T, sub *subscriber, n int, log *syncbuf.Buffer) {
	deadline := time.Now().Add(30 * time.Second)
	for {
		sub.mu.Lock()
		got := 0
		for range sub.got {
			got++
		}
		sub.mu.Unlock()
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d results delivered: %v\n%s", got, n, sub.got, tailBytes(log.Bytes(), 3000))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func mustRead(t *testing.T, path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func totalBytes(bs []blob) (n int) {
	for _, b := range bs {
		n += len(b.data)
	}
	return n
}
