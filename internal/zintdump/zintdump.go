// Package zintdump gives tests the module patterns of symbols made by
// zint, an encoder independent of ours: its --dump output, kept in the
// test package's testdata/zint so the tests run where zint is not
// installed, and regenerated with -update where it is.
package zintdump

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "regenerate testdata/zint from the zint command")

// Dump returns zint's --dump output for args.
func Dump(t testing.TB, args []string) string {
	t.Helper()
	sum := sha256.Sum256([]byte(strings.Join(args, "\x00")))
	path := filepath.Join("testdata", "zint", hex.EncodeToString(sum[:8])+".dump")
	if !*update {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update where zint is installed)", err)
		}
		return string(b)
	}
	out, err := exec.Command("zint", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("zint %v: %v: %s", args, err, out)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// Rows parses a dump: one line of hex bytes per row of modules, most
// significant bit first, a row's last byte perhaps a half one. A row keeps
// at most width modules.
func Rows(t testing.TB, dump string, width int) [][]bool {
	t.Helper()
	var rows [][]bool
	for r, l := range strings.Split(strings.TrimSpace(dump), "\n") {
		var row []bool
		for _, h := range strings.Fields(l) {
			v, err := strconv.ParseUint(h, 16, 8)
			if err != nil {
				t.Fatalf("dump line %d: %v", r, err)
			}
			if len(h) == 1 {
				v <<= 4
			}
			for k := 7; k >= 0 && len(row) < width; k-- {
				row = append(row, v>>k&1 == 1)
			}
		}
		rows = append(rows, row)
	}
	return rows
}
