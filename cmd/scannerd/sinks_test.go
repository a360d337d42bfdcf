package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/api/client"
	"github.com/scannerd/scannerd/api/openapitest"
	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/internal/syncbuf"
	"github.com/scannerd/scannerd/packaging"
	"github.com/scannerd/scannerd/scanner"
	"github.com/scannerd/scannerd/sink"
)

// hookReceiver records the results a webhook sink posts, checking each
// signature.
type hookReceiver struct {
	srv    *httptest.Server
	secret string
	mu     sync.Mutex
	got    []api.Result
	bad    int
}

func newHookReceiver(t *testing.T, secret string) *hookReceiver {
	h := &hookReceiver{secret: secret}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var res api.Result
		h.mu.Lock()
		defer h.mu.Unlock()
		want := "sha256=" + sink.Sign([]byte(h.secret), r.Header.Get(sink.HeaderTimestamp), body)
		if r.Header.Get(sink.HeaderSignature) != want || json.Unmarshal(body, &res) != nil ||
			r.Header.Get(sink.HeaderResultID) != fmt.Sprint(res.ID) {
			h.bad++
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		h.got = append(h.got, res)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hookReceiver) results() []api.Result {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]api.Result(nil), h.got...)
}

// TestSinksDeliverTheDaemonsResults runs the daemon on the demo camera
// with a webhook sink: results reach it signed and named with their API
// ids; a sink added by reload that never gets an answer overflows, which
// the event stream announces while the other sink goes on; status and
// metrics show both; a reload with a sink that cannot be set up is refused.
func TestSinksDeliverTheDaemonsResults(t *testing.T) {
	t.Parallel()
	hook := newHookReceiver(t, "daemon-hook-key")
	hold := make(chan struct{})
	stuck := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-hold }))
	t.Cleanup(stuck.Close)
	keyFile := writeFile(t, "hook.key", "daemon-hook-key\n")
	base := fmt.Sprintf(`
[[source]]
name = "cam"
url = "demo"
width = 640
height = 360

[[sink]]
name = "hook"
sources = ["cam"]
[sink.webhook]
url = "%s/scans"
secret_file = %q
`, hook.srv.URL, keyFile)
	m, _, _ := startMain(t, base)
	t.Cleanup(func() { close(hold) }) // before the daemon stops: the stuck sink may drain
	c := openapitest.NewClient(t, m.d.cfg.Load().API.Socket)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	events, err := c.Subscribe(ctx, client.EventsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer events.Close()

	waitFor(t, "three results at the webhook", func() bool { return len(hook.results()) >= 3 })
	held, err := c.Results(ctx, client.ResultsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[uint64]api.Result{}
	for _, r := range held.Results {
		byID[r.ID] = r
	}
	for _, r := range hook.results()[:3] {
		if want := byID[r.ID]; want.Text != r.Text || want.Symbology != r.Symbology || r.Source != "cam" {
			t.Errorf("webhook got %+v; the API has %+v under its id", r, want)
		}
	}

	// A reload adds a sink whose target never answers.
	config := m.ConfigPath
	os.WriteFile(config, []byte(base+fmt.Sprintf("\n[[sink]]\nname = \"stuck\"\nqueue = 1\n[sink.webhook]\nurl = %q\ntimeout = \"1h\"\n", stuck.URL)), 0o600)
	before := len(hook.results())
	if err := m.Reload(); err != nil {
		t.Fatal(err)
	}
	for {
		ev, err := events.Next()
		if err != nil {
			t.Fatalf("event stream: %v", err)
		}
		if ev.Kind == client.EventSinkOverflow {
			if o := ev.SinkOverflow; o.Sink != "stuck" || o.Dropped == 0 || o.DroppedTotal < o.Dropped || o.QueueSize != 1 {
				t.Errorf("sink_overflow %+v", o)
			}
			break
		}
	}
	waitFor(t, "the webhook to go on", func() bool { return len(hook.results()) > before })

	st, err := c.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Sinks) != 2 || st.Sinks[0].Name != "hook" || st.Sinks[0].Delivered < 3 || st.Sinks[0].Dropped != 0 ||
		st.Sinks[1].Name != "stuck" || st.Sinks[1].Overflow == 0 || st.Sinks[1].Queued != 1 || st.Sinks[1].Kind != "webhook" {
		t.Errorf("status sinks: %+v", st.Sinks)
	}
	metrics, err := c.Metrics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`scannerd_sink_results_total{outcome="delivered",sink="hook"}`,
		`scannerd_sink_results_total{outcome="dropped_overflow",sink="stuck"}`, `scannerd_sink_queued_results{sink="stuck"} 1`,
		`scannerd_sink_up{sink="hook"} 1`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if hook.bad != 0 {
		t.Errorf("%d webhook requests with a bad signature or id", hook.bad)
	}

	// A sink that cannot be set up refuses the reload; both sinks stay.
	os.WriteFile(config, []byte(base+"\n[[sink]]\nname = \"x\"\n[sink.webhook]\nurl = \"https://erp.example/\"\nsecret_file = \"/nonexistent/key\"\n"), 0o600)
	if err := m.Reload(); err == nil || !strings.Contains(err.Error(), "secret_file") {
		t.Errorf("reload with a missing secret file: %v", err)
	}
	if n := len(m.d.sinks.Status()); n != 2 {
		t.Errorf("a refused reload left %d sinks", n)
	}
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := t.TempDir() + "/" + name
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestDocumentedSinkExamples: the commented [[sink]] examples at the end of
// packaging/scannerd.toml, uncommented, are a valid configuration.
func TestDocumentedSinkExamples(t *testing.T) {
	t.Parallel()
	doc := string(packaging.DefaultScannerdConfig)
	_, examples, ok := strings.Cut(doc, "# Examples:\n")
	if !ok {
		t.Fatal("no sink examples in packaging/scannerd.toml")
	}
	var b strings.Builder
	for _, line := range strings.Split(examples, "\n") {
		b.WriteString(strings.TrimPrefix(line, "#") + "\n")
	}
	cfg, err := ParseConfig("examples", []byte(b.String()))
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	if len(cfg.Sinks) != 3 || cfg.Sinks[0].Kind() != sink.KindWebhook || cfg.Sinks[1].Kind() != sink.KindMQTT || cfg.Sinks[2].Kind() != sink.KindSerial {
		t.Errorf("examples: %+v", cfg.Sinks)
	}
}

// TestSinkThatCannotBeSetUpStopsTheStart: a secret file that cannot be
// read is a clear error at start, and what was started is stopped.
func TestSinkThatCannotBeSetUpStopsTheStart(t *testing.T) {
	t.Parallel()
	m := NewMain()
	m.Stdout, m.Stderr = &syncbuf.Buffer{}, &syncbuf.Buffer{}
	m.ParseFlags([]string{"-config", writeConfig(t, "[[sink]]\nname = \"erp\"\n[sink.webhook]\nurl = \"https://erp.example/\"\nsecret_file = \"/nonexistent/erp.key\"\n")})
	err := m.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), `: key sink[1].webhook.secret_file: sink "erp": read secret_file`) {
		t.Errorf("start with an unreadable secret file: %v", err)
	}
	m.Close()
}

