package debugexport_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them: the
// writer and the notifier end with Close.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
