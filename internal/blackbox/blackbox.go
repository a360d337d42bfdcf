// Package blackbox finds and reads the shared set of real barcode images
// (photos and scans with expected texts) that tests and benchmarks score
// decoders against. The set lives outside the repository, in
// ../shared/testdata/blackbox beside the module root, or wherever
// SCANNERD_BLACKBOX points; tests that need it skip when it is absent.
package blackbox

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// EnvDir names the environment variable that overrides the set's location.
const EnvDir = "SCANNERD_BLACKBOX"

// Image is one manifest row.
type Image struct {
	Path     string // absolute path of the image file
	Rel      string // path as written in the manifest
	Folder   string // original test folder, e.g. "qrcode-2"
	Family   string // symbology family, e.g. "qrcode"; "none" for no barcode
	Format   string // expected symbology, ZXing spelling, e.g. "QR_CODE"
	Expected string // expected text, unescaped
}

// Dir returns the directory of the set, or an error saying where it looked.
func Dir() (string, error) {
	if d := os.Getenv(EnvDir); d != "" {
		return d, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			dir := filepath.Join(filepath.Dir(d), "shared", "testdata", "blackbox")
			if _, err := os.Stat(filepath.Join(dir, "manifest.tsv")); err != nil {
				return "", fmt.Errorf("blackbox images not found at %s (set %s to their directory)", dir, EnvDir)
			}
			return dir, nil
		}
		if filepath.Dir(d) == d {
			return "", errors.New("blackbox images: module root not found")
		}
	}
}

// RaceEnabled reports whether the tests run under the race detector, where
// decoding is several times slower: tests that decode many images decode
// fewer there.
func RaceEnabled() bool { return raceEnabled }

// Load returns every image of the manifest for decoding, or skips t when
// the set is absent. Under the race detector it skips too: decoding hundreds
// of photos there takes minutes and tests no concurrency, so make test runs
// the tests named *Blackbox* once more without -race (and only those). A
// test that calls Load must therefore have Blackbox in its name.
func Load(t testing.TB) []Image {
	t.Helper()
	if _, isTest := t.(*testing.T); isTest && !strings.Contains(t.Name(), "Blackbox") {
		t.Fatalf("%s decodes the blackbox images: put Blackbox in its name, so make test runs it without -race", t.Name())
	}
	if raceEnabled {
		t.Skip("skipping the blackbox images under -race (make test decodes them without it)")
	}
	return Manifest(t)
}

// Manifest returns the manifest's rows (for their expected texts), or skips
// t when the set is absent; it decodes nothing, so it runs under -race.
func Manifest(t testing.TB) []Image {
	t.Helper()
	dir, err := Dir()
	if err != nil {
		t.Skipf("skipping: %v", err)
	}
	imgs, err := ReadManifest(filepath.Join(dir, "manifest.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	return imgs
}

// ReadManifest parses a manifest file (header line, then tab-separated
// path, folder, family, format, expected, source).
func ReadManifest(path string) ([]Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	base := filepath.Dir(path)
	var out []Image
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for line := 1; sc.Scan(); line++ {
		if line == 1 {
			continue
		}
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 5 {
			return nil, fmt.Errorf("%s:%d: want at least 5 columns, have %d", path, line, len(cols))
		}
		exp, err := Unescape(cols[4])
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		out = append(out, Image{
			Path: filepath.Join(base, cols[0]), Rel: cols[0], Folder: cols[1],
			Family: cols[2], Format: cols[3], Expected: exp,
		})
	}
	return out, sc.Err()
}

// Unescape reverses the manifest's escaping: \\ \t \n \r and \xHH (a byte,
// read as ISO-8859-1, as ZXing maps binary payloads).
func Unescape(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(s) {
			return "", errors.New("dangling backslash")
		}
		i++
		switch s[i] {
		case '\\':
			b.WriteByte('\\')
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 'x':
			if i+2 >= len(s) {
				return "", errors.New("short \\x escape")
			}
			v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
			if err != nil {
				return "", fmt.Errorf("bad \\x escape: %w", err)
			}
			b.WriteRune(rune(v))
			i += 2
		default:
			return "", fmt.Errorf("unknown escape \\%c", s[i])
		}
	}
	return b.String(), nil
}

// Matches reports whether a decoded text counts as the expected one: equal,
// or equal after dropping one trailing newline.
func Matches(got, expected string) bool {
	return got == expected || strings.TrimSuffix(got, "\n") == expected
}