// TestCheckFilesReadsSinkSecrets: -check-config reads the sinks' secret
// and CA files, which parsing leaves alone.
func TestCheckFilesReadsSinkSecrets(t *testing.T) {
	t.Parallel()
	key := writeFile(t, "hook.key", "k\n")
	for _, tc := range []struct{ table, want string }{
		{fmt.Sprintf("[sink.webhook]\nurl = \"https://h/\"\nsecret_file = %q\n", key), ""},
		{"[sink.webhook]\nurl = \"https://h/\"\nsecret_file = \"/nonexistent/hook.key\"\n", `t.toml:5: key sink[1].webhook.secret_file: sink "s": read secret_file`},
		{fmt.Sprintf("[sink.webhook]\nurl = \"https://h/\"\nca_file = %q\n", key), "t.toml:5: key sink[1].webhook.ca_file: "},
		{"[sink.mqtt]\nbroker = \"tcp://h:1883\"\nusername = \"u\"\npassword_file = \"/nonexistent/pw\"\n", "t.toml:6: key sink[1].mqtt.password_file: sink \"s\": read password_file"},
	} {
		cfg, err := ParseConfig("t.toml", []byte("[[sink]]\nname = \"s\"\n"+tc.table))
		if err != nil {
			t.Fatal(err)
		}
		err = cfg.CheckFiles()
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: %v, want %q", tc.table, err, tc.want)
		}
	}
}

