//go:build !nocv && linux

package capture_test

import (
	"bufio"
	"os"
	"os/user"
	"strconv"
	"strings"
	"testing"

	"github.com/scannerd/scannerd/capture"
)

// TestLoadPagesLeftToPageCache: the file pages loading touched and the
// program does not read again are not mapped once it runs. Every library
// is linked BIND_NOW, so the dynamic linker reads the symbol tables and
// relocations (each library's first read-only segment) of all of them at
// load: kept, the largest of them, a library the program never calls into
// (GDAL's, 3 MiB, with Debian's OpenCV), is resident whole.
func TestLoadPagesLeftToPageCache(t *testing.T) {
	if os.Getenv("SCANNERD_KEEP_LOAD_PAGES") != "" {
		t.Skip("SCANNERD_KEEP_LOAD_PAGES keeps the pages loading touched")
	}
	if kib := capture.LoadPagesDroppedKiB(); kib < 1024 {
		t.Errorf("start left %d KiB of file pages to the page cache, want several MiB", kib)
	}
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	type mapping struct {
		path      string
		size, rss int // KiB
	}
	var largest, cur mapping
	first := false // cur is a library's first read-only segment
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		switch {
		case len(fields) >= 5 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":"):
			first = len(fields) == 6 && fields[1] == "r--p" && fields[2] == "00000000" && strings.Contains(fields[5], ".so")
			cur = mapping{}
			if first {
				cur.path = fields[5]
			}
		case first && fields[0] == "Size:":
			cur.size, _ = strconv.Atoi(fields[1])
		case first && fields[0] == "Rss:":
			cur.rss, _ = strconv.Atoi(fields[1])
			if cur.size > largest.size {
				largest = cur
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if largest.size < 1024 {
		t.Skipf("no library has a first read-only segment of 1 MiB or more (largest: %s, %d KiB)", largest.path, largest.size)
	}
	if largest.rss > largest.size/4 {
		t.Errorf("%s: %d of the %d KiB of its symbol tables and relocations are resident, want at most a quarter", largest.path, largest.rss, largest.size)
	}
}

// TestLoadPagesStayLeftAfterAGroupLookup: a group or user lookup the
// files do not answer (the daemon's socket and admin groups when they are
// missing, a peer's groups) does not bring back the libraries' symbol
// tables: the name service's modules were loaded before the pages were
// dropped, so none is loaded, and relocated against every library, then.
func TestLoadPagesStayLeftAfterAGroupLookup(t *testing.T) {
	if os.Getenv("SCANNERD_KEEP_LOAD_PAGES") != "" {
		t.Skip("SCANNERD_KEEP_LOAD_PAGES keeps the pages loading touched")
	}
	before := libraryFirstSegmentsKiB(t)
	user.LookupGroup("scannerd-test-no-such-group")
	user.LookupId("4000000000")
	if after := libraryFirstSegmentsKiB(t); after-before > 1024 {
		t.Errorf("a group and a user lookup brought back %d KiB of the libraries' first read-only segments (%d KiB resident, %d before)", after-before, after, before)
	}
}

// libraryFirstSegmentsKiB sums the resident KiB of every library's first
// read-only segment (its symbol tables and relocations).
func libraryFirstSegmentsKiB(t *testing.T) int {
	t.Helper()
	data, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		t.Skip(err)
	}
	total, first := 0, false
	for _, line := range strings.Split(string(data), "\n") {
		fields := strings.Fields(line)
		switch {
		case len(fields) >= 5 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":"):
			first = len(fields) == 6 && fields[1] == "r--p" && fields[2] == "00000000" && strings.Contains(fields[5], ".so")
		case first && len(fields) >= 2 && fields[0] == "Rss:":
			kib, _ := strconv.Atoi(fields[1])
			total += kib
		}
	}
	return total
}
