package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/scannerd/scannerd/internal/pgtest"
	"github.com/scannerd/scannerd/internal/syncbuf"
	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/lts/boltstore"
	"github.com/scannerd/scannerd/licensing/wire"
)

// TestMain lets the test binary run as ltsd itself, for tests that need a
// real process to kill.
func TestMain(m *testing.M) {
	if os.Getenv("LTSD_TEST_AS_LTSD") == "1" {
		main()
		return
	}
	os.Exit(pgtest.Main(m))
}

func run(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	m := NewMain(&out, &errOut)
	if code := m.Run(context.Background(), args); code != 0 {
		t.Fatalf("ltsd %s: exit %d\n%s", strings.Join(args, " "), code, errOut.String())
	}
	return out.String()
}

// setup makes an LTS directory with a trial license and a handshake code
// and returns the config path, the code and the printed device settings.
func setup(t *testing.T, licenseArgs ...string) (cfg, code string, pin map[string]string) {
	dir := t.TempDir()
	out := run(t, "init", dir)
	pin = map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(line, " = "); ok {
			pin[k] = strings.Trim(v, `"[]`)
		}
	}
	cfg = filepath.Join(dir, "ltsd.toml")
	// Listen on a free port.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	data, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, bytes.Replace(data, []byte(`"127.0.0.1:8443"`), []byte(`"`+addr+`"`), 1), 0o600)
	pin["lts_url"] = "https://" + addr
	lic := filepath.Join(dir, "trial.lic")
	run(t, append([]string{"license", "issue", "--vendor-key", filepath.Join(dir, "vendor.key"), "--id", "TRIAL", "--output", lic}, licenseArgs...)...)
	run(t, "license", "import", "--config", cfg, lic)
	code = strings.TrimSpace(run(t, "handshake", "create", "--config", cfg, "--license", "TRIAL"))
	return cfg, code, pin
}

// serve runs "ltsd serve" on cfg until the returned stop is called.
func serve(t *testing.T, cfg string) (stop func()) {
	t.Helper()
	return serveLogging(t, cfg, io.Discard)
}

// serveLogging is serve with the server's log (its stderr) going to logw.
func serveLogging(t *testing.T, cfg string, logw io.Writer) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan int, 1)
	go func() {
		m := NewMain(io.Discard, logw)
		m.Ready = ready
		done <- m.Run(ctx, []string{"serve", "--config", cfg})
	}()
	select {
	case <-ready:
	case code := <-done:
		cancel()
		t.Fatalf("serve: exit %d", code)
	}
	return func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve: exit %d", code)
		}
	}
}

type device struct {
	id   string
	key  *ecdh.PrivateKey
	lts  wire.LTSKey
	url  string
	code string
	http *http.Client
}

// hangBound bounds a test client's request to ltsd, TLS handshake
// included. It only ends a test that hangs, so it is generous: a loaded
// machine can take well over 10 s for a handshake.
const hangBound = 2 * time.Minute

func newDevice(t *testing.T, pin map[string]string, code string) *device {
	k, _ := ecdh.X25519().GenerateKey(rand.Reader)
	ltsKey, err := wire.ParseLTSKey(pin["lts_keys"])
	if err != nil {
		t.Fatal(err)
	}
	// The trial certificate is self-signed: pin its fingerprint, as scannerd does.
	want := pin["lts_cert_sha256"]
	client := &http.Client{Timeout: hangBound, Transport: &http.Transport{TLSClientConfig: &tls.Config{
		InsecureSkipVerify: true,
		VerifyConnection: func(cs tls.ConnectionState) error {
			if got := lts.CertFingerprint(tls.Certificate{Certificate: [][]byte{cs.PeerCertificates[0].Raw}}); got != want {
				return fmt.Errorf("certificate %s, pinned %s", got, want)
			}
			return nil
		},
	}}}
	return &device{id: uuid.NewString(), key: k, lts: ltsKey, url: pin["lts_url"], code: code, http: client}
}

