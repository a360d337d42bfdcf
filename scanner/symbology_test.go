package scanner_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/scannerd/scannerd/scanner"
)

func TestParseSymbologySet(t *testing.T) {
	all, def := scanner.AllSymbologies(), scanner.DefaultSymbologies()
	if def&^all != 0 || def == 0 {
		t.Fatalf("default set %v is not a non-empty part of every symbology %v", def, all)
	}
	tests := []struct {
		list string
		want scanner.SymbologySet
	}{
		{"", def},
		{"  ", def},
		{"all", all},
		{"ALL", all},
		{"default", def},
		{"qr_code, ean-13", scanner.NewSymbologySet(scanner.QRCode, scanner.EAN13)},
		{"default,all", all},
		{"default,qrcode", def},
	}
	for _, tt := range tests {
		got, err := scanner.ParseSymbologySet(tt.list)
		if err != nil || got != tt.want {
			t.Errorf("ParseSymbologySet(%q) = %v, %v; want %v", tt.list, got, err, tt.want)
		}
	}
	for _, bad := range []string{"qr_code,", "nope", "all,nope", "default,", ",qr_code", "qr_code,,ean_13"} {
		if _, err := scanner.ParseSymbologySet(bad); !errors.Is(err, scanner.ErrUnknownSymbology) {
			t.Errorf("ParseSymbologySet(%q): err %v, want ErrUnknownSymbology", bad, err)
		}
	}
	// A stray comma is named as such, not as a symbology called "".
	if _, err := scanner.ParseSymbologySet("default,"); err == nil || !strings.Contains(err.Error(), "empty name") || strings.Contains(err.Error(), `symbology ""`) {
		t.Errorf(`ParseSymbologySet("default,"): %v, want the empty name pointed out`, err)
	}
}

// TestSymbologyNamesRoundTrip: every symbology's stable name parses back
// to it, and the set's String form parses back to the set.
func TestSymbologyNamesRoundTrip(t *testing.T) {
	for _, s := range scanner.AllSymbologies().All() {
		got, err := scanner.ParseSymbology(s.String())
		if err != nil || got != s {
			t.Errorf("ParseSymbology(%q) = %v, %v", s.String(), got, err)
		}
		if s.OnByDefault() != scanner.DefaultSymbologies().Has(s) {
			t.Errorf("%v: OnByDefault disagrees with DefaultSymbologies", s)
		}
	}
	for _, set := range []scanner.SymbologySet{scanner.AllSymbologies(), scanner.DefaultSymbologies()} {
		got, err := scanner.ParseSymbologySet(set.String())
		if err != nil || got != set {
			t.Errorf("ParseSymbologySet(%q) = %v, %v", set.String(), got, err)
		}
	}
}
