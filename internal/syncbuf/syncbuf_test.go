package syncbuf

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TestConcurrentWritesAndReads: under -race, writers and a reader share the
// buffer; every line written is there once, whole.
func TestConcurrentWritesAndReads(t *testing.T) {
	var b Buffer
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				fmt.Fprintf(&b, "w%d-%d\n", w, i)
				_ = b.String()
			}
		}()
	}
	wg.Wait()
	got := b.String()
	if string(b.Bytes()) != got {
		t.Fatal("Bytes and String differ")
	}
	for w := range 4 {
		for i := range 100 {
			if n := strings.Count(got, fmt.Sprintf("w%d-%d\n", w, i)); n != 1 {
				t.Fatalf("line w%d-%d appears %d times", w, i, n)
			}
		}
	}
}
