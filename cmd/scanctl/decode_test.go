package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/scannerd/scannerd/internal/imagebomb"
	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/internal/zint"
	"github.com/scannerd/scannerd/scanner"
)

func writeCodePNG(t *testing.T, path string, sym scanner.Symbology, text string) {
	t.Helper()
	c := symbols.NewCanvas(480, 320, 230)
	if text != "" {
		s, err := symbols.Encode(sym, text)
		if err != nil {
			t.Fatal(err)
		}
		c.Draw(s, symbols.Placement{CX: 240, CY: 160, Module: 3, Dark: 20, Light: 240})
	}
	var b bytes.Buffer
	png.Encode(&b, &image.Gray{Pix: c.Pix, Stride: c.Width, Rect: image.Rect(0, 0, c.Width, c.Height)})
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func runScanctl(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code = m.Run(context.Background(), args)
	return code, out.String(), errb.String()
}

func TestDecodeFilesAndDirectories(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	writeCodePNG(t, filepath.Join(dir, "a.png"), scanner.QRCode, "tab\there\nnew line\\back")
	writeCodePNG(t, filepath.Join(dir, "sub", "b.png"), scanner.Code128, "SUB-B")
	writeCodePNG(t, filepath.Join(dir, "sub", "empty.png"), 0, "")
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not an image"), 0o644)        // skipped: not an image name
	os.WriteFile(filepath.Join(dir, "sub", "broken.png"), []byte("\x89PNG\r\n"), 0o644) // named, unreadable

	code, out, errs := runScanctl("decode", "--tsv", "-j", "2", dir)
	want := dir + "/a.png\tQR_CODE\ttab\\there\\nnew line\\\\back\n" + dir + "/sub/b.png\tCODE_128\tSUB-B\n"
	if out != want {
		t.Errorf("--tsv output:\n%q\nwant\n%q", out, want)
	}
	if code != exitFailure || !strings.Contains(errs, "broken.png") || strings.Contains(errs, "notes.txt") {
		t.Errorf("exit %d, stderr %q: want 1 and the broken file named", code, errs)
	}

	code, out, _ = runScanctl("decode", "--json", "--symbologies", "code_128", filepath.Join(dir, "a.png"), filepath.Join(dir, "sub", "b.png"))
	if code != exitOK || strings.Count(out, "\n") != 1 || !strings.Contains(out, `"symbology":"CODE_128"`) || !strings.Contains(out, `"points":[[`) {
		t.Errorf("--json --symbologies: exit %d\n%s", code, out)
	}
	code, out, _ = runScanctl("decode", filepath.Join(dir, "sub", "b.png"))
	if code != exitOK || out != dir+"/sub/b.png: CODE_128 SUB-B\n" {
		t.Errorf("plain output: exit %d %q", code, out)
	}
	for _, args := range [][]string{
		{"decode"},
		{"decode", "--tsv", "--json", dir},
		{"decode", "--symbologies", "klingon", dir},
		{"decode", "--msi-check", "mod12", dir},
	} {
		if code, _, _ := runScanctl(args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
	if code, _, errs := runScanctl("decode", filepath.Join(dir, "missing.png")); code != exitFailure || !strings.Contains(errs, "missing.png") {
		t.Errorf("missing file: exit %d %q", code, errs)
	}
}

// TestDecodeSequence: a structured append symbol's place in its set
// follows its text in the plain output and has its own member in --json;
// a whole set in one image is one line.
func TestDecodeSequence(t *testing.T) {
	zint.Need(t)
	dir := t.TempDir()
	var imgs []*image.Gray
	for i, part := range []string{"first, ", "second, ", "third"} {
		img, _ := zint.Image(t, "-b", "QRCODE", fmt.Sprintf("--structapp=%d,3,77", i+1), "-d", part).Render(zint.Scene{Module: 3})
		imgs = append(imgs, img)
	}
	write := func(name string, parts ...*image.Gray) string {
		w, h := 0, 0
		for _, p := range parts {
			w, h = w+p.Rect.Dx(), max(h, p.Rect.Dy())
		}
		frame := image.NewGray(image.Rect(0, 0, w, h))
		draw.Draw(frame, frame.Rect, image.White, image.Point{}, draw.Src)
		x := 0
		for _, p := range parts {
			draw.Draw(frame, p.Rect.Add(image.Pt(x, 0)), p, image.Point{}, draw.Src)
			x += p.Rect.Dx()
		}
		var b bytes.Buffer
		png.Encode(&b, frame)
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	second := write("second.png", imgs[1])
	whole := write("whole.png", imgs[2], imgs[0], imgs[1])
	if code, out, _ := runScanctl("decode", second, whole); code != exitOK ||
		out != second+": QR_CODE second,  (symbol 2 of 3, set 4d)\n"+whole+": QR_CODE first, second, third (3 symbols joined, set 4d)\n" {
		t.Errorf("plain: exit %d %q", code, out)
	}
	if code, out, _ := runScanctl("decode", "--json", second); code != exitOK || !strings.Contains(out, `"sequence":{"index":1,"count":3,"id":"4d"}`) {
		t.Errorf("--json: exit %d %q", code, out)
	}
}

// TestDecodeAddOn: an EAN-13 symbol's add-on follows its text in the plain
// output and has its own member in --json; --ean-addon require drops a
// symbol without one.
func TestDecodeAddOn(t *testing.T) {
	zint.Need(t)
	dir := t.TempDir()
	write := func(name string, args ...string) string {
		img, _ := zint.Image(t, args...).Render(zint.Scene{Module: 3})
		var b bytes.Buffer
		png.Encode(&b, img)
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	book := write("book.png", "-b", "EANX", "-d", "978073520044+51299")
	bare := write("bare.png", "-b", "EANX", "-d", "978073520044")
	if code, out, _ := runScanctl("decode", book, bare); code != exitOK ||
		out != book+": EAN_13 9780735200449 +51299\n"+bare+": EAN_13 9780735200449\n" {
		t.Errorf("plain: exit %d %q", code, out)
	}
	if code, out, _ := runScanctl("decode", "--json", book); code != exitOK || !strings.Contains(out, `"text":"9780735200449","addon":"51299"`) {
		t.Errorf("--json: exit %d %q", code, out)
	}
	if code, out, _ := runScanctl("decode", "--tsv", "--ean-addon", "require", book, bare); code != exitOK || out != book+"\tEAN_13\t9780735200449\n" {
		t.Errorf("--tsv --ean-addon require: exit %d %q", code, out)
	}
	if code, _, errs := runScanctl("decode", "--ean-addon", "often", book); code != exitUsage || !strings.Contains(errs, "often") {
		t.Errorf("--ean-addon often: exit %d %q", code, errs)
	}
}

func TestEscapeText(t *testing.T) {
	for in, want := range map[string]string{
		"plain": "plain", "a\tb": `a\tb`, "l1\nl2\r": `l1\nl2\r`, `back\slash`: `back\\slash`,
		"gs\x1dsep": `gs\x1dsep`, "del\x7f": `del\x7f`, "ünïcode": "ünïcode", "raw\xff": "raw\xff",
	} {
		if got := escapeText(in); got != want {
			t.Errorf("escapeText(%q) = %q, want %q", in, got, want)
		}
	}
}

// A barcode cannot reach the terminal with control characters: the plain
// output of decode (and watch) shows them escaped, so an escape sequence
// in a symbol cannot recolour the screen or retitle the window.
func TestPlainOutputEscapesControls(t *testing.T) {
	for in, want := range map[string]string{
		"plain": "plain", "a\tb": `a\tb`, "l1\nl2\r": `l1\nl2\r`, `back\slash`: `back\slash`,
		"\x1b[31mred": `\x1b[31mred`, "gs\x1dsep": `gs\x1dsep`, "del\x7f": `del\x7f`,
		"csi\u009b2J": `csi\u009b2J`, "ünïcode": "ünïcode",
	} {
		if got := oneLine(in); got != want {
			t.Errorf("oneLine(%q) = %q, want %q", in, got, want)
		}
	}
	img := filepath.Join(t.TempDir(), "esc.png")
	writeCodePNG(t, img, scanner.QRCode, "a\x1b]0;pwned\x07\x1b[31mRED")
	code, out, errs := runScanctl("decode", img)
	if code != exitOK || !strings.Contains(out, `a\x1b]0;pwned\x07\x1b[31mRED`) || strings.ContainsAny(out, "\x1b\x07") {
		t.Errorf("exit %d %q %q", code, out, errs)
	}
}

// A file name is escaped as barcode text is: a tab or newline in it cannot
// add a TSV column or split a record, and an escape sequence in it cannot
// reach the terminal, on stdout or in an error on stderr.
func TestDecodeEscapesPaths(t *testing.T) {
	dir := t.TempDir()
	name := "a\tb\nc\x1b[31md\\e.png"
	writeCodePNG(t, filepath.Join(dir, name), scanner.Code128, "X1")
	os.WriteFile(filepath.Join(dir, "bad\x1b]0;t\x07.png"), []byte("\x89PNG\r\n"), 0o644)

	code, out, errs := runScanctl("decode", "--tsv", "-j", "1", dir)
	want := dir + `/a\tb\nc\x1b[31md\\e.png` + "\tCODE_128\tX1\n"
	if code != exitFailure || out != want {
		t.Errorf("--tsv: exit %d\n%q\nwant\n%q", code, out, want)
	}
	if !strings.Contains(errs, `bad\x1b]0;t\x07.png`) || strings.ContainsAny(errs, "\x1b\x07") {
		t.Errorf("stderr %q: want the unreadable file named, escaped", errs)
	}
	code, out, errs = runScanctl("decode", "-j", "1", dir)
	want = dir + `/a\tb\nc\x1b[31md\e.png` + ": CODE_128 X1\n"
	if code != exitFailure || out != want || strings.ContainsAny(errs, "\x1b\x07") {
		t.Errorf("plain: exit %d\n%q\nwant\n%q\nstderr %q", code, out, want, errs)
	}
	// An error from the command line names the file escaped too.
	code, _, errs = runScanctl("debug", "annotate", filepath.Join(dir, "x\x1b[2J.png"))
	if code != exitFailure || !strings.Contains(errs, `x\x1b[2J`) || strings.Contains(errs, "\x1b") {
		t.Errorf("annotate: exit %d, stderr %q", code, errs)
	}
}

func TestDebugAnnotate(t *testing.T) {
	dir := t.TempDir()
	img := filepath.Join(dir, "cam-1.png")
	writeCodePNG(t, img, scanner.QRCode, "annotate me")
	os.WriteFile(filepath.Join(dir, "cam-1.json"), []byte(`{"image":"cam-1.png","source":"cam","frame":1,"width":480,"height":320,
"captured_at":"2026-11-29T10:00:00Z","decoded_at":"2026-11-29T10:00:00Z","options":{"symbologies":"QR_CODE","try_harder":false,"try_inverted":false,"try_rotated":true,"expected_count":0},
"results":[{"symbology":"QR_CODE","text":"annotate me","points":[[200,120],[280,120],[280,200],[200,200]],"strategy":"hybrid"}],"passes":[],"candidates":1}`), 0o644)
	code, out, errs := runScanctl("debug", "annotate", img)
	if code != exitOK || !strings.Contains(out, "1 barcodes drawn") {
		t.Fatalf("exit %d %q %q", code, out, errs)
	}
	fh, err := os.Open(filepath.Join(dir, "cam-1.annotated.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	if a, err := png.Decode(fh); err != nil || a.Bounds().Dx() != 480 {
		t.Errorf("annotated image: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "cam-1.json"), []byte(`{"width":1}`), 0o644)
	if code, _, _ := runScanctl("debug", "annotate", img); code != exitFailure {
		t.Errorf("a sidecar of another size: exit %d", code)
	}
}

func TestDecodeCPUProfile(t *testing.T) {
	dir := t.TempDir()
	img := filepath.Join(dir, "a.png")
	writeCodePNG(t, img, scanner.QRCode, "profiled")
	prof := filepath.Join(dir, "cpu.prof")
	if code, out, errs := runScanctl("decode", "--tsv", "-j", "1", "--cpuprofile", prof, img); code != exitOK || !strings.Contains(out, "profiled") {
		t.Fatalf("exit %d, out %q, stderr %q", code, out, errs)
	}
	data, err := os.ReadFile(prof)
	if err != nil || !bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
		t.Errorf("profile: %v, %d bytes, want a gzipped pprof profile", err, len(data))
	}
	if code, _, errs := runScanctl("decode", "--cpuprofile", filepath.Join(dir, "no", "such", "dir"), img); code != exitFailure || !strings.Contains(errs, "cpu profile") {
		t.Errorf("unwritable profile: exit %d %q", code, errs)
	}
}

// TestDecodeRefusesBadNumbers: a --jobs, --expect or --max-pixels out of
// range is a usage error named on stderr, before any image is read; -j
// 100000 used to exhaust the runtime's threads.
func TestDecodeRefusesBadNumbers(t *testing.T) {
	img := filepath.Join(t.TempDir(), "a.png")
	writeCodePNG(t, img, scanner.QRCode, "bounded")
	for _, args := range [][]string{
		{"-j", "100000"}, {"-j", "257"}, {"-j", "-1"}, {"--expect", "-1"}, {"--max-pixels", "0"}, {"--max-pixels", "-1"},
	} {
		code, out, errs := runScanctl(append(append([]string{"decode"}, args...), img)...)
		if code != exitUsage || out != "" || !strings.Contains(errs, strings.TrimLeft(args[0], "-")) || !strings.Contains(errs, args[1]) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want %d and the flag named", args, code, out, errs, exitUsage)
		}
	}
	if code, out, _ := runScanctl("decode", "-j", "256", "--expect", "1", "--max-pixels", "153600", img); code != exitOK || !strings.Contains(out, "bounded") {
		t.Errorf("-j 256 --expect 1 --max-pixels 153600: exit %d %q", code, out)
	}
}

// TestDecodeRefusesNonRegularFiles: a named pipe given on the command line
// is refused at once, not waited on forever (open blocks until a writer
// comes, and no signal ends it); one below a directory with an image's
// name is named on stderr as skipped, and a symbolic link to an image is
// read.
func TestDecodeRefusesNonRegularFiles(t *testing.T) {
	dir := t.TempDir()
	writeCodePNG(t, filepath.Join(dir, "a.png"), scanner.QRCode, "regular")
	fifo := filepath.Join(dir, "pipe.png")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	if err := os.Symlink("a.png", filepath.Join(dir, "link.png")); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runScanctl("decode", "--tsv", fifo)
	if code != exitFailure || out != "" || !strings.Contains(errs, fifo+": not a regular file: a named pipe") {
		t.Errorf("a named pipe: exit %d, stdout %q, stderr %q; want 1 and the pipe named", code, out, errs)
	}
	code, out, errs = runScanctl("decode", "--tsv", dir)
	want := dir + "/a.png\tQR_CODE\tregular\n" + dir + "/link.png\tQR_CODE\tregular\n"
	if code != exitOK || out != want || !strings.Contains(errs, fifo+": skipped: not a regular file: a named pipe") {
		t.Errorf("a directory with a pipe: exit %d, stdout %q, stderr %q; want 0, both images and the pipe named", code, out, errs)
	}
}

// An empty file is named as empty, not as of an unsupported format.
func TestDecodeNamesAnEmptyFile(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "empty.png")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runScanctl("decode", "--tsv", empty)
	if code != exitFailure || out != "" || !strings.Contains(errs, "empty file") || strings.Contains(errs, "unsupported") {
		t.Errorf("an empty .png: exit %d, stdout %q, stderr %q; want 1 and \"empty file\"", code, out, errs)
	}
}

// TestDecodeRefusesTruncatedJPEG: a photo cut short is an error naming
// what is wrong, the one the daemon gives for it, not a result from
// libjpeg's grey-filled remainder.
func TestDecodeRefusesTruncatedJPEG(t *testing.T) {
	dir := t.TempDir()
	c := symbols.NewCanvas(320, 240, 230)
	s, err := symbols.Encode(scanner.EAN13, "4006381333931")
	if err != nil {
		t.Fatal(err)
	}
	c.Draw(s, symbols.Placement{CX: 160, CY: 120, Module: 2, Dark: 20, Light: 240})
	var b bytes.Buffer
	if err := jpeg.Encode(&b, &image.Gray{Pix: c.Pix, Stride: c.Width, Rect: image.Rect(0, 0, c.Width, c.Height)}, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	whole := filepath.Join(dir, "whole.jpg")
	cut := filepath.Join(dir, "cut.jpg")
	os.WriteFile(whole, b.Bytes(), 0o644)
	os.WriteFile(cut, b.Bytes()[:b.Len()*6/10], 0o644)
	if code, out, errs := runScanctl("decode", "--tsv", whole); code != exitOK || !strings.Contains(out, "4006381333931") {
		t.Fatalf("the whole file: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	code, out, errs := runScanctl("decode", "--tsv", cut)
	if code != exitFailure || out != "" || !strings.Contains(errs, "cut.jpg") || !strings.Contains(errs, "corrupt image: jpeg: invalid JPEG format: short Huffman data") {
		t.Errorf("60%% of a JPEG: exit %d, stdout %q, stderr %q; want 1 and the daemon's error", code, out, errs)
	}
}

// TestDecodeSaysCompressedBMPIsUnsupported: a valid run-length encoded
// BMP is an unsupported kind of image, not a corrupt one.
func TestDecodeSaysCompressedBMPIsUnsupported(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rle8.bmp")
	if err := os.WriteFile(path, []byte(imagebomb.RLE8BMP), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runScanctl("decode", path)
	if code != exitFailure || !strings.Contains(errs, "unsupported image format") || !strings.Contains(errs, "compressed") || strings.Contains(errs, "corrupt") {
		t.Errorf("exit %d, stderr %q; want 1 and an unsupported (compressed) BMP", code, errs)
	}
}
