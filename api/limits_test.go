package api_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/api/apitest"
	"github.com/scannerd/scannerd/api/client"
	"github.com/scannerd/scannerd/scanner"
)

// slowUpload starts an upload that sends its headers and one byte of its
// body, then nothing: a client on a very slow link, or an attacker.
func slowUpload(t *testing.T, socket string) net.Conn {
	t.Helper()
	c, err := net.Dial("unix", socket)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(30 * time.Second))
	fmt.Fprint(c, "POST /v1/decode HTTP/1.1\r\nHost: scannerd\r\nContent-Type: image/png\r\nContent-Length: 1000\r\n\r\n\x89")
	return c
}

// Slow bodies used to take the decode slots before a byte of the body had
// arrived: two of them locked every other upload out (429), and were never
// told 408 (the write deadline had passed while they trickled).
func TestSlowBodiesDoNotLockOutUploads(t *testing.T) {
	ts := startServer(t, withConfig(func(c *api.Config) {
		c.MaxDecodes = 2
		c.BodyTimeout = api.Duration(5 * time.Second)
		c.WriteTimeout = api.Duration(time.Second)
	}))
	slow := []net.Conn{slowUpload(t, ts.socket), slowUpload(t, ts.socket), slowUpload(t, ts.socket)}
	// Once the server reads their bodies (each holds a buffer of its
	// declared 1000 bytes and one more), a normal upload is served.
	ts.waitUploadMemory(t, 3*1001)
	img := symbolPNG(t, scanner.QRCode, "while others trickle")
	d, err := ts.client.Decode(context.Background(), bytes.NewReader(img), client.DecodeOptions{ContentType: "image/png"})
	if err != nil || len(d.Results) != 1 {
		t.Fatalf("upload beside slow ones: %+v, %v", d, err)
	}
	for i, c := range slow {
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("slow upload %d got no answer: %v", i, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestTimeout || !strings.Contains(string(b), `"body_timeout"`) {
			t.Errorf("slow upload %d: %d %s, want 408 body_timeout", i, resp.StatusCode, b)
		}
	}
}

// Upload bodies take their memory from a budget as they arrive: when it is
// spent, an upload is answered 429 busy instead of growing the heap, and
// the memory comes back when the bodies go.
func TestUploadMemoryIsBounded(t *testing.T) {
	ts := startServer(t, withConfig(func(c *api.Config) {
		c.MaxBodyBytes = 1 << 20
		c.MaxUploadMemory = 2 << 20
	}))
	// Two clients have sent 300 kB of a 1 MiB body each, and wait: their
	// buffers have grown to 512 KiB.
	var held []net.Conn
	for range 2 {
		c, err := net.Dial("unix", ts.socket)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		held = append(held, c)
		fmt.Fprintf(c, "POST /v1/decode HTTP/1.1\r\nHost: scannerd\r\nContent-Type: image/png\r\nContent-Length: %d\r\n\r\n", 1<<20)
		c.Write(make([]byte, 300_000))
	}
	ts.waitUploadMemory(t, 1<<20)
	// A third sends 600 kB of 900: its buffer cannot grow past 512 KiB.
	big := append(symbolPNG(t, scanner.QRCode, "large"), make([]byte, 900_000)...) // PNG ignores what follows its end
	c, err := net.Dial("unix", ts.socket)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	fmt.Fprintf(c, "POST /v1/decode HTTP/1.1\r\nHost: scannerd\r\nContent-Type: image/png\r\nContent-Length: %d\r\n\r\n", len(big))
	c.Write(big[:600_000])
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(string(b), `"busy"`) {
		t.Errorf("a 900 kB upload with half the budget held: %d %s, want 429 busy", resp.StatusCode, b)
	}
	if _, err := ts.client.Decode(context.Background(), bytes.NewReader(symbolPNG(t, scanner.QRCode, "small")), client.DecodeOptions{ContentType: "image/png"}); err != nil {
		t.Errorf("a small upload meanwhile: %v", err)
	}
	for _, c := range held {
		c.Close()
	}
	ts.waitUploadMemory(t, 0)
	d, err := ts.client.Decode(context.Background(), bytes.NewReader(big), client.DecodeOptions{ContentType: "image/png"})
	if err != nil || len(d.Results) != 1 {
		t.Errorf("the 900 kB upload once they left: %+v, %v", d, err)
	}
}

func TestUploadRateLimitPerPeer(t *testing.T) {
	ts := startServer(t, withConfig(func(c *api.Config) {
		c.UploadRate = 1
		c.UploadBurst = 2
	}))
	img := symbolPNG(t, scanner.QRCode, "x")
	upload := func() error {
		_, err := ts.client.Decode(context.Background(), bytes.NewReader(img), client.DecodeOptions{ContentType: "image/png"})
		return err
	}
	for i := range 2 {
		if err := upload(); err != nil {
			t.Fatalf("upload %d within the burst: %v", i, err)
		}
	}
	status, code, _ := ts.rawRequest(t, "POST", "/v1/decode", http.Header{"Content-Type": {"image/png"}}, img)
	if status != http.StatusTooManyRequests || code != "rate_limited" {
		t.Errorf("third upload: %d %s, want 429 rate_limited", status, code)
	}
	ts.clock.Add(time.Second)
	if err := upload(); err != nil {
		t.Errorf("after a second: %v", err)
	}
}

func TestUploadsCanBeRestricted(t *testing.T) {
	img := symbolPNG(t, scanner.QRCode, "x")
	ts := startServer(t, withConfig(func(c *api.Config) { c.Uploads = api.UploadsOff }))
	status, code, _ := ts.rawRequest(t, "POST", "/v1/decode", http.Header{"Content-Type": {"image/png"}}, img)
	if status != http.StatusForbidden || code != "uploads_disabled" {
		t.Errorf("uploads off: %d %s", status, code)
	}
	ts = startServer(t, withConfig(func(c *api.Config) { c.Uploads = api.UploadsAdmin }))
	status, code, _ = ts.rawRequest(t, "POST", "/v1/decode", http.Header{"Content-Type": {"image/png"}}, img)
	// The test's peer runs as the daemon's own user, which is admin.
	if status != http.StatusOK {
		t.Errorf("uploads for admins, as uid %d: %d %s", os.Getuid(), status, code)
	}
}

// url.ParseQuery gives up after 10,000 parameters; the parameters were
// then not checked at all.
func TestQueryParameterFlood(t *testing.T) {
	ts := startServer(t)
	flood := strings.Repeat("a&", 10_001)
	for _, target := range []string{"/v1/status?", "/v1/health?", "/v1/results?", "/v1/events?"} {
		status, code, _ := ts.rawRequest(t, "GET", target+flood, nil, nil)
		if status != http.StatusBadRequest || code != "bad_query" {
			t.Errorf("%s with 10,001 parameters: %d %s", target, status, code)
		}
	}
}

// Event streams that never read used to fill every subscriber slot, and
// scans were refused for minutes until they were cut off.
func TestStreamsThatNeverReadDoNotBlockScans(t *testing.T) {
	ts := startServer(t, withConfig(func(c *api.Config) {
		c.MaxSubscribers = 8
		c.MaxSubscribersPerPeer = 8
	}))
	var conns []net.Conn
	for range 8 {
		c, err := net.Dial("unix", ts.socket)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		fmt.Fprint(c, "GET /v1/events HTTP/1.1\r\nHost: scannerd\r\n\r\n") // and never read
	}
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	ts.waitSubscribers(t, 8)
	if status, code, _ := ts.rawRequest(t, "GET", "/v1/events", nil, nil); status != http.StatusServiceUnavailable || code != "too_many_subscribers" {
		t.Errorf("a ninth stream: %d %s", status, code)
	}
	got := make(chan error, 1)
	go func() {
		_, err := ts.client.Scan(context.Background(), client.ScanOptions{Timeout: 20 * time.Second})
		got <- err
	}()
	ts.waitSubscribers(t, 9)
	ts.Publish([]scanner.Result{result("cam0", 1, scanner.QRCode, "scanned", ts.clock.Now())})
	if err := <-got; err != nil {
		t.Errorf("scan with every stream slot taken: %v", err)
	}
}

func TestSubscribersPerPeer(t *testing.T) {
	ts := startServer(t, withConfig(func(c *api.Config) { c.MaxSubscribersPerPeer = 2 }))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range ts.client.Events(ctx, client.EventsOptions{}) {
			}
		}()
	}
	ts.waitSubscribers(t, 2)
	if status, code, body := ts.rawRequest(t, "GET", "/v1/events", nil, nil); status != http.StatusServiceUnavailable || code != "too_many_subscribers" {
		t.Errorf("a third stream of one peer: %d %s %s", status, code, body)
	}
}

