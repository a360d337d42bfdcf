// Package readback_test reads symbols drawn by the test encoders back
// through the Aztec, Data Matrix, linear, MaxiCode and Micro QR readers: at
// every angle, in perspective, blurred, dim and noisy, several to a frame.
//
// These tests draw with packages that import scanner, which imports the
// readers. Kept beside each reader's own tests (which see its internals),
// they would have go compile scanner once more for every such reader's
// test binary, under -race and without it; here scanner is compiled once.
package readback_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if a goroutine outlives them.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
