//go:build !nocv && linux

package capture_test

import (
	"bytes"
	"image"
	"image/jpeg"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/scannerd/scannerd/capture"
	"github.com/scannerd/scannerd/scanner"
)

// TestMallocArenasCapped: however many threads run capture's C code, glibc's
// malloc keeps at most capture.MallocArenaCap arenas (each keeps what its
// threads once held). Eight goroutines, each on a thread of its own, decode
// Motion-JPEG frames with libjpeg at once.
func TestMallocArenasCapped(t *testing.T) {
	if os.Getenv("MALLOC_ARENA_MAX") != "" || strings.Contains(os.Getenv("GLIBC_TUNABLES"), "arena_max") {
		t.Skip("the environment sets glibc's arena cap")
	}
	if capture.MallocArenas() < 0 {
		t.Skip("not glibc's malloc")
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 64, 48)), nil); err != nil {
		t.Fatal(err)
	}
	const threads = 8
	pool := scanner.NewPlanePool(0)
	var decoded, done sync.WaitGroup
	decoded.Add(threads)
	done.Add(threads)
	release := make(chan struct{})
	for range threads {
		go func() {
			defer done.Done()
			// Locked until all have decoded: eight threads, not one
			// thread eight times.
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			f, _, err := capture.DecodeImageWiped(b.Bytes(), scanner.DefaultLimits, pool)
			if err != nil {
				t.Error(err)
			} else {
				f.Purge()
			}
			decoded.Done()
			<-release
		}()
	}
	decoded.Wait()
	n := capture.MallocArenas()
	close(release)
	done.Wait()
	if n > capture.MallocArenaCap {
		t.Errorf("malloc has %d arenas, want at most %d", n, capture.MallocArenaCap)
	}
}
