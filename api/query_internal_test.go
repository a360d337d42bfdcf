package api

import (
	"errors"
	"net/url"
	"testing"

	"github.com/scannerd/scannerd/scanner"
)

// TestRepeatedSymbologyListsReadAsOne: symbology= repeated (and its old
// name symbologies=) is one list in order, so that a name taken out in a
// later value is taken out of the earlier ones; each value alone used to
// be parsed apart and the sets added up.
func TestRepeatedSymbologyListsReadAsOne(t *testing.T) {
	noQR := scanner.AllSymbologies() &^ scanner.NewSymbologySet(scanner.QRCode)
	for _, tc := range []struct {
		query string
		want  scanner.SymbologySet
	}{
		{"", 0}, // no filter
		{"symbology=all&symbology=-qr_code", noQR},
		{"symbology=all,-qr_code", noQR},
		{"symbology=all&symbologies=-qr_code", noQR},
		{"symbology=default&symbology=code_11", scanner.DefaultSymbologies().With(scanner.Code11)},
		{"symbology=qr_code&symbology=ean_13", scanner.NewSymbologySet(scanner.QRCode, scanner.EAN13)},
	} {
		v, _ := url.ParseQuery(tc.query)
		got, err := parseSymbologies(v)
		if err != nil || got != tc.want {
			t.Errorf("%q: %v, %v; want %v", tc.query, got, err, tc.want)
		}
	}
	// An empty value names nothing: refused, as on the command line.
	for _, q := range []string{"symbology=qr_code&symbology=-qr_code", "symbology=-qr_code", "symbology=all&symbology=-nope",
		"symbology=", "symbologies=%20", "symbology=&symbology=code_11"} {
		v, _ := url.ParseQuery(q)
		if _, err := parseSymbologies(v); !errors.Is(err, ErrBadQuery) {
			t.Errorf("%q: %v, want ErrBadQuery", q, err)
		}
	}
}