// A request refused before its body was read: the body is not drained
// without a deadline, and what remains of it is never taken for the next
// request on the connection.
func TestUnreadBodyIsNeverReadAsARequest(t *testing.T) {
	ts := startServer(t)
	body := "GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n" // a body that looks like a request
	for _, split := range []bool{false, true} {
		c, err := net.Dial("unix", ts.socket)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(20 * time.Second))
		head := fmt.Sprintf("POST /v1/decode?bogus=1 HTTP/1.1\r\nHost: scannerd\r\nContent-Type: image/png\r\nContent-Length: %d\r\n\r\n", len(body)+10)
		if split {
			fmt.Fprint(c, head) // the body comes later, or never
		} else {
			fmt.Fprint(c, head+body)
		}
		br := bufio.NewReader(c)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("split %v: no answer: %v", split, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("split %v: %d, want 400 bad_query", split, resp.StatusCode)
		}
		// Whatever follows on the connection is no answer to the body.
		fmt.Fprint(c, body)
		if resp, err := http.ReadResponse(br, nil); err == nil {
			b, _ := io.ReadAll(resp.Body)
			t.Errorf("split %v: the body was read as a request: %d %s", split, resp.StatusCode, b)
		}
		c.Close()
	}
}

// heldDaemon holds every upload in Decode until released.
type heldDaemon struct {
	*daemon
	entered, release chan struct{}
}

