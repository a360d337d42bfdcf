package scanner_test

import (
	"testing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner"
)

var addOnCases = []zintCase{
	{sym: scanner.EAN13, args: []string{"-b", "EANX", "-d", "978073520044+51299"}, text: "9780735200449", addOn: "51299"},
	{sym: scanner.EAN13, args: []string{"-b", "EANX", "-d", "501234567890+07"}, text: "5012345678900", addOn: "07"},
	{sym: scanner.UPCA, args: []string{"-b", "UPCA", "-d", "01234567890+12345"}, text: "012345678905", addOn: "12345"},
	{sym: scanner.UPCE, args: []string{"-b", "UPCE", "-d", "0123456+42"}, text: "01234565", addOn: "42"},
}

// TestZintAddOns reads EAN-13, UPC-A and UPC-E symbols with their EAN-2
// and EAN-5 add-ons, as zint draws them, in the AddOn field.
func TestZintAddOns(t *testing.T) {
	roundTrip(t, addOnCases)
}

// TestAddOnModes: require reports only symbols with an add-on, ignore
// reports symbols without looking for one.
func TestAddOnModes(t *testing.T) {
	zint.Need(t)
	read := func(args []string, mode scanner.AddOnMode) []scanner.Result {
		img, _ := zint.Image(t, args...).Render(zint.Scene{Module: 3})
		f := scanner.NewFrame(img.Pix, img.Rect.Dx(), img.Rect.Dy(), img.Stride)
		defer f.Purge()
		return scanner.DecodeFrame(f, scanner.Options{AddOns: mode})
	}
	with := []string{"-b", "EANX", "-d", "978073520044+51299"}
	without := []string{"-b", "EANX", "-d", "978073520044"}
	tests := []struct {
		name  string
		args  []string
		mode  scanner.AddOnMode
		n     int
		addOn string
	}{
		{"read/with", with, scanner.AddOnRead, 1, "51299"},
		{"read/without", without, scanner.AddOnRead, 1, ""},
		{"require/with", with, scanner.AddOnRequire, 1, "51299"},
		{"require/without", without, scanner.AddOnRequire, 0, ""},
		{"ignore/with", with, scanner.AddOnIgnore, 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := read(tt.args, tt.mode)
			if len(res) != tt.n || tt.n == 1 && (res[0].Text != "9780735200449" || res[0].AddOn != tt.addOn) {
				t.Fatalf("got %+v, want %d result(s) with add-on %q", res, tt.n, tt.addOn)
			}
		})
	}
}

func TestParseAddOnMode(t *testing.T) {
	for s, want := range map[string]scanner.AddOnMode{"": scanner.AddOnRead, "read": scanner.AddOnRead,
		"REQUIRE": scanner.AddOnRequire, "ignore": scanner.AddOnIgnore} {
		if m, err := scanner.ParseAddOnMode(s); err != nil || m != want {
			t.Errorf("ParseAddOnMode(%q) = %v, %v; want %v", s, m, err, want)
		}
		if want.String() == "" {
			t.Errorf("%d has no name", want)
		}
	}
	if _, err := scanner.ParseAddOnMode("sometimes"); err == nil {
		t.Error("ParseAddOnMode(sometimes) took it")
	}
}
