package robust_test

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/scannerd/scannerd/internal/robust"
	"github.com/scannerd/scannerd/scanner"
)

// floors are the samples per family and axis that scannerd must keep
// reading in TestRobustnessFloors: one sample at each level of each axis
// (every second angle of the rotation). They are the counts read when
// the suite was written, less one sample of slack. Raise them when the
// engine improves; a change that lowers one needs the full curves (make
// bench) to show what it trades. DotCode, off by default and so not among
// robust.Families() (make bench's), has floors too, set the same way when
// it was added: its reader, with no finder pattern to look for, searches
// every frame for dots, and a gate or threshold put before that search
// must keep what it read.
var floors = map[scanner.Symbology]map[string]int{
	scanner.Aztec:           {"rotation": 11, "tilt": 3, "blur": 2, "motion": 2, "jpeg": 5, "noise": 4, "contrast": 4, "light": 3, "module": 5, "curve": 3, "inversion": 1},
	scanner.Codabar:         {"rotation": 9, "tilt": 5, "blur": 3, "motion": 3, "jpeg": 5, "noise": 4, "contrast": 4, "light": 3, "module": 5, "curve": 3, "inversion": 1},
	scanner.Code128:         {"rotation": 9, "tilt": 5, "blur": 4, "motion": 3, "jpeg": 5, "noise": 3, "contrast": 4, "light": 3, "module": 5, "curve": 4, "inversion": 1},
	scanner.Code39:          {"rotation": 9, "tilt": 5, "blur": 3, "motion": 3, "jpeg": 5, "noise": 3, "contrast": 4, "light": 2, "module": 5, "curve": 3, "inversion": 1},
	scanner.Code93:          {"rotation": 8, "tilt": 5, "blur": 3, "motion": 3, "jpeg": 5, "noise": 4, "contrast": 4, "light": 2, "module": 5, "curve": 3, "inversion": 1},
	scanner.DataBar:         {"rotation": 7, "tilt": 5, "blur": 3, "motion": 3, "jpeg": 5, "noise": 4, "contrast": 4, "light": 3, "module": 5, "curve": 3, "inversion": 1},
	scanner.DataBarExpanded: {"rotation": 11, "tilt": 5, "blur": 3, "motion": 3, "jpeg": 5, "noise": 4, "contrast": 4, "light": 4, "module": 5, "curve": 3, "inversion": 1},
	scanner.DataMatrix:      {"rotation": 11, "tilt": 5, "blur": 3, "motion": 3, "jpeg": 5, "noise": 3, "contrast": 4, "light": 4, "module": 5, "curve": 2, "inversion": 1},
	scanner.DotCode:         {"rotation": 11, "tilt": 3, "blur": 2, "motion": 3, "jpeg": 5, "noise": 4, "contrast": 4, "light": 4, "module": 3, "curve": 2, "inversion": 0},
	scanner.EAN13:           {"rotation": 9, "tilt": 4, "blur": 2, "motion": 2, "jpeg": 5, "noise": 3, "contrast": 4, "light": 3, "module": 4, "curve": 3, "inversion": 1},
	scanner.EAN8:            {"rotation": 6, "tilt": 5, "blur": 3, "motion": 3, "jpeg": 5, "noise": 5, "contrast": 4, "light": 3, "module": 5, "curve": 4, "inversion": 1},
	scanner.ITF:             {"rotation": 8, "tilt": 5, "blur": 3, "motion": 3, "jpeg": 5, "noise": 4, "contrast": 4, "light": 3, "module": 5, "curve": 4, "inversion": 1},
	scanner.MaxiCode:        {"rotation": 11, "tilt": 4, "blur": 2, "motion": 2, "jpeg": 5, "noise": 4, "contrast": 4, "light": 4, "module": 4, "curve": 2, "inversion": 1},
	scanner.MicroQR:         {"rotation": 11, "tilt": 5, "blur": 2, "motion": 2, "jpeg": 5, "noise": 4, "contrast": 3, "light": 4, "module": 5, "curve": 3, "inversion": 1},
	scanner.PDF417:          {"rotation": 11, "tilt": 5, "blur": 4, "motion": 3, "jpeg": 5, "noise": 5, "contrast": 3, "light": 4, "module": 5, "curve": 2, "inversion": 1},
	scanner.QRCode:          {"rotation": 11, "tilt": 5, "blur": 2, "motion": 2, "jpeg": 5, "noise": 3, "contrast": 4, "light": 4, "module": 4, "curve": 4, "inversion": 1},
	scanner.UPCA:            {"rotation": 7, "tilt": 5, "blur": 3, "motion": 3, "jpeg": 5, "noise": 4, "contrast": 4, "light": 3, "module": 5, "curve": 3, "inversion": 1},
	scanner.UPCE:            {"rotation": 3, "tilt": 5, "blur": 2, "motion": 2, "jpeg": 5, "noise": 5, "contrast": 4, "light": 2, "module": 5, "curve": 3, "inversion": 1},
}

// TestRobustnessFloors reads one sample at each level of every axis for
// every family and DotCode, and checks the count read per family and axis
// against its floor.
func TestRobustnessFloors(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the robustness suite in short mode")
	}
	if raceEnabled {
		t.Skip("skipping the robustness suite under -race (make test runs it without)")
	}
	var mu sync.Mutex
	var table []string
	for _, sym := range append(robust.Families(), scanner.DotCode) {
		t.Run(sym.String(), func(t *testing.T) {
			t.Parallel()
			d := scanner.NewDecoder()
			var row []string
			for _, a := range robust.Axes() {
				every := 1
				if a.Name == "rotation" {
					every = 2
				}
				cases := robust.Cases(sym, a, 1, every)
				read := 0
				for _, c := range cases {
					s, img, err := c.Image()
					if errors.Is(err, robust.ErrNoZint) {
						t.Skipf("skipping %v: %v", sym, err)
					}
					if err != nil {
						t.Fatal(err)
					}
					if robust.ReadScannerd(d, s, img) {
						read++
					}
				}
				row = append(row, fmt.Sprintf("%s %d/%d", a.Name, read, len(cases)))
				if floor := floors[sym][a.Name]; read < floor {
					t.Errorf("%s: read %d of %d samples, below the floor of %d", a.Name, read, len(cases), floor)
				}
			}
			mu.Lock()
			table = append(table, fmt.Sprintf("%-17v %s", sym, strings.Join(row, "  ")))
			mu.Unlock()
		})
	}
	t.Cleanup(func() {
		sort.Strings(table)
		t.Logf("samples read per family and axis:\n%s", strings.Join(table, "\n"))
	})
}

// A case is the same image whenever it is made, and its distortion shows:
// an inverted case is mostly dark where the plain one is mostly light.
func TestCasesAreReproducible(t *testing.T) {
	a, _ := robust.AxisNamed("inversion")
	cases := robust.Cases(scanner.QRCode, a, 1, 1)
	_, plain, err := cases[0].Image()
	if err != nil {
		t.Fatal(err)
	}
	_, again, _ := cases[0].Image()
	_, inverted, _ := cases[1].Image()
	if string(plain.Pix) != string(again.Pix) {
		t.Error("the same case drew two different images")
	}
	mean := func(pix []byte) int {
		s := 0
		for _, v := range pix {
			s += int(v)
		}
		return s / len(pix)
	}
	if mean(plain.Pix) < 128 || mean(inverted.Pix) > 128 {
		t.Errorf("mean gray plain %d, inverted %d", mean(plain.Pix), mean(inverted.Pix))
	}
}
