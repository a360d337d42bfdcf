package licensing

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scannerd/scannerd/internal/sweep"
	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/wire"
	"github.com/scannerd/scannerd/scanner"
)

// damagedStoreRounds is how many damaged stores the child opens (under
// -race a sample of them: see internal/sweep).
const damagedStoreRounds = 1500

// damageStores is run in a child process: it damages the store in dir at
// random places, opens it and uses it, rounds times over. Any damage that
// makes bbolt read outside the file would kill the process (bbolt maps the
// file); each store must instead either open and work, or be moved aside
// with its recovery recorded.
func damageStores(dir string, rounds int) error {
	valid, _ := os.ReadFile(filepath.Join(dir, "valid.db"))
	rng := rand.New(rand.NewPCG(1, 1))
	opened, moved := 0, 0
	for i := 0; i < rounds; i++ {
		data := append([]byte{}, valid...)
		for k := 0; k < 1+rng.IntN(4); k++ {
			data[2*4096+rng.IntN(len(data)-2*4096)] ^= byte(rng.IntN(255) + 1)
		}
		os.WriteFile(filepath.Join(dir, StoreFile), data, 0o600)
		c, _ := New(Config{StateDir: dir, MachineIDFile: "/nonexistent", MarkFile: filepath.Join(dir, "mark")}, Options{})
		if err := c.open(context.Background()); err != nil {
			return fmt.Errorf("round %d: open did not recover: %v", i, err)
		}
		aside, _ := filepath.Glob(filepath.Join(dir, StoreFile+".corrupt-*"))
		st := c.Status()
		switch {
		case len(aside) > 0 && !strings.Contains(st.StoreRecovered, aside[0]):
			return fmt.Errorf("round %d: moved aside to %s, status says %q", i, aside[0], st.StoreRecovered)
		case len(aside) > 0:
			moved++
		default:
			opened++
		}
		if _, err := c.Record([]scanner.Symbology{scanner.EAN13}); err != nil {
			return fmt.Errorf("round %d: %v", i, err)
		}
		c.Totals()
		if _, err := c.cutReports(); err != nil {
			return fmt.Errorf("round %d: %v", i, err)
		}
		if err := c.Close(); err != nil {
			return fmt.Errorf("round %d: close: %v", i, err)
		}
		for _, m := range aside {
			os.Remove(m)
		}
		os.Remove(filepath.Join(dir, "mark"))
	}
	fmt.Printf("%d opened, %d moved aside\n", opened, moved)
	return nil
}

// fastTempDir is a temporary directory in memory where there is one: the
// damage rounds, and the tests' state directories, write and sync a store
// many times over (a process killed or a client dropped leaves the same
// files there as on a disk).
func fastTempDir(t testing.TB) string {
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		if dir, err := os.MkdirTemp("/dev/shm", "licensing-test-"); err == nil {
			t.Cleanup(func() { os.RemoveAll(dir) })
			return dir
		}
	}
	return t.TempDir()
}

// TestDamagedStoreSweepNeverKillsTheProcess damages a store at random
// places many times over in a real process, opening and using each: bbolt
// faults on some such stores (it maps the file and trusts its page
// numbers). No store may kill the process; each opens and works or is
// moved aside with its recovery recorded.
func TestDamagedStoreSweepNeverKillsTheProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := fastTempDir(t)
	os.WriteFile(filepath.Join(dir, "valid.db"), validStore(t), 0o600)
	rounds := sweep.Count(t, damagedStoreRounds)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "LICENSING_TEST_DAMAGE="+dir, fmt.Sprintf("LICENSING_TEST_DAMAGE_ROUNDS=%d", rounds))
	out, err := cmd.CombinedOutput()
	if err != nil {
		// The first report (a race report names both goroutines at its
		// start) and the last lines (the error or panic that ended it).
		t.Fatalf("the process opening damaged stores died: %v\n%s\n…\n%s", err, head(string(out), 6000), tail(string(out), 3000))
	}
	var opened, moved int
	if _, err := fmt.Sscanf(string(out), "%d opened, %d moved aside", &opened, &moved); err != nil || moved == 0 || opened == 0 {
		t.Fatalf("want some stores opened and some moved aside: %q", out)
	}
	if opened+moved != rounds {
		t.Fatalf("%d damaged stores opened or moved aside, want %d", opened+moved, rounds)
	}
	t.Logf("%d damaged stores: %d opened, %d moved aside", rounds, opened, moved)
}

