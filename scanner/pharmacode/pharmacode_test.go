package pharmacode

import (
	"github.com/scannerd/scannerd/scanner/internal/bars"
	"slices"
	"strconv"
	"testing"

	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner/internal/bars/barstest"
)

// runs draws zint's symbol for value px pixels a unit between quiet zones
// of quiet units, after a bar (a line's first bar counts as quiet before).
func runs(t *testing.T, value string, px, quiet int) []int {
	return append([]int{7, 9}, zint.Runs(zint.Dump(t, "-b", "PHARMA", "-d", value)[0], px, quiet)...)
}

func TestZint(t *testing.T) {
	for _, v := range []int{7, 8, 1234, 4711, 65535, 131070, 100000, 9} {
		d := strconv.Itoa(v)
		for px := 1; px <= 4; px++ {
			s, ok := bars.Scan(runs(t, d, px, 12), DecodeAt)
			if !ok || s.Text != d {
				t.Errorf("%s at %d px a unit: read %q, %v", d, px, s.Text, ok)
			}
		}
	}
}

// TestRefused: two bars are no symbol, nor bars without their quiet
// zones.
func TestRefused(t *testing.T) {
	for _, tc := range []struct {
		value     string
		px, quiet int
	}{
		{"3", 3, 12}, {"6", 3, 12}, {"1234", 3, 10},
	} {
		if s, ok := bars.Scan(runs(t, tc.value, tc.px, tc.quiet), DecodeAt); ok {
			t.Errorf("%+v: read %q", tc, s.Text)
		}
	}
}

// TestBackwards: the same bars read backwards are another number.
func TestBackwards(t *testing.T) {
	r := runs(t, "1234", 3, 12)
	slices.Reverse(r)
	if s, ok := bars.Scan(r, DecodeAt); !ok || s.Text == "1234" {
		t.Errorf("backwards: %q, %v", s.Text, ok)
	}
}

func FuzzDecode(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) { barstest.Fuzz(t, DecodeAt, b) })
}

// TestGateIsExact: MayStartAt, made before the rest, turns away only
// places where the rest reads nothing, among them symbols of three and of
// sixteen bars (the most spaces whose mean its quiet zone bounds).
func TestGateIsExact(t *testing.T) {
	lines := barstest.GateLines(t, 12, []string{"-b", "PHARMA", "-d", "7"}, []string{"-b", "PHARMA", "-d", "1234"},
		[]string{"-b", "PHARMA", "-d", "131070"}, []string{"-b", "PHARMA", "-d", "65535"})
	barstest.CheckGate(t, lines, decodeAt, DecodeAt)
}
