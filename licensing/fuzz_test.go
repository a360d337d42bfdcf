package licensing

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/scannerd/scannerd/scanner"
)

// FuzzOpenStore opens store files with damaged meta pages or cut short at
// any length: each opens, or is moved aside with a clear error, and the
// client then works; nothing panics or faults. (Damage inside data pages can
// fault bbolt itself; TestStoreThatKillsTheOpenIsMovedAside covers that.)
func FuzzOpenStore(f *testing.F) {
	valid := validStore(f)
	f.Add([]byte{}, uint16(0), uint32(len(valid)))
	f.Add([]byte{0xff, 0xff}, uint16(16), uint32(len(valid)))
	f.Add([]byte{}, uint16(0), uint32(3*4096))
	f.Add([]byte{1, 2, 3, 4}, uint16(4096+56), uint32(len(valid)))
	f.Fuzz(func(t *testing.T, patch []byte, at uint16, cut uint32) {
		data := append([]byte{}, valid...)
		// Patch within the two meta pages only.
		for i, b := range patch {
			if j := int(at) + i; j < 2*4096 && j < len(data) {
				data[j] = b
			}
		}
		if int(cut) < len(data) {
			data = data[:cut]
		}
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, StoreFile), data, 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := New(Config{StateDir: dir, MachineIDFile: "/nonexistent"}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.open(context.Background()); err != nil {
			t.Fatalf("open did not recover: %v", err)
		}
		defer c.Close()
		record(t, c, scanner.EAN13)
		c.Status()
		c.Permit(time.Now(), "")
		if _, err := c.cutReports(); err != nil {
			t.Fatal(err)
		}
	})
}

func validStore(t testing.TB) []byte {
	dir := t.TempDir()
	c, err := New(Config{StateDir: dir, MachineIDFile: "/nonexistent"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.open(context.Background()); err != nil {
		t.Fatal(err)
	}
	var syms []scanner.Symbology
	for i := 0; i < 200; i++ {
		syms = append(syms, scanner.Symbology(1+i%17))
	}
	record(t, c, syms...)
	c.cutReports()
	c.Close()
	valid, err := os.ReadFile(filepath.Join(dir, StoreFile))
	if err != nil {
		t.Fatal(err)
	}
	return valid
}
