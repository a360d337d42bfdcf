package aztec_test

import (
	"fmt"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/scannerd/scannerd/internal/readertest"
	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/scanner/aztec"
)

// TestReadersInParallel runs one Reader per goroutine, as the decode
// engine's workers do; -race checks that readers share no state.
func TestReadersInParallel(t *testing.T) {
	readertest.ReadInParallel(t, func() gozxing.Reader { return aztec.NewReader() }, func(w int) (*symbols.Symbol, string) {
		text := fmt.Sprintf("worker %d", w)
		return encode(t, text, 0, 0), text
	})
}
