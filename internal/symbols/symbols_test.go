package symbols

import (
	"errors"
	"testing"

	"github.com/scannerd/scannerd/scanner"
)

// TestNoTestEncoders: the daemon links no encoder for what the demo never
// shows (symboltest has them, for tests).
func TestNoTestEncoders(t *testing.T) {
	for _, sym := range []scanner.Symbology{scanner.MaxiCode, scanner.Aztec, scanner.DataBar} {
		if _, err := Encode(sym, "x"); !errors.Is(err, ErrNoWriter) {
			t.Errorf("%v encoded without a writer: %v", sym, err)
		}
	}
}
