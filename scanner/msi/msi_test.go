package msi

import (
	"testing"

	"github.com/scannerd/scannerd/scanner/internal/bars"
	"github.com/scannerd/scannerd/scanner/internal/bars/barstest"
)

func TestZint(t *testing.T) {
	for _, args := range [][]string{
		{"-b", "MSI_PLESSEY", "-d", "0123456789"},
		{"-b", "MSI_PLESSEY", "--vers=1", "-d", "12345"},
		{"-b", "MSI_PLESSEY", "--vers=2", "-d", "4711"},
		{"-b", "MSI_PLESSEY", "--vers=4", "-d", "104"},
		{"-b", "MSI_PLESSEY", "-d", "99"},
	} {
		barstest.ReadZint(t, DecodeAt, "", false, args...)
	}
}

// TestVerify checks each scheme against zint's check digits, and that a
// wrong check digit fails.
func TestVerify(t *testing.T) {
	for v := Mod10; v < numVariants; v++ {
		for _, data := range []string{"12345", "104", "118", "9876", "0000", "31415926535"} {
			args := []string{"-b", "MSI_PLESSEY", "--vers=" + string(rune('0'+v)), "-d", data}
			s, ok := bars.Scan(barstest.Runs(t, 2, args...), DecodeAt)
			if !ok {
				t.Fatalf("%q: no read", args)
			}
			if !Verify(s.Text, v) {
				t.Errorf("%v: %q (zint %q) does not verify", v, s.Text, args)
			}
			last := s.Text[len(s.Text)-1]
			bad := s.Text[:len(s.Text)-1] + string('0'+(last-'0'+1)%10)
			if Verify(bad, v) {
				t.Errorf("%v: %q verifies", v, bad)
			}
		}
	}
	if !Verify("12", None) || Verify("1", Mod10) {
		t.Error("None must hold always, and one digit carries no check")
	}
}

func TestParseVariant(t *testing.T) {
	for v := None; v < numVariants; v++ {
		if got, err := ParseVariant(v.String()); err != nil || got != v {
			t.Errorf("ParseVariant(%q) = %v, %v", v.String(), got, err)
		}
	}
	if _, err := ParseVariant("mod12"); err == nil {
		t.Error("mod12 parsed")
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte{4, 2, 2, 4, 4, 2, 2, 4, 2, 4, 2, 4, 2, 4, 4, 2, 2, 4, 2, 20})
	f.Fuzz(func(t *testing.T, b []byte) { barstest.Fuzz(t, DecodeAt, b) })
}

// TestGateIsExact: MayStartAt's quiet zone, tested before the rest, turns
// away only places where the rest reads nothing.
func TestGateIsExact(t *testing.T) {
	lines := barstest.GateLines(t, 13, []string{"-b", "MSI_PLESSEY", "-d", "0123456789"}, []string{"-b", "MSI_PLESSEY", "-d", "42"})
	barstest.CheckGate(t, lines, decodeAt, DecodeAt)
}
