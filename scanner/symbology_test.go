package scanner_test

import (
	"errors"
	"slices"
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
		// A name after "-" is taken out of what the items before it make.
		{"all,-qr_code", all &^ scanner.NewSymbologySet(scanner.QRCode)},
		{"ALL, -QR_CODE", all &^ scanner.NewSymbologySet(scanner.QRCode)},
		{"all,- qr-code", all &^ scanner.NewSymbologySet(scanner.QRCode)},
		{"default,-ean_8,code_11", def&^scanner.NewSymbologySet(scanner.EAN8) | scanner.NewSymbologySet(scanner.Code11)},
		{"all,-default", all &^ def},
		{"all,-qr_code,qr_code", all},
		{"qr_code,ean_13,-ean-13", scanner.NewSymbologySet(scanner.QRCode)},
		{"qr_code,-ean_13", scanner.NewSymbologySet(scanner.QRCode)},
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
	// An unknown name after "-" is refused, naming it; "--" is not read
	// as "-" (names ignore punctuation).
	for _, bad := range []string{"all,-klingon", "default,-qr_code,-klingon", "all,--qr_code", "all,-"} {
		_, err := scanner.ParseSymbologySet(bad)
		if !errors.Is(err, scanner.ErrUnknownSymbology) {
			t.Errorf("ParseSymbologySet(%q): err %v, want ErrUnknownSymbology", bad, err)
		}
		if name := bad[strings.LastIndex(bad, "-")+1:]; err != nil && name != "" && !strings.Contains(err.Error(), name) {
			t.Errorf("ParseSymbologySet(%q): %v does not name %q", bad, err, name)
		}
	}
	// A list that leaves nothing, or takes out before anything is in it.
	for _, bad := range []string{"all,-all", "default,-default", "qr_code,-qr_code", "qr_code,ean_8,-default", "-qr_code", "-qr_code,all"} {
		if set, err := scanner.ParseSymbologySet(bad); !errors.Is(err, scanner.ErrBadSymbologyList) || set != 0 {
			t.Errorf("ParseSymbologySet(%q) = %v, %v; want ErrBadSymbologyList", bad, set, err)
		}
	}
	// "-" with no name after it says so, not "a comma too many".
	for _, bad := range []string{"all,-", "-", "all, - ,qr_code"} {
		_, err := scanner.ParseSymbologySet(bad)
		if !errors.Is(err, scanner.ErrUnknownSymbology) || !strings.Contains(err.Error(), `a name is missing after "-"`) || strings.Contains(err.Error(), "comma") {
			t.Errorf("ParseSymbologySet(%q): %v, want the missing name after \"-\" pointed out", bad, err)
		}
	}
	// A stray comma is named as such, not as a symbology called "".
	if _, err := scanner.ParseSymbologySet("default,"); err == nil || !strings.Contains(err.Error(), "empty name") || strings.Contains(err.Error(), `symbology ""`) {
		t.Errorf(`ParseSymbologySet("default,"): %v, want the empty name pointed out`, err)
	}
}

// TestParseSymbologyListRefusesEmpty: a list given explicitly (a flag, a
// query parameter) must name something; only leaving it out means the
// default symbologies.
func TestParseSymbologyListRefusesEmpty(t *testing.T) {
	for _, empty := range []string{"", "  "} {
		if set, err := scanner.ParseSymbologyList(empty); !errors.Is(err, scanner.ErrBadSymbologyList) || set != 0 || !strings.Contains(err.Error(), "empty list") {
			t.Errorf("ParseSymbologyList(%q) = %v, %v; want ErrBadSymbologyList", empty, set, err)
		}
	}
	if set, err := scanner.ParseSymbologyList("default,-ean_8"); err != nil || set != scanner.DefaultSymbologies()&^scanner.NewSymbologySet(scanner.EAN8) {
		t.Errorf("ParseSymbologyList(\"default,-ean_8\") = %v, %v", set, err)
	}
}

