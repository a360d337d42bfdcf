package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestSetupFileErrors: a setup file that does not parse, or holds a
// setting the configuration would refuse, stops a load with an error that
// names it; entries of sources the configuration does not have are
// ignored.
func TestSetupFileErrors(t *testing.T) {
	dir := t.TempDir()
	setup := filepath.Join(dir, "setup.toml")
	config := writeConfig(t, fmt.Sprintf("[setup]\nfile = %q\n[[source]]\nname = \"cam\"\nurl = \"demo\"\n", setup))
	for _, c := range []struct{ body, want string }{
		{"[[source]]\nname = \"cam\"\nregoin = [1, 2, 3, 4]\n", "regoin"},
		{"[[source]]\nname = \"cam\"\nsymbologies = [\"NOPE\"]\n", "setup file " + setup},
		{"[[source]]\nname = \"cam\"\nregion = [0, 0, 0, 10]\n", "region"},
	} {
		if err := os.WriteFile(setup, []byte(c.body), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, _, err := LoadConfig(config); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want an error naming %q", c.body, err, c.want)
		}
	}
	os.WriteFile(setup, []byte("[[source]]\nname = \"gone\"\nregion = [0, 0, 10, 10]\n[[source]]\nname = \"cam\"\nregion = [0, 0, 10, 10]\n"), 0o600)
	cfg, _, err := LoadConfig(config)
	if err != nil || !slices.Equal(cfg.setupSources, []string{"cam"}) || !slices.Equal(cfg.Sources[0].Region, []int{0, 0, 10, 10}) {
		t.Errorf("setup file with a stale entry: %v, %v", cfg, err)
	}
}
