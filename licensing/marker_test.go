package licensing

import (
	"context"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// damageStores is run in a child process: it damages the store in dir at
// random places and opens it, again and again, until bbolt faults the
// process (or gives up after many tries).
func damageStores(dir string) {
	valid, _ := os.ReadFile(filepath.Join(dir, "valid.db"))
	rng := rand.New(rand.NewPCG(1, 1))
	for i := 0; i < 5000; i++ {
		data := append([]byte{}, valid...)
		for k := 0; k < 1+rng.IntN(4); k++ {
			data[2*4096+rng.IntN(len(data)-2*4096)] ^= byte(rng.IntN(255) + 1)
		}
		os.Remove(filepath.Join(dir, StoreFile+".opening"))
		os.WriteFile(filepath.Join(dir, StoreFile), data, 0o600)
		c, _ := New(Config{StateDir: dir, MachineIDFile: "/nonexistent"}, Options{})
		if c.open(context.Background()) == nil {
			c.Close()
		}
		matches, _ := filepath.Glob(filepath.Join(dir, StoreFile+".corrupt-*"))
		for _, m := range matches {
			os.Remove(m)
		}
	}
}

// TestStoreThatKillsTheOpenIsMovedAside damages a store until opening it
// kills a real process (bbolt faults on some damaged pages), then checks the
// next start moves that store aside with a clear note instead of dying again.
func TestStoreThatKillsTheOpenIsMovedAside(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "valid.db"), validStore(t), 0o600)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "LICENSING_TEST_DAMAGE="+dir)
	err := cmd.Run()
	if err == nil {
		t.Skip("no damaged store faulted bbolt in 5000 tries")
	}
	if _, serr := os.Stat(filepath.Join(dir, StoreFile+".opening")); serr != nil {
		t.Fatalf("process died (%v) but left no marker: %v", err, serr)
	}
	damaged, _ := os.ReadFile(filepath.Join(dir, StoreFile))
	c, nerr := New(Config{StateDir: dir, MachineIDFile: "/nonexistent"}, Options{})
	if nerr != nil {
		t.Fatal(nerr)
	}
	if err := c.open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	st := c.Status()
	if st.StoreRecovered == "" {
		t.Fatal("store that killed the previous run was not reported")
	}
	aside, _ := filepath.Glob(filepath.Join(dir, StoreFile+".corrupt-*"))
	if len(aside) != 1 {
		t.Fatalf("moved aside: %v", aside)
	}
	if b, _ := os.ReadFile(aside[0]); string(b) != string(damaged) {
		t.Fatal("the damaged store was altered")
	}
	t.Logf("child died with %v; %s", err, st.StoreRecovered)
}
