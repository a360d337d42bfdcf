package code11

import (
	"testing"

	"github.com/scannerd/scannerd/scanner/internal/bars"
	"github.com/scannerd/scannerd/scanner/internal/bars/barstest"
)

func TestZint(t *testing.T) {
	for _, args := range [][]string{
		{"-b", "CODE11", "-d", "0123456789-"},
		{"-b", "CODE11", "--vers=1", "-d", "123-45"},
		{"-b", "CODE11", "-d", "1"},
		{"-b", "CODE11", "-d", "98765432109876543210"},
	} {
		barstest.ReadZint(t, DecodeAt, "", false, args...)
	}
}

// TestChecks: a symbol reads only when a check character holds, and the
// identifier says how many did.
func TestChecks(t *testing.T) {
	for _, tc := range []struct {
		args []string
		id   string
	}{
		{[]string{"-b", "CODE11", "-d", "123-45"}, "]H1"},
		{[]string{"-b", "CODE11", "--vers=1", "-d", "123-45"}, "]H0"},
		{[]string{"-b", "CODE11", "--vers=2", "-d", "123-45"}, ""},
		{[]string{"-b", "CODE11", "--vers=2", "-d", "123-451"}, ""}, // 1 is not the check of 123-45
	} {
		s, ok := bars.Scan(barstest.Runs(t, 3, tc.args...), DecodeAt)
		if ok != (tc.id != "") || s.ID != tc.id {
			t.Errorf("%q: read %q %q, %v; want identifier %q", tc.args, s.Text, s.ID, ok, tc.id)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte{20, 2, 2, 6, 6, 2, 2, 6, 2, 2, 2, 6, 2, 2, 2, 2, 6, 6, 2, 20})
	f.Fuzz(func(t *testing.T, b []byte) { barstest.Fuzz(t, DecodeAt, b) })
}

// TestGateIsExact: MayStartAt, made before the rest, turns away only
// places where the rest reads nothing.
func TestGateIsExact(t *testing.T) {
	lines := barstest.GateLines(t, 11, []string{"-b", "CODE11", "-d", "123-45"}, []string{"-b", "CODE11", "--vers=1", "-d", "8"})
	barstest.CheckGate(t, lines, decodeAt, DecodeAt)
}
