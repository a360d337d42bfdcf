package packaging_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// The packages are built once per test run, by the first test that needs
// them, into a directory removed at the end.
var (
	debOnce sync.Once
	debs    map[string]string // package name → .deb path
	debErr  error
)

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return fmt.Sprintf("scripts/deb.sh: %v\n%s", e.err, e.out) }

func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range debs {
		os.RemoveAll(filepath.Dir(d))
		break
	}
	os.Exit(code)
}
