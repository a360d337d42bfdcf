package audit

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/scannerd/scannerd/api/apitype"
	"github.com/scannerd/scannerd/api/client"
	"github.com/scannerd/scannerd/api/openapitest"
	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/internal/syncbuf"
	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/scanner"
)

var (
	binOnce sync.Once
	binDir  string
	binErr  error
)

func TestMain(m *testing.M) {
	os.Setenv("OPENCV_LOG_LEVEL", "ERROR")
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// binaries builds scannerd and ltsd from this tree once per test run,
// position-independent and trimmed as the packages build them (and as make
// test builds everything but the race tests, so the compile is shared),
// without the DWARF no one here reads (the packages strip it too), and
// returns their directory.
func binaries(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binaries")
	}
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "audit-bin-")
		if binErr != nil {
			return
		}
		cmd := exec.Command("go", "build", "-trimpath", "-buildmode=pie", "-ldflags=-w", "-tags", "gocv_specific_modules,gocv_videoio", "-o", binDir+"/", "./cmd/scannerd", "./cmd/ltsd")
		cmd.Dir = "../.."
		if out, err := cmd.CombinedOutput(); err != nil {
			binErr = fmt.Errorf("build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binDir
}

// ltsd is a real License Tracking Server process and its directory.
type ltsd struct {
	bin, dir, cfg string
	url, key, pin string
	code          string
	cmd           *exec.Cmd
	log           syncbuf.Buffer
}

// newLTSD sets up an LTS directory with a license (issued with the given
// flags) under a new handshake code, as the quick start in
// docs/licensing.md does, on a free loopback port. It is not started.
func newLTSD(t *testing.T, licenseArgs ...string) *ltsd {
	bin := binaries(t)
	l := &ltsd{bin: filepath.Join(bin, "ltsd"), dir: t.TempDir()}
	out := l.run(t, "init", l.dir)
	for _, line := range strings.Split(out, "\n") {
		k, v, ok := strings.Cut(line, " = ")
		v = strings.Trim(v, `"[]`)
		switch {
		case !ok:
		case k == "lts_keys":
			l.key = v
		case k == "lts_cert_sha256":
			l.pin = v
		}
	}
	l.cfg = filepath.Join(l.dir, "ltsd.toml")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	data, _ := os.ReadFile(l.cfg)
	os.WriteFile(l.cfg, bytes.Replace(data, []byte(`"127.0.0.1:8443"`), []byte(`"`+addr+`"`), 1), 0o600)
	l.url = "https://" + addr
	lic := filepath.Join(l.dir, "audit.lic")
	l.run(t, append([]string{"license", "issue", "-vendor-key", filepath.Join(l.dir, "vendor.key"), "-id", "AUDIT", "-o", lic}, licenseArgs...)...)
	l.run(t, "license", "import", "-config", l.cfg, lic)
	l.code = strings.TrimSpace(l.run(t, "handshake", "create", "-config", l.cfg, "-license", "AUDIT"))
	t.Cleanup(l.kill)
	return l
}

func (l *ltsd) run(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(l.bin, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("ltsd %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	l.log.Write(errOut.Bytes())
	return out.String()
}

// start runs ltsd serve and returns once it listens.
func (l *ltsd) start(t *testing.T) {
	t.Helper()
	l.cmd = exec.Command(l.bin, "serve", "-config", l.cfg)
	stderr, _ := l.cmd.StderrPipe()
	if err := l.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		l.log.Write(append(sc.Bytes(), '\n'))
		if strings.Contains(sc.Text(), "ltsd serving") {
			go io.Copy(&l.log, stderr)
			return
		}
	}
	l.cmd.Wait()
	t.Fatalf("ltsd did not start:\n%s", l.log.Bytes())
}

// kill ends ltsd with SIGKILL, if it runs.
func (l *ltsd) kill() {
	if l.cmd != nil && l.cmd.ProcessState == nil {
		l.cmd.Process.Kill()
		l.cmd.Wait()
	}
}

// usage returns the LTS totals per symbology of the handshake code.
func (l *ltsd) usage(t *testing.T) map[string]uint64 {
	t.Helper()
	var u struct{ Usage []lts.UsageRow }
	if err := json.Unmarshal([]byte(l.run(t, "usage", "-config", l.cfg, "-by", "year", "-json")), &u); err != nil {
		t.Fatal(err)
	}
	got := map[string]uint64{}
	for _, r := range u.Usage {
		got[r.Symbology] += r.Count
	}
	return got
}

// device is the state, drop directory and config of one scannerd.
type device struct {
	dir, config, socket, drop string
}

// newDevice writes a scannerd config licensed by l with a dir: source and
// the local socket in a temporary directory; extra is appended to the
// source's table. The source reads four symbologies unless extra names
// its own.
func newDevice(t *testing.T, l *ltsd, machineID, extra string) *device {
	if !strings.Contains(extra, "symbologies =") {
		extra = "symbologies = \"QR_CODE,CODE_128,EAN_13,DATA_MATRIX\"\n" + extra
	}
	dir := t.TempDir()
	d := &device{dir: dir, config: filepath.Join(dir, "scannerd.toml"), socket: filepath.Join(dir, "scannerd.sock"), drop: filepath.Join(dir, "drop")}
	os.MkdirAll(d.drop, 0o700)
	mid := filepath.Join(dir, "machine-id")
	os.WriteFile(mid, []byte(machineID+"\n"), 0o444)
	admin := "none"
	if g, err := user.LookupGroupId(strconv.Itoa(os.Getgid())); err == nil {
		admin = g.Name
	}
	cfg := fmt.Sprintf(`[api]
socket = %q
socket_group = "none"
admin_group = %q

[log]
level = "debug"

[license]
state_dir = %q
mark_file = %q
machine_id_file = %q
lts_url = %q
lts_keys = [%q]
lts_cert_sha256 = %q
handshake_code = %q
report_interval = "10s"
retry_max = "10s"

[[source]]
name = "drop"
url = "dir:%s"
%s`, d.socket, admin, filepath.Join(dir, "state"), filepath.Join(dir, "mark", "licensing.mark"), mid,
		l.url, l.key, l.pin, l.code, d.drop, extra)
	if err := os.WriteFile(d.config, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return d
}

// scannerd is a running scannerd process.
type scannerd struct {
	cmd     *exec.Cmd
	log     *syncbuf.Buffer
	api     *client.Client
	endOnce sync.Once
}

// start runs scannerd on the device's config, its log going to log.
func (d *device) start(t *testing.T, log *syncbuf.Buffer) *scannerd {
	t.Helper()
	cmd := exec.Command(filepath.Join(binaries(t), "scannerd"), "-config", d.config)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &scannerd{cmd: cmd, log: log, api: openapitest.NewClient(t, d.socket)}
	t.Cleanup(func() { s.kill() })
	return s
}

// ready waits until the daemon answers on its socket.
func (s *scannerd) ready(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := s.api.Health(ctx)
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("scannerd not ready: %v\n%s", err, tailBytes(s.log.Bytes(), 4000))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// kill ends scannerd with SIGKILL (once, from any goroutine).
func (s *scannerd) kill() { s.end(syscall.SIGKILL) }

// end signals scannerd and waits for it, once.
func (s *scannerd) end(sig syscall.Signal) (err error) {
	s.endOnce.Do(func() {
		s.cmd.Process.Signal(sig)
		err = s.cmd.Wait()
		s.api.Close()
	})
	return err
}

// stop ends scannerd with SIGTERM and waits for it.
func (s *scannerd) stop(t *testing.T) {
	t.Helper()
	if err := s.end(syscall.SIGTERM); err != nil {
		t.Fatalf("scannerd stop: %v\n%s", err, tailBytes(s.log.Bytes(), 4000))
	}
}

func (s *scannerd) license(t *testing.T) apitype.License {
	t.Helper()
	st, err := s.api.License(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// syncAll syncs until no usage is pending.
func (s *scannerd) syncAll(t *testing.T) apitype.License {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		s.api.Sync(context.Background())
		st := s.license(t)
		if st.PendingScans == 0 && st.LastSyncError == "" {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("usage still pending: %+v", st)
		}
	}
}

// label is a barcode the tests drop into a device's directory.
type label struct {
	sym  scanner.Symbology
	text string
}

var labelSymbologies = []scanner.Symbology{scanner.QRCode, scanner.Code128, scanner.EAN13, scanner.DataMatrix}

// labelText makes the n-th text of a symbology, unique within a run.
func labelText(sym scanner.Symbology, run, n int) string {
	switch sym {
	case scanner.EAN13:
		return ean13(fmt.Sprintf("%03d%09d", 400+run%500, n))
	case scanner.Code128:
		return fmt.Sprintf("PARCEL-%d-%06d-SECRET", run, n)
	case scanner.DataMatrix:
		return fmt.Sprintf("LOT:A%d-%06d SERIAL:%d", run, n, 9981200+n)
	}
	return fmt.Sprintf("https://intranet.example.com/patient/%d-%06d?token=Zx81", run, n)
}

// ean13 appends the check digit to 12 digits.
func ean13(digits string) string {
	sum := 0
	for i, c := range digits {
		d := int(c - '0')
		if i%2 == 1 {
			d *= 3
		}
		sum += d
	}
	return digits + strconv.Itoa((10-sum%10)%10)
}

// labelPNG draws l alone on a gray image and encodes it as PNG.
func labelPNG(t testing.TB, l label) []byte {
	s, err := symbols.Encode(l.sym, l.text)
	if err != nil {
		t.Fatal(err)
	}
	const w, h = 800, 360
	cv := symbols.NewCanvas(w, h, 225)
	module := 3.0
	if l.sym == scanner.Code128 || l.sym == scanner.EAN13 {
		module = 2
	}
	cv.Draw(s, symbols.Placement{CX: w / 2, CY: h / 2, Module: module, Dark: 25, Light: 235})
	var buf bytes.Buffer
	png.Encode(&buf, &image.Gray{Pix: cv.Pix, Stride: w, Rect: image.Rect(0, 0, w, h)})
	return buf.Bytes()
}

// drop writes an image into dir the way the dir: source asks writers to:
// under a temporary name, then renamed into place.
func drop(t testing.TB, dir, name string, data []byte) {
	tmp := filepath.Join(dir, "."+name+".part")
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		t.Fatal(err)
	}
}

func tailBytes(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}