func (d *device) post(path string, msg any, nonce []byte) (*wire.Reply, error) {
	body, err := wire.SealRequest(d.lts, d.id, msg)
	if err != nil {
		return nil, err
	}
	resp, err := d.http.Post(d.url+path, "application/json", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	r, err := wire.OpenReply(d.key, []wire.LTSKey{d.lts}, d.id, nonce, out)
	if err == nil && r.Error != nil {
		err = r.Error
	}
	return r, err
}

func nonce() []byte {
	n := make([]byte, wire.NonceSize)
	rand.Read(n)
	return n
}

func (d *device) authorize() error {
	req := &wire.AuthorizeRequest{Version: wire.Version, Device: d.id, DeviceKey: d.key.PublicKey().Bytes(), Nonce: nonce(),
		Time: time.Now(), HandshakeCode: d.code}
	_, err := d.post(wire.PathAuthorize, req, req.Nonce)
	return err
}

func (d *device) report(id string, sym string, n uint64) error {
	rep := &wire.UsageReport{Version: wire.Version, Device: d.id, DeviceKey: d.key.PublicKey().Bytes(), Nonce: nonce(),
		Time: time.Now(), HandshakeCode: d.code, ReportID: id,
		Counts: []wire.UsageCount{{Slot: time.Now().Truncate(time.Hour), Symbology: sym, Count: n}}, Scans: n}
	_, err := d.post(wire.PathUsage, rep, rep.Nonce)
	return err
}

func TestSetUpServeAndReport(t *testing.T) {
	cfg, code, pin := setup(t, "--type", "scan", "--scans", "1000")
	// The same file again (straight into the store) renews nothing.
	if out := run(t, "license", "import", "--config", cfg, filepath.Join(filepath.Dir(cfg), "trial.lic")); !strings.Contains(out, "license TRIAL is already imported (unchanged") {
		t.Fatalf("the same license again: %s", out)
	}
	stop := serve(t, cfg)
	d := newDevice(t, pin, code)
	if err := d.authorize(); err != nil {
		t.Fatal(err)
	}
	if err := d.report("one", "QR_CODE", 5); err != nil {
		t.Fatal(err)
	}
	if err := d.report("two", "EAN_13", 2); err != nil {
		t.Fatal(err)
	}
	// A device pinning another certificate refuses to talk.
	other := newDevice(t, pin, code)
	bad := pin["lts_cert_sha256"][:20] + strings.Repeat("0", len(pin["lts_cert_sha256"])-20)
	other.http.Transport.(*http.Transport).TLSClientConfig.VerifyConnection = func(cs tls.ConnectionState) error {
		if lts.CertFingerprint(tls.Certificate{Certificate: [][]byte{cs.PeerCertificates[0].Raw}}) != bad {
			return fmt.Errorf("certificate does not match the pin")
		}
		return nil
	}
	if err := other.authorize(); err == nil {
		t.Fatal("authorized through a certificate that does not match the pin")
	}
	// A handshake code the LTS does not have is an error, through the
	// running server's admin API and straight from the store alike, not
	// an empty table.
	unknownCode := func(how string) {
		t.Helper()
		for _, cmd := range [][]string{{"usage"}, {"device", "list"}} {
			exit, out, errOut := runLtsd(append(cmd, "--config", cfg, "--handshake", "NOPE-NOPE-NOPE"))
			if exit != 1 || out != "" || !strings.Contains(errOut, `no handshake code "NOPE-NOPE-NOPE"`) {
				t.Errorf("%s: ltsd %s --handshake NOPE-NOPE-NOPE: exit %d\n%s%s", how, strings.Join(cmd, " "), exit, out, errOut)
			}
		}
	}
	unknownCode("server running")
	stop()
	unknownCode("server stopped")
	var usage struct{ Usage []lts.UsageRow }
	json.Unmarshal([]byte(run(t, "usage", "--config", cfg, "--json")), &usage)
	got := map[string]uint64{}
	for _, r := range usage.Usage {
		got[r.Symbology] += r.Count
	}
	if len(got) != 2 || got["QR_CODE"] != 5 || got["EAN_13"] != 2 {
		t.Fatalf("usage %+v", usage)
	}
	if out := run(t, "device", "list", "--config", cfg); !strings.Contains(out, d.id) {
		t.Fatalf("device list:\n%s", out)
	}
	if out := run(t, "device", "remove", "--config", cfg, d.id); !strings.HasPrefix(out, "removed device "+d.id+":") {
		t.Fatalf("device remove printed %q", out)
	}
	if out := run(t, "device", "list", "--config", cfg); !strings.Contains(out, "removed") {
		t.Fatalf("device list after remove:\n%s", out)
	}
	if out := run(t, "usage", "--config", cfg); !strings.Contains(out, "(all)") || !strings.Contains(out, "7") {
		t.Fatalf("usage table:\n%s", out)
	}
	dir := filepath.Dir(cfg)
	lic := filepath.Join(dir, "extra.lic")
	run(t, "license", "issue", "--vendor-key", filepath.Join(dir, "vendor.key"), "--id", "EXTRA", "--type", "scan", "--scans", "1000", "--output", lic)
	run(t, "license", "import", "--config", cfg, lic)
	if out := run(t, "handshake", "add-license", "--config", cfg, code, "EXTRA"); out != "bound license EXTRA to handshake code "+code+"\n" {
		t.Fatalf("handshake add-license printed %q", out)
	}
}

// TestStoreSurvivesKillDuringIngest kills a real ltsd process with SIGKILL
// while reports pour in, restarts it, and checks that every acknowledged
// report was kept and the totals equal the sum of the reports kept; after
// the device resends what was not acknowledged, totals equal everything sent.
func TestStoreSurvivesKillDuringIngest(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	cfg, code, pin := setup(t, "--type", "scan", "--scans", "100000000")
	d := newDevice(t, pin, code)
	start := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "serve", "--config", cfg)
		cmd.Env = append(os.Environ(), "LTSD_TEST_AS_LTSD=1")
		stderr, _ := cmd.StderrPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "ltsd serving") {
				break
			}
		}
		go io.Copy(io.Discard, stderr)
		return cmd
	}
	const reports = 400
	ctx := context.Background()
	count := func(i int) uint64 { return uint64(i%9 + 1) }
	var want uint64
	for i := 0; i < reports; i++ {
		want += count(i)
	}
	for round := 0; round < 3; round++ {
		cmd := start()
		if err := d.authorize(); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		acked := map[int]bool{}
		var wg sync.WaitGroup
		jobs := make(chan int)
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range jobs {
					if d.report(fmt.Sprintf("r%d-%d", round, i), "QR_CODE", count(i)) == nil {
						mu.Lock()
						acked[i] = true
						mu.Unlock()
					}
				}
			}()
		}
		killed := false
		for i := 0; i < reports; i++ {
			if i == reports/3*(round+1)-reports/6 && !killed {
				cmd.Process.Signal(syscall.SIGKILL)
				killed = true
			}
			jobs <- i
		}
		close(jobs)
		wg.Wait()
		cmd.Wait()
		// Check the store as the killed process left it.
		st, err := boltstore.Open(filepath.Join(filepath.Dir(cfg), "lts.db"))
		if err != nil {
			t.Fatalf("round %d: store after kill: %v", round, err)
		}
		var kept uint64
		for i := 0; i < reports; i++ {
			ok, err := st.HasReport(ctx, d.id, fmt.Sprintf("r%d-%d", round, i))
			if err != nil {
				t.Fatal(err)
			}
			if acked[i] && !ok {
				t.Errorf("round %d: acknowledged report %d lost", round, i)
			}
			if ok {
				kept += count(i)
			}
		}
		rows, _ := st.Usage(ctx, lts.UsageQuery{Granularity: wire.PeriodYear, Handshake: code})
		var total uint64
		for _, r := range rows {
			total += r.Count
		}
		st.Close()
		if total != kept+uint64(round)*want {
			t.Fatalf("round %d: total %d, want %d kept this round plus %d before", round, total, kept, uint64(round)*want)
		}
		// Resend everything: the LTS counts only what it has not seen.
		cmd = start()
		for i := 0; i < reports; i++ {
			if err := d.report(fmt.Sprintf("r%d-%d", round, i), "QR_CODE", count(i)); err != nil {
				t.Fatal(err)
			}
		}
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		st, err = boltstore.Open(filepath.Join(filepath.Dir(cfg), "lts.db"))
		if err != nil {
			t.Fatal(err)
		}
		totals, _ := lts.Totals(ctx, st, code)
		st.Close()
		if totals["QR_CODE"] != uint64(round+1)*want {
			t.Fatalf("round %d: after resend %d, want %d", round, totals["QR_CODE"], uint64(round+1)*want)
		}
		t.Logf("round %d: killed with %d of %d reports acknowledged, %d scans kept", round, len(acked), reports, kept)
	}
}

