package licensing

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/wire"
	"github.com/scannerd/scannerd/scanner"
)

// TestStatusDoesNotWaitForTheMarkWrite: the status a kiosk or scanctl
// asks for is answered while the rollback mark is being written, however
// long its disk takes. Here the mark's new file is a FIFO nobody reads, so
// the write hangs in open for as long as the test wants.
func TestStatusDoesNotWaitForTheMarkWrite(t *testing.T) {
	e := newEnv(t, wire.License{}, lts.Handshake{})
	cfg := e.config()
	cfg.MarkFile = filepath.Join(t.TempDir(), "mark", "licensing.mark")
	c, err := New(cfg, Options{Now: e.lts.Clock.Now, HTTPClient: e.client})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	mustSync(t, c)
	fifo := cfg.MarkFile + ".new"
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	// Let a hung write go before Close, which waits for it.
	defer func() {
		if f, err := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
		os.Remove(fifo)
	}()
	// A metered scan puts the mark behind the store: the tick loop, once
	// a second, writes it, and hangs opening the FIFO.
	count(t, c, scanner.QRCode, 1)
	deadline := time.Now().Add(30 * time.Second)
	for c.mark.mu.TryLock() {
		c.mark.mu.Unlock()
		if time.Now().After(deadline) {
			t.Fatal("the tick loop never wrote the mark")
		}
		runtime.Gosched()
	}
	got := make(chan Status, 1)
	go func() { got <- c.Status() }()
	select {
	case st := <-got:
		if st.State != StateAuthorized || st.PendingScans != 1 {
			t.Errorf("status %+v", st)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("Status waited for the rollback mark's write")
	}
}
