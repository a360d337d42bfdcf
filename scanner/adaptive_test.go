package scanner_test

import (
	"strings"
	"testing"
	"time"

	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/scanner"
)

// live are the options a video source decodes with by default.
var live = scanner.Options{TryRotated: true, Adaptive: true}

// Adaptive decoding looks only where something is printed: a blank frame
// runs no pass at all, a label is read in the region round it, and a code
// the first pass cannot read (light on dark) is read by the thorough
// strategies over the region where it is.
func TestAdaptiveDecoding(t *testing.T) {
	blank := symbols.NewCanvas(1280, 720, 180)
	res, passes := scanner.NewDecoder().Decode(blank.Frame(scanner.NewPlanePool(0)), live)
	if len(res) != 0 || len(passes) != 0 {
		t.Errorf("blank frame: %v, passes %+v; want nothing done", res, passes)
	}

	f := scene(t, 1280, 720, []placed{{scanner.Code128, "ADAPTIVE-1", 900, 500}})
	res, _ = scanner.NewDecoder().Decode(f, live)
	if len(res) != 1 || res[0].Text != "ADAPTIVE-1" || abs(res[0].Center().X-900) > 10 || abs(res[0].Center().Y-500) > 10 {
		t.Errorf("label: %+v", res)
	}

	s, _ := symbols.Encode(scanner.QRCode, "light on dark")
	c := symbols.NewCanvas(1280, 720, 200)
	c.Draw(s, symbols.Placement{CX: 300, CY: 300, Module: 4, Dark: 230, Light: 30})
	res, _ = scanner.NewDecoder().Decode(c.Frame(scanner.NewPlanePool(0)), live)
	if len(res) != 1 || res[0].Text != "light on dark" || !strings.HasPrefix(res[0].Strategy, "thorough") {
		t.Errorf("inverted code: %+v", res)
	}
	// Within a budget too small for the thorough strategies, the frame is
	// given up after the first pass.
	tight := live
	tight.Budget = time.Nanosecond
	res, passes = scanner.NewDecoder().Decode(c.Frame(scanner.NewPlanePool(0)), tight)
	for _, p := range passes {
		if p.Name == "thorough" {
			t.Errorf("thorough strategies ran past the budget: %+v, %+v", passes, res)
		}
	}
	// The first look at the largest region is not given up, however
	// small the budget: a device slower than the budget assumes still
	// reads what that look reads.
	res, _ = scanner.NewDecoder().Decode(f, tight)
	if len(res) != 1 || res[0].Text != "ADAPTIVE-1" {
		t.Errorf("label within a spent budget: %+v", res)
	}
}

// A frame the code fills is searched as one region: the first pass, then,
// when that read nothing, the thorough strategies (here light on dark).
// Modules as large as the 8×8 blocks the frame is looked at in, and
// aligned with them, leave no edge inside any block; the edges between
// blocks still count.
func TestAdaptiveFrameFilled(t *testing.T) {
	for _, tc := range []struct {
		sym         scanner.Symbology
		module      float64
		dark, light uint8
		thorough    bool
	}{
		{scanner.DataMatrix, 8, 0, 255, false},
		{scanner.QRCode, 6, 230, 30, true},
	} {
		s, err := symbols.Encode(tc.sym, "filled")
		if err != nil {
			t.Fatal(err)
		}
		w := int(float64(s.Width+2*s.Quiet()) * tc.module)
		h := int(float64(s.Height+2*s.Quiet()) * tc.module)
		c := symbols.NewCanvas(w, h, tc.light)
		c.Draw(s, symbols.Placement{CX: float64(w) / 2, CY: float64(h) / 2, Module: tc.module, Dark: tc.dark, Light: tc.light})
		res, passes := scanner.NewDecoder().Decode(c.Frame(scanner.NewPlanePool(0)), live)
		if len(res) != 1 || res[0].Text != "filled" || strings.HasPrefix(res[0].Strategy, "thorough") != tc.thorough {
			t.Errorf("%v filling a %dx%d frame: %+v, passes %+v", tc.sym, w, h, res, passes)
		}
	}
}
