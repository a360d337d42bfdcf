package licensing

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/lts/ltstest"
	"github.com/scannerd/scannerd/licensing/wire"
	"github.com/scannerd/scannerd/scanner"
)

// TestMain lets the test binary run as a scanning device for the kill test.
func TestMain(m *testing.M) {
	if dir := os.Getenv("LICENSING_TEST_DAMAGE"); dir != "" {
		rounds, _ := strconv.Atoi(os.Getenv("LICENSING_TEST_DAMAGE_ROUNDS"))
		if err := damageStores(dir, rounds); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if spec := os.Getenv("LICENSING_TEST_START"); spec != "" {
		if err := startDevice(spec); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	if spec := os.Getenv("LICENSING_TEST_JOURNAL_DEVICE"); spec != "" {
		if err := runJournalDevice(spec, os.Getenv("LICENSING_TEST_CRASH_AT")); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if cfg := os.Getenv("LICENSING_TEST_DEVICE"); cfg != "" {
		if err := runDevice(cfg); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	goleak.VerifyTestMain(m)
}

// runDevice meters scans and syncs as fast as it can until it is killed.
func runDevice(spec string) error {
	c, err := New(deviceConfig(spec), Options{})
	if err != nil {
		return err
	}
	ctx := context.Background()
	if err := c.Open(ctx); err != nil {
		return err
	}
	go func() {
		syms := []scanner.Symbology{scanner.QRCode, scanner.Aztec, scanner.UPCA}
		for i := 0; ; i++ {
			c.Record(syms[i%len(syms) : i%len(syms)+1])
			if i%50 == 0 {
				time.Sleep(time.Millisecond)
			}
		}
	}()
	os.Stdout.WriteString("running\n")
	for {
		c.Sync(ctx)
	}
}

// deviceProcessEnv starts an LTS with an unlimited per-scan license under
// one handshake code and returns it and the spec a device process
// (runDevice, runJournalDevice) is started with: a state directory in a
// temporary directory, the LTS, the code and machineID. deviceConfig turns
// the spec back into the device's configuration.
func deviceProcessEnv(t *testing.T, machineID string) (*ltstest.LTS, string) {
	t.Helper()
	l := ltstest.Start(t, ltstest.Options{Clock: ltstest.NewClock(time.Now())})
	l.IssueLicense(t, wire.License{ID: "S", Type: wire.LicensePerScan, ScansPerPeriod: 1 << 50, Period: wire.PeriodMonth})
	code := l.Handshake(t, lts.Handshake{Licenses: []string{"S"}})
	dir := t.TempDir()
	mid := dir + "/machine-id"
	if err := os.WriteFile(mid, []byte(machineID+"\n"), 0o444); err != nil {
		t.Fatal(err)
	}
	return l, strings.Join([]string{dir + "/state", l.URL, l.Key.String(), code, l.CertSHA256, mid}, "|")
}

// deviceConfig is the configuration a device process runs with, from the
// spec deviceProcessEnv made.
func deviceConfig(spec string) Config {
	f := strings.Split(spec, "|")
	return Config{StateDir: f[0], LTSURL: f[1], LTSKeys: []string{f[2]}, HandshakeCode: f[3], LTSCertSHA256: f[4],
		MachineIDFile: f[5], ReportInterval: Duration(time.Minute)}
}

// TestKilledDeviceProcessNeverDoubleCounts kills a real device process
// (SIGKILL) at random moments while it meters and syncs, many times over the
// same state directory; LTS totals then equal device totals exactly.
func TestKilledDeviceProcessNeverDoubleCounts(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	l, spec := deviceProcessEnv(t, "fedcba9876543210fedcba9876543210")
	cfg := deviceConfig(spec)
	rng := rand.New(rand.NewPCG(3, 4))
	const rounds = 20
	for round := 0; round < rounds; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "LICENSING_TEST_DEVICE="+spec)
		out, _ := cmd.StdoutPipe()
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 8)
		if _, err := out.Read(buf); err != nil {
			cmd.Wait()
			t.Fatalf("round %d: device did not start: %v\n%s", round, err, stderr.String())
		}
		time.Sleep(time.Duration(20+rng.IntN(400)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
	}
	c, err := New(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	dev, _ := c.Totals()
	got, _ := l.Totals(cfg.HandshakeCode)
	if !equalCounts(got, dev) || dev["QR_CODE"] == 0 {
		t.Fatalf("after %d kills: LTS %v, device %v", rounds, got, dev)
	}
	n, _ := l.ReportCount()
	t.Logf("%d kills, %d reports, totals %v", rounds, n, got)
}
