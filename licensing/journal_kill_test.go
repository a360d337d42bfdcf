package licensing

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/scannerd/scannerd/scanner"
)

// runJournalDevice meters scans one at a time and syncs, as runDevice does,
// and prints the symbology of every scan Record acknowledged: what the
// device delivered. With crashAt ("append:N", "fold:N" or "replay:N") it
// kills itself (SIGKILL) the Nth time it reaches that point.
func runJournalDevice(spec, crashAt string) error {
	c, err := New(deviceConfig(spec), Options{})
	if err != nil {
		return err
	}
	if point, n, ok := strings.Cut(crashAt, ":"); ok {
		at, _ := strconv.Atoi(n)
		var seen atomic.Int64
		c.crashPoint = func(p string) {
			if p == point && seen.Add(1) == int64(at) {
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
				select {} // the signal is on its way
			}
		}
	}
	ctx := context.Background()
	if err := c.Open(ctx); err != nil {
		return err
	}
	out := bufio.NewWriterSize(os.Stdout, 64)
	out.WriteString("running\n")
	out.Flush()
	go func() {
		for {
			c.Sync(ctx)
		}
	}()
	syms := []scanner.Symbology{scanner.QRCode, scanner.Aztec, scanner.UPCA}
	for i := 0; ; i++ {
		s := syms[i%len(syms)]
		if n, _ := c.Record([]scanner.Symbology{s}); n == 1 {
			// Delivered: the parent counts it once it reads the line.
			os.Stdout.WriteString(s.String() + "\n")
		}
		if i%20 == 0 {
			time.Sleep(time.Millisecond)
		}
	}
}

// TestKilledDuringJournalWorkNeitherLosesNorDoubles kills a real device
// process (SIGKILL) right after a journal record is written and before its
// scan is delivered, right after a fold committed the store and before the
// journal restarted, and right after the replay at open did the same; and
// at random moments. Every scan the device delivered is counted, none
// twice: the device's totals are at least what it delivered and exceed it
// by at most one scan per kill (written, not delivered), and the LTS's
// equal the device's.
func TestKilledDuringJournalWorkNeitherLosesNorDoubles(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	l, spec := deviceProcessEnv(t, "0123456789abcdef0123456789abcdef")
	cfg := deviceConfig(spec)
	rng := rand.New(rand.NewPCG(7, 9))
	delivered := map[string]uint64{}
	kills := map[string]int{}
	// Each point after the one that leaves work for it: an append kill
	// leaves records to replay, a replay kill records to skip.
	points := []string{"append", "replay", "fold", "random"}
	const rounds = 16
	for round := 0; round < rounds; round++ {
		point := points[round%len(points)]
		crashAt := ""
		switch point {
		case "append":
			crashAt = fmt.Sprintf("append:%d", 1+rng.IntN(300))
		case "replay", "fold":
			crashAt = point + ":1"
		}
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "LICENSING_TEST_JOURNAL_DEVICE="+spec, "LICENSING_TEST_CRASH_AT="+crashAt)
		out, _ := cmd.StdoutPipe()
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := bufio.NewScanner(out)
		started := false
		done := make(chan struct{})
		for lines.Scan() {
			if lines.Text() != "running" {
				delivered[lines.Text()]++
				continue
			}
			started = true
			if point == "random" || point == "replay" {
				// A replay kill comes at open or not at all (nothing to
				// replay): then the round ends as a random kill.
				delay := time.Duration(20+rng.IntN(300)) * time.Millisecond
				go func() {
					select {
					case <-time.After(delay):
						cmd.Process.Signal(syscall.SIGKILL)
					case <-done:
					}
				}()
			}
		}
		close(done)
		err := cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Fatalf("round %d (%s): device ended without being killed: %v\n%s", round, point, err, stderr.String())
		}
		if point != "replay" && !started {
			t.Fatalf("round %d (%s): killed before it started\n%s", round, point, stderr.String())
		}
		if point == "replay" && started {
			point = "random (nothing to replay)"
		}
		kills[point]++
	}
	if kills["replay"] == 0 {
		t.Errorf("no kill during a replay: %v", kills)
	}
	c, err := New(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if st := c.Status(); st.StoreRecovered != "" {
		t.Fatalf("a store or journal was recovered: %s", st.StoreRecovered)
	}
	mustSync(t, c)
	dev, _ := c.Totals()
	var extra uint64
	for name, n := range delivered {
		if dev[name] < n {
			t.Errorf("%s: %d delivered, %d counted: lost", name, n, dev[name])
		}
		extra += dev[name] - n
	}
	if extra > rounds || len(dev) != len(delivered) {
		t.Errorf("counted %v, delivered %v: more counted than one scan per kill", dev, delivered)
	}
	if got, _ := l.Totals(cfg.HandshakeCode); !equalCounts(got, dev) {
		t.Errorf("LTS %v, device %v", got, dev)
	}
	t.Logf("kills %v; delivered %v; counted %v", kills, delivered, dev)
}
