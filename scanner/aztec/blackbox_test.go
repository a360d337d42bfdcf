package aztec

import (
	"testing"

	"github.com/scannerd/scannerd/internal/blackbox"
)

// TestBlackbox checks the reader's floors on the shared blackbox images.
func TestBlackbox(t *testing.T) {
	blackbox.CheckFloors(t, func() blackbox.MultiReader { return NewReader() }, map[string]int{"aztec": 17, "none": 0})
}