func (h *heldDaemon) Decode(ctx context.Context, load func() (*scanner.Frame, error), opts scanner.Options) ([]scanner.Result, error) {
	h.entered <- struct{}{}
	select {
	case <-h.release:
	case <-ctx.Done():
	}
	f, err := load()
	if err != nil {
		return nil, err
	}
	f.Purge()
	return nil, nil
}

// With every decode place taken by uploads that have arrived, another is
// refused before its body is read: reading bodies only to refuse them was
// what a flood of uploads cost the daemon.
func TestBusyUploadIsRefusedBeforeItsBody(t *testing.T) {
	cfg := apitest.Config(t)
	cfg.MaxDecodes = 2
	held := &heldDaemon{daemon: newDaemon(t), entered: make(chan struct{}, 2), release: make(chan struct{})}
	apitest.Serve(t, cfg, held, nil, nil, nil)
	c := apiDoc(t).Client(t, cfg.Socket)
	img := symbolPNG(t, scanner.QRCode, "x")
	done := make(chan error, 2)
	for range 2 {
		go func() {
			_, err := c.Decode(context.Background(), bytes.NewReader(img), client.DecodeOptions{ContentType: "image/png"})
			done <- err
		}()
	}
	<-held.entered
	<-held.entered
	conn := slowUpload(t, cfg.Socket)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer while the places are taken: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(string(b), `"busy"`) {
		t.Errorf("a third upload: %d %s, want 429 busy before its body", resp.StatusCode, b)
	}
	close(held.release)
	for range 2 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
