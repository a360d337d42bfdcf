package packaging_test

import (
	"bytes"
	"debug/elf"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/scannerd/scannerd/internal/blackbox"
	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/packaging/cross"
	"github.com/scannerd/scannerd/scanner"
)

// arm64Env turns on TestArm64Packages (make test-arm64 sets it): it needs
// the cross compilers, qemu and an arm64 sysroot (scripts/deps-cross.sh
// arm64), and minutes that make test does not spend.
const arm64Env = "SCANNERD_TEST_ARM64"

// TestArm64Packages cross-builds the arm64 packages, checks them with
// lintian, and runs their binaries under qemu: scanctl decode must print
// exactly what the amd64 package's scanctl prints for the same images.
func TestArm64Packages(t *testing.T) {
	if os.Getenv(arm64Env) == "" {
		t.Skipf("skipping: cross-builds and emulates arm64; make test-arm64 runs it (%s=1)", arm64Env)
	}
	target := cross.Targets["arm64"]
	need(t, target.Qemu, target.Triplet+"-gcc", "lintian")
	sysroot, err := target.Sysroot()
	if err != nil {
		t.Fatal(err)
	}
	current := debs(t)
	arm, err := runMkdeb(mkdebBinary(t), filepath.Join(built.dir, "arm64"), "--arch", "arm64")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"scannerd", "ltsd"} {
		if arch := strings.TrimSpace(run(t, "", "dpkg-deb", "-f", arm[name], "Architecture")); arch != "arm64" {
			t.Errorf("%s: Architecture %s", name, arch)
		}
	}
	depends := run(t, "", "dpkg-deb", "-f", arm["scannerd"], "Depends")
	for _, lib := range []string{"libopencv-core406", "libopencv-imgproc406", "libopencv-imgcodecs406", "libopencv-videoio406", "libdeflate0", "libjpeg62-turbo", "libc6", "libstdc++6"} {
		if !strings.Contains(depends, lib) {
			t.Errorf("arm64 Depends lacks %s: %s", lib, depends)
		}
	}
	lintianClean(t, arm["scannerd"], arm["ltsd"])

	armRoot, amdRoot := extract(t, arm["scannerd"]), extract(t, current["scannerd"])
	ltsdRoot := extract(t, arm["ltsd"])
	for _, bin := range []string{filepath.Join(armRoot, "usr/bin/scannerd"), filepath.Join(armRoot, "usr/bin/scanctl"), filepath.Join(ltsdRoot, "usr/bin/ltsd")} {
		f, err := elf.Open(bin)
		if err != nil {
			t.Fatal(err)
		}
		if f.Machine != elf.EM_AARCH64 {
			t.Errorf("%s is for %v", bin, f.Machine)
		}
		f.Close()
	}
	videoIOOnlyInDaemon(t, armRoot)
	// The arm64 binaries run on the sysroot's libraries, under qemu.
	qemu := func(args ...string) (string, error) {
		cmd := exec.Command(target.Qemu, append([]string{"-L", filepath.Join(sysroot, "root"),
			"-E", "LD_LIBRARY_PATH=" + strings.Join(target.LibDirs(sysroot), ":"), "-E", "OPENCV_LOG_LEVEL=ERROR"}, args...)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Errorf("qemu %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return string(out), err
	}
	version := strings.TrimSuffix(strings.TrimSpace(run(t, "", "dpkg-deb", "-f", arm["scannerd"], "Version")), "-1")
	if out, _ := qemu(filepath.Join(armRoot, "usr/bin/scanctl"), "version"); out != "scanctl "+version+"\n" {
		t.Errorf("arm64 scanctl version: %q", out)
	}
	if out, _ := qemu(filepath.Join(armRoot, "usr/bin/scannerd"), "--check-config", "--config", filepath.Join(armRoot, "etc/scannerd/scannerd.toml")); !strings.Contains(out, "ok") {
		t.Errorf("arm64 scannerd --check-config: %q", out)
	}
	home := filepath.Join(t.TempDir(), "lts")
	qemu(filepath.Join(ltsdRoot, "usr/bin/ltsd"), "init", "--host", "lts.example.com", home)
	if out, _ := qemu(filepath.Join(ltsdRoot, "usr/bin/ltsd"), "pin", "--config", filepath.Join(home, "ltsd.toml")); !strings.Contains(out, `lts_url = "https://lts.example.com:8443"`) {
		t.Errorf("arm64 ltsd pin:\n%s", out)
	}

	images := smokeImages(t)
	args := append([]string{"decode", "--tsv"}, images...)
	want := run(t, "", filepath.Join(amdRoot, "usr/bin/scanctl"), args...)
	got, _ := qemu(append([]string{filepath.Join(armRoot, "usr/bin/scanctl")}, args...)...)
	if got != want {
		t.Errorf("arm64 scanctl decode printed\n%s\namd64 printed\n%s", got, want)
	}
	if n := strings.Count(want, "\n"); n < 4 {
		t.Errorf("only %d barcodes read from %d images: the comparison says little", n, len(images))
	}
	t.Logf("%d images, %d barcodes, the same on arm64 and amd64", len(images), strings.Count(want, "\n"))
}

// smokeImages returns images to decode: a few made here, and the first
// image of a dozen folders of the shared dev set when it is there.
func smokeImages(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for _, c := range []struct {
		sym  scanner.Symbology
		text string
	}{
		{scanner.QRCode, "arm64 smoke test"}, {scanner.Code128, "ARM64-128"}, {scanner.DataMatrix, "arm64 matrix"}, {scanner.EAN13, "5901234123457"},
	} {
		s, err := symbols.Encode(c.sym, c.text)
		if err != nil {
			t.Fatal(err)
		}
		canvas := symbols.NewCanvas(480, 320, 230)
		canvas.Draw(s, symbols.Placement{CX: 240, CY: 160, Module: 3, Dark: 20, Light: 240})
		var b bytes.Buffer
		png.Encode(&b, &image.Gray{Pix: canvas.Pix, Stride: canvas.Width, Rect: image.Rect(0, 0, canvas.Width, canvas.Height)})
		p := filepath.Join(dir, c.sym.String()+".png")
		if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	if _, err := blackbox.Dir(); err != nil {
		t.Logf("decoding only images made here: %v", err)
		return paths
	}
	first := map[string]string{}
	for _, img := range blackbox.Manifest(t) {
		if p, ok := first[img.Folder]; !ok || img.Path < p {
			first[img.Folder] = img.Path
		}
	}
	for _, folder := range []string{"qrcode-1", "ean13-1", "code128-2", "datamatrix-1", "aztec-1", "pdf417-1", "upca-1",
		"rss14-1", "itf-1", "maxicode-1", "codabar-1", "falsepositives"} {
		if p, ok := first[folder]; ok {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths[4:])
	return paths
}