// TestAdministerWhileServing runs the administrative commands while a server
// holds the store: they go through its admin API.
func TestAdministerWhileServing(t *testing.T) {
	cfg, code, pin := setup(t, "--type", "device", "--max-devices", "1")
	var log syncbuf.Buffer
	defer serveLogging(t, cfg, &log)()
	d := newDevice(t, pin, code)
	if err := d.authorize(); err != nil {
		t.Fatal(err)
	}
	second := newDevice(t, pin, code)
	if err := second.authorize(); !errors.Is(err, &wire.Error{Code: wire.CodeDeviceQuota}) {
		t.Fatalf("second device with one slot: %v", err)
	}
	// Renew with more devices through the running server.
	dir := filepath.Dir(cfg)
	lic := filepath.Join(dir, "more.lic")
	run(t, "license", "issue", "--vendor-key", filepath.Join(dir, "vendor.key"), "--id", "MORE", "--type", "device", "--max-devices", "2", "--output", lic)
	if out := run(t, "license", "import", "--config", cfg, "--handshake", code, lic); !strings.Contains(out, "imported license MORE") {
		t.Fatalf("import: %s", out)
	}
	// Again, through the running server: unchanged, not "renewed".
	if out := run(t, "license", "import", "--config", cfg, "--handshake", code, lic); !strings.Contains(out, "license MORE is already imported (unchanged") {
		t.Fatalf("the same license again: %s", out)
	}
	if err := second.authorize(); err != nil {
		t.Fatalf("after adding a license: %v", err)
	}
	if out := run(t, "device", "revoke", "--config", cfg, d.id); !strings.HasPrefix(out, "revoked device "+d.id+":") {
		t.Fatalf("device revoke printed %q", out)
	}
	// Again: nothing changes, and the command says so.
	if out := run(t, "device", "revoke", "--config", cfg, d.id); out != "device "+d.id+" is already revoked (unchanged)\n" {
		t.Errorf("revoking a revoked device printed %q", out)
	}
	if err := d.authorize(); !errors.Is(err, &wire.Error{Code: wire.CodeRevoked}) {
		t.Fatalf("revoked device: %v", err)
	}
	if out := run(t, "device", "list", "--config", cfg); !strings.Contains(out, "revoked") {
		t.Fatalf("device list:\n%s", out)
	}
	if out := run(t, "device", "reinstate", "--config", cfg, d.id); !strings.HasPrefix(out, "reinstated device "+d.id+":") {
		t.Fatalf("device reinstate printed %q", out)
	}
	// Console accounts are not administered through the admin API: the
	// command says to stop the server rather than only that the store is busy.
	var aout, aerr bytes.Buffer
	if exit := NewMain(&aout, &aerr).Run(context.Background(), []string{"admin", "list", "--config", cfg}); exit != 1 || !strings.Contains(aerr.String(), "stop ltsd serve first") {
		t.Errorf("ltsd admin list while serving: exit %d, %s", exit, aerr.String())
	}
	logged := strings.Count(log.String(), "device state changed")
	if out := run(t, "device", "reinstate", "--config", cfg, d.id); out != "device "+d.id+" is not revoked (unchanged)\n" {
		t.Errorf("reinstating a device that is not revoked printed %q", out)
	}
	if n := strings.Count(log.String(), "device state changed"); n != logged {
		t.Errorf("the server logged a state change for a reinstate that changed nothing:\n%s", log.String())
	}
	if out := run(t, "handshake", "add-license", "--config", cfg, code, "MORE"); out != "license MORE already bound to handshake code "+code+" (unchanged)\n" {
		t.Errorf("binding a bound license printed %q", out)
	}
	run(t, "device", "remove", "--config", cfg, second.id)
	if out := run(t, "device", "remove", "--config", cfg, second.id); out != "device "+second.id+" is already removed (unchanged)\n" {
		t.Errorf("removing a removed device printed %q", out)
	}
	var out, errOut bytes.Buffer
	exit := NewMain(&out, &errOut).Run(context.Background(), []string{"handshake", "create", "--config", cfg, "--license", "TRIAL", "--code", "SECOND"})
	if exit != 1 || !strings.Contains(errOut.String(), "bound to another handshake code") {
		t.Fatalf("second code over a bound license: exit %d, %s%s", exit, out.String(), errOut.String())
	}
	if out := run(t, "handshake", "list", "--config", cfg); !strings.Contains(out, "TRIAL,MORE") {
		t.Fatalf("handshake list:\n%s", out)
	}
}
