package eanaddon

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/scannerd/scannerd/internal/zint"
)

// mainModules is the width of each main symbol in modules, guards
// included: where its add-on's gap begins.
var mainModules = map[string]int{"EANX": 95, "UPCA": 95, "UPCE": 51}

// readZint reads the add-on of a symbol zint draws with the given main
// data and add-on, px pixels a module, and returns what was read.
func readZint(t *testing.T, kind, main, addon string, px int) (Addon, bool) {
	t.Helper()
	rows := zint.Dump(t, "-b", kind, "-d", main+"+"+addon)
	const margin = 10
	runs := zint.Runs(rows[0], px, margin)
	end := float64((margin + mainModules[kind]) * px)
	return Read(runs, end, end+20*float64(px))
}

// TestZintAddons reads the add-ons zint draws after EAN-13, UPC-A and
// UPC-E symbols: every two-digit value and a sample of five-digit ones.
func TestZintAddons(t *testing.T) {
	zint.Need(t)
	rng := rand.New(rand.NewPCG(14, 5))
	var cases []string
	for v := range 100 {
		cases = append(cases, fmt.Sprintf("%02d", v))
	}
	for range 40 {
		cases = append(cases, fmt.Sprintf("%05d", rng.IntN(100000)))
	}
	mains := []struct{ kind, data string }{{"EANX", "978073520044"}, {"UPCA", "01234567890"}, {"UPCE", "0123456"}}
	for i, addon := range cases {
		m := mains[i%len(mains)]
		px := 1 + i%4
		a, ok := readZint(t, m.kind, m.data, addon, px)
		if !ok || a.Text != addon {
			t.Errorf("%s %s+%s at %d px: read %q, %v", m.kind, m.data, addon, px, a.Text, ok)
		}
		// The gap after the main symbol is 7 to 12 modules.
		if gap := a.X0/float64(px) - float64(10+mainModules[m.kind]); ok && (gap < 7 || gap > 12) {
			t.Errorf("%s+%s: add-on starts %v modules after the main symbol", m.kind, addon, gap)
		}
	}
}

// TestNoAddon: a bare main symbol, or an add-on whose parity pattern does
// not match its digits, reads as no add-on.
func TestNoAddon(t *testing.T) {
	zint.Need(t)
	rows := zint.Dump(t, "-b", "EANX", "-d", "978073520044")
	runs := zint.Runs(rows[0], 3, 10)
	if a, ok := Read(runs, 105*3, 125*3); ok {
		t.Errorf("read %q after a bare EAN-13", a.Text)
	}
	for _, addon := range []string{"12", "51299"} {
		rows := zint.Dump(t, "-b", "EANX", "-d", "978073520044+"+addon)
		mod := append([]bool(nil), rows[0]...)
		// The first digit starts 4 modules after the guard, which starts 7
		// modules after the main symbol: swap its set (set B is set A
		// mirrored and inverted), which keeps the digit and breaks the
		// check.
		d := mod[95+7+4 : 95+7+11]
		for i, j := 0, len(d)-1; i < j; i, j = i+1, j-1 {
			d[i], d[j] = !d[j], !d[i]
		}
		d[3] = !d[3]
		if a, ok := Read(zint.Runs(mod, 3, 10), 105*3, 125*3); ok {
			t.Errorf("%s with the first digit's set swapped: read %q", addon, a.Text)
		}
	}
}

// FuzzRead: any row of runs reads without a panic, and what it reads is
// two or five digits within the row.
func FuzzRead(f *testing.F) {
	f.Add([]byte{30, 2, 2, 4, 6, 4, 2, 2, 2, 2, 2, 2, 8, 2, 4, 6, 2, 30})
	f.Fuzz(func(t *testing.T, b []byte) {
		runs := make([]int, len(b))
		total := 0
		for i, v := range b {
			runs[i] = int(v)
			total += int(v)
		}
		a, ok := Read(runs, 0, float64(total))
		if !ok {
			return
		}
		if len(a.Text) != 2 && len(a.Text) != 5 || a.X0 < 0 || a.X1 > float64(total) || a.X1 <= a.X0 {
			t.Fatalf("read %+v from %v", a, runs)
		}
		for _, c := range a.Text {
			if c < '0' || c > '9' {
				t.Fatalf("read %q", a.Text)
			}
		}
	})
}
