package scanner_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strconv"
	"testing"

	"github.com/scannerd/scannerd/scanner"
)

// threadNice reads the nice value of the calling thread.
func threadNice(t *testing.T) int {
	b, err := os.ReadFile("/proc/thread-self/stat")
	if err != nil {
		t.Skipf("no /proc/thread-self: %v", err)
	}
	// Field 19 is nice; the fields after the command name, which may hold
	// spaces, start at field 3.
	f := bytes.Fields(b[bytes.LastIndexByte(b, ')')+2:])
	n, err := strconv.Atoi(string(f[16]))
	if err != nil {
		t.Fatalf("stat %q: %v", b, err)
	}
	return n
}

// TestBackgroundDecodesRunAtLowerPriority: uploads and files decode on a
// thread the kernel serves after the daemon's others, so that live frames
// and the API win the CPU while a costly upload runs, and no other
// goroutine ever runs on that thread.
func TestBackgroundDecodesRunAtLowerPriority(t *testing.T) {
	e := scanner.NewEngine(scanner.EngineConfig{Workers: 1})
	e.Start()
	defer e.Close()
	base := threadNice(t)
	errSeen := errors.New("seen")
	var nice int
	_, err := e.DecodeFrom(context.Background(), func() (*scanner.Frame, error) {
		nice = threadNice(t)
		return nil, errSeen
	}, scanner.Options{})
	if !errors.Is(err, errSeen) && err == nil {
		t.Fatalf("DecodeFrom: %v", err)
	}
	if want := max(base, scanner.BackgroundNice); nice != want {
		t.Errorf("a background decode ran at nice %d, want %d (the test's own thread: %d)", nice, want, base)
	}
}