func head(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// TestMovedAsideStoreKeepsUnreportedUsage damages the freelist of a store
// holding unreported usage and an authorization: the store fails to verify
// and is moved aside, and the new store keeps the identity, the
// authorization, the clock and every unreported scan, and says so in every
// later run.
func TestMovedAsideStoreKeepsUnreportedUsage(t *testing.T) {
	e := newEnv(t, wire.License{ID: "S", Type: wire.LicensePerScan, ScansPerPeriod: 1 << 40, Period: wire.PeriodMonth}, lts.Handshake{})
	c := e.open(t, e.config())
	mustSync(t, c)
	count(t, c, scanner.QRCode, 25)
	if _, err := c.cutReports(); err != nil { // 25 in a pending report
		t.Fatal(err)
	}
	count(t, c, scanner.EAN13, 15) // 15 in the counters
	device, until := c.Device(), c.gate.Load().until
	c.Close()

	path := filepath.Join(e.dir, StoreFile)
	sf, err := readStoreFile(path)
	if err != nil || sf.freelist == ^uint64(0) {
		t.Fatalf("store file: %v, freelist %d", err, sf.freelist)
	}
	data, _ := os.ReadFile(path)
	binary.NativeEndian.PutUint16(data[sf.freelist*sf.pageSize+8:], 0x00f3) // not a freelist page any more
	os.WriteFile(path, data, 0o600)

	for run := 0; run < 2; run++ {
		c = e.open(t, e.config())
		st := c.Status()
		if !strings.Contains(st.StoreRecovered, "moved to "+path+".corrupt-") || !strings.Contains(st.StoreRecovered, "carried over 40 unreported scans (1 pending reports)") {
			t.Fatalf("run %d: recovery not reported: %q", run, st.StoreRecovered)
		}
		if run == 0 && (st.PendingScans != 40 || st.PendingReports != 1) {
			t.Fatalf("unreported usage not kept: %+v", st)
		}
		if c.Device() != device || !c.gate.Load().until.Equal(until) || st.State != StateAuthorized {
			t.Fatalf("run %d: identity or authorization lost: %s %v %s", run, c.Device(), c.gate.Load().until, st.State)
		}
		mustSync(t, c)
		c.Close()
	}
	if got := ltsTotals(t, e); got["QR_CODE"] != 25 || got["EAN_13"] != 15 {
		t.Fatalf("LTS totals %v", got)
	}
	if aside, _ := filepath.Glob(path + ".corrupt-*"); len(aside) != 1 {
		t.Fatalf("moved aside: %v", aside)
	}
}

// A run killed while opening the store leaves it as it was: a marker file
// that earlier versions left in that case is no reason to move the store
// aside.
func TestInterruptedOpenIsNoDamage(t *testing.T) {
	e := newEnv(t, wire.License{}, lts.Handshake{})
	c := e.open(t, e.config())
	mustSync(t, c)
	count(t, c, scanner.Aztec, 7)
	c.Close()
	marker := filepath.Join(e.dir, StoreFile+".opening")
	os.WriteFile(marker, []byte("999999\n"), 0o600)
	c = e.open(t, e.config())
	if st := c.Status(); st.StoreRecovered != "" || st.PendingScans != 7 || st.State != StateAuthorized {
		t.Fatalf("healthy store after an interrupted open: %+v", st)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("marker left behind")
	}
}

// startDevice opens a client on the state directory in the config file
// named by spec and waits to be killed: the start-up of a real process.
func startDevice(spec string) error {
	f := strings.Split(spec, "|")
	c, err := New(Config{StateDir: f[0], MarkFile: f[1], MachineIDFile: f[2], LTSURL: "https://127.0.0.1:1",
		LTSKeys: []string{f[3]}, HandshakeCode: "NONE", RequestTimeout: Duration(time.Second)}, Options{})
	if err != nil {
		return err
	}
	if err := c.Open(context.Background()); err != nil {
		return err
	}
	os.Stdout.WriteString("running\n")
	select {}
}

// TestKillDuringStartUpKeepsTheStore starts real device processes on a
// store with unreported usage and an authorization, and kills each within
// 30 ms of its start, mostly while it opens the store: the store is never
// moved aside, and the usage and the authorization are still there.
func TestKillDuringStartUpKeepsTheStore(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	e := newEnv(t, wire.License{}, lts.Handshake{})
	e.lts.Clock.Set(time.Now()) // the device processes run on the real clock
	cfg := e.config()
	cfg.MarkFile = filepath.Join(t.TempDir(), "mark")
	c := e.open(t, cfg)
	mustSync(t, c)
	count(t, c, scanner.Code128, 40)
	until := c.gate.Load().until
	c.Close()
	spec := strings.Join([]string{cfg.StateDir, cfg.MarkFile, cfg.MachineIDFile, e.lts.Key.String()}, "|")
	rng := rand.New(rand.NewPCG(7, 7))
	const cycles = 40
	for i := 0; i < cycles; i++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "LICENSING_TEST_START="+spec)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.IntN(30_000)) * time.Microsecond) // the kill moment, not a wait for anything
		cmd.Process.Kill()
		cmd.Wait()
	}
	if aside, _ := filepath.Glob(filepath.Join(cfg.StateDir, StoreFile+".*")); len(aside) != 0 {
		t.Fatalf("after %d kills during start-up: %v", cycles, aside)
	}
	e.lts.Clock.Set(time.Now())
	c = e.open(t, cfg)
	st := c.Status()
	if st.PendingScans != 40 || st.StoreRecovered != "" || !c.gate.Load().until.Equal(until) || st.State != StateAuthorized {
		t.Fatalf("after %d kills during start-up: %+v", cycles, st)
	}
}