// TestSinkWithoutSymbologiesTakesEveryResult runs the daemon with a source
// that reads Code 11, a symbology off by default, and a webhook sink with
// no symbologies key: the Code 11 result reaches the webhook, in order
// before the QR code delivered after it. The sink used to take the default
// symbologies only, dropping it unannounced.
func TestSinkWithoutSymbologiesTakesEveryResult(t *testing.T) {
	t.Parallel()
	hook := newHookReceiver(t, "daemon-hook-key")
	keyFile := writeFile(t, "hook.key", "daemon-hook-key\n")
	inbox := t.TempDir()
	m := NewMain()
	out := &syncbuf.Buffer{}
	m.Stdout, m.Stderr = out, &syncbuf.Buffer{}
	m.gate = &holdGate{} // permits every symbology, without a license server
	m.ParseFlags([]string{"-ndjson", "-config", writeConfig(t, fmt.Sprintf(`
[[source]]
name = "inbox"
url = "dir:%s"
symbologies = "default,code_11"

[[sink]]
name = "hook"
[sink.webhook]
url = "%s/scans"
secret_file = %q
`, inbox, hook.srv.URL, keyFile))})
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()

	s, err := symbols.EncodeWith(scanner.Code11, "123-45", code11Writer{}, gozxing.BarcodeFormat_CODABAR, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	dropSymbol(t, inbox, "code11.png", s, 3)
	waitFor(t, "the Code 11 result", func() bool { return len(readResults(t, out.String())) > 0 })
	if s, err = symbols.Encode(scanner.QRCode, "after"); err != nil {
		t.Fatal(err)
	}
	dropSymbol(t, inbox, "qr.png", s, 3)
	// The sink delivers in order: once it has the QR code, it had
	// every result delivered before.
	waitFor(t, "the QR code at the webhook", func() bool {
		got := hook.results()
		return len(got) > 0 && got[len(got)-1].Symbology == "QR_CODE"
	})
	delivered := readResults(t, out.String())
	got := hook.results()
	if len(got) != 2 || len(delivered) != 2 {
		t.Fatalf("the daemon delivered %+v; the webhook got %+v", delivered, got)
	}
	if r := got[0]; r.Symbology != "CODE_11" || r.Text != "123-455" || r.ID != delivered[0].ID {
		t.Errorf("webhook got %+v first; want the Code 11 result (with its check character) the daemon delivered: %+v", r, delivered[0])
	}
}

// dropSymbol drops a PNG of s, modules of module pixels, named name into
// dir.
func dropSymbol(t *testing.T, dir, name string, s *symbols.Symbol, module float64) {
	t.Helper()
	w, h := int(float64(s.Width+2*s.Quiet())*module)+20, int(float64(s.Height+2*s.Quiet())*module)+20
	dropFile(t, dir, name, symbolPNG(t, s, w, h, module))
}

// code11Writer draws Code 11 (USD-8): a start character, the data and its
// check character C (modulo 11, weights 1 to 10 from the right), a stop
// character; each character three bars and two spaces, narrow one module
// wide and wide two, and a narrow space between characters.
type code11Writer struct{}

// code11Patterns are the elements of 0–9, the dash (10) and start/stop
// (11), bar first; a set bit is wide.
var code11Patterns = [12]uint8{0b00001, 0b10001, 0b01001, 0b11000, 0b00101, 0b10100,
	0b01100, 0b00011, 0b10010, 0b10000, 0b00100, 0b00110}

func (w code11Writer) EncodeWithoutHint(text string, f gozxing.BarcodeFormat, width, height int) (*gozxing.BitMatrix, error) {
	return w.Encode(text, f, width, height, nil)
}

func (code11Writer) Encode(text string, _ gozxing.BarcodeFormat, _, _ int, _ map[gozxing.EncodeHintType]interface{}) (*gozxing.BitMatrix, error) {
	vals := make([]int, 0, len(text)+1)
	for _, r := range text {
		v := strings.IndexRune("0123456789-", r)
		if v < 0 {
			return nil, fmt.Errorf("code 11: %q is not a digit or a dash", r)
		}
		vals = append(vals, v)
	}
	c := 0
	for k := range vals {
		c += vals[len(vals)-1-k] * (k%10 + 1)
	}
	vals = append(vals, c%11)
	var modules []bool
	for _, v := range append(append([]int{11}, vals...), 11) {
		if len(modules) > 0 {
			modules = append(modules, false)
		}
		for e := range 5 {
			n := 1 + int(code11Patterns[v]>>(4-e)&1)
			for range n {
				modules = append(modules, e%2 == 0)
			}
		}
	}
	m, err := gozxing.NewBitMatrix(len(modules), 1)
	if err != nil {
		return nil, err
	}
	for x, dark := range modules {
		if dark {
			m.Set(x, 0)
		}
	}
	return m, nil
}