// TestParseSymbologyItems: a configuration array's items; an empty one is
// pointed out as such, not as a comma the array does not have.
func TestParseSymbologyItems(t *testing.T) {
	if set, err := scanner.ParseSymbologyItems(nil); err != nil || set != scanner.DefaultSymbologies() {
		t.Errorf("no items: %v, %v; want the default symbologies", set, err)
	}
	if set, err := scanner.ParseSymbologyItems([]string{"all", "-QR_CODE"}); err != nil || set != scanner.AllSymbologies()&^scanner.NewSymbologySet(scanner.QRCode) {
		t.Errorf("[all, -QR_CODE]: %v, %v", set, err)
	}
	_, err := scanner.ParseSymbologyItems([]string{"QR_CODE", ""})
	if !errors.Is(err, scanner.ErrUnknownSymbology) || !strings.Contains(err.Error(), `item 2 of ["QR_CODE", ""] is empty`) || strings.Contains(err.Error(), "comma") {
		t.Errorf(`["QR_CODE", ""]: %v, want the empty item pointed out`, err)
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

// FuzzParseSymbologySet: any list either parses to a set that is not
// empty, holds only symbologies scannerd reads and reads back from its
// String form, or is refused with one of the documented errors; a name
// taken out last is never in the set.
func FuzzParseSymbologySet(f *testing.F) {
	for _, s := range []string{
		"", "all", "default", "qr_code,ean_13", "all,-qr_code", "default,-ean_8,code_11", "all,-default",
		"-qr_code", "all,-all", "all,--qr_code", "all,-", "qr_code,", ",", " - ", "all,-klingon", "ALL , - QR-CODE",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, list string) {
		set, err := scanner.ParseSymbologySet(list)
		// The command line's and the configuration array's parsers read
		// what it reads, but for an empty list or item, which they refuse.
		if got, lerr := scanner.ParseSymbologyList(list); strings.TrimSpace(list) == "" {
			if lerr == nil || got != 0 || !errors.Is(lerr, scanner.ErrBadSymbologyList) {
				t.Fatalf("ParseSymbologyList(%q) = %v, %v; want the empty list refused", list, got, lerr)
			}
		} else if got != set || (lerr == nil) != (err == nil) {
			t.Fatalf("ParseSymbologyList(%q) = %v, %v; ParseSymbologySet gives %v, %v", list, got, lerr, set, err)
		}
		array := strings.Split(list, ";")
		if got, ierr := scanner.ParseSymbologyItems(array); slices.ContainsFunc(array, func(it string) bool { return strings.TrimSpace(it) == "" }) {
			if ierr == nil || got != 0 {
				t.Fatalf("ParseSymbologyItems(%q) = %v, %v; want the empty item refused", array, got, ierr)
			}
		} else if want, werr := scanner.ParseSymbologySet(strings.Join(array, ",")); got != want || (ierr == nil) != (werr == nil) {
			t.Fatalf("ParseSymbologyItems(%q) = %v, %v; the joined list gives %v, %v", array, got, ierr, want, werr)
		}
		if err != nil {
			if set != 0 || !(errors.Is(err, scanner.ErrUnknownSymbology) || errors.Is(err, scanner.ErrBadSymbologyList)) {
				t.Fatalf("ParseSymbologySet(%q) = %v, %v", list, set, err)
			}
			return
		}
		if set == 0 || set&^scanner.AllSymbologies() != 0 {
			t.Fatalf("ParseSymbologySet(%q) = %#x", list, uint64(set))
		}
		if again, err := scanner.ParseSymbologySet(set.String()); err != nil || again != set {
			t.Fatalf("ParseSymbologySet(%q) = %v, which reads back as %v, %v", list, set, again, err)
		}
		items := strings.Split(list, ",")
		last := strings.TrimSpace(items[len(items)-1])
		if name, out := strings.CutPrefix(last, "-"); out {
			if s, err := scanner.ParseSymbology(name); err == nil && set.Has(s) {
				t.Fatalf("ParseSymbologySet(%q) = %v, holding %v, taken out last", list, set, s)
			}
		}
	})
}
