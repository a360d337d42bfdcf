package conf

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// ReadFile refuses what is not a regular file and says what it is in
// words: a directory used to be named by its bare mode type, "d---------".
func TestReadFileSaysWhatANonRegularFileIs(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{dir: "is not a regular file (it is a directory)", fifo: "is not a regular file (it is a named pipe)"} {
		_, err := ReadFile(path)
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "---") {
			t.Errorf("ReadFile(%s): %v, want %q", path, err, want)
		}
	}
	file := filepath.Join(dir, "x.toml")
	if err := os.WriteFile(file, []byte("a = 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := ReadFile(file); err != nil || string(b) != "a = 1\n" {
		t.Errorf("ReadFile(regular) = %q, %v", b, err)
	}
}
