package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/scanner"
)

// dropPNGs writes n QR code images into dir as a writer should (a .part
// name, renamed into place), and returns their texts.
func dropPNGs(t *testing.T, dir string, n int) map[string]bool {
	t.Helper()
	texts := map[string]bool{}
	for i := range n {
		text := fmt.Sprintf("parcel %04d", i)
		s, err := symbols.Encode(scanner.QRCode, text)
		if err != nil {
			t.Fatal(err)
		}
		c := symbols.NewCanvas(200, 200, 230)
		c.Draw(s, symbols.Placement{CX: 100, CY: 100, Module: 3, Dark: 20, Light: 235})
		var b bytes.Buffer
		if err := png.Encode(&b, &image.Gray{Pix: c.Pix, Stride: c.Width, Rect: image.Rect(0, 0, c.Width, c.Height)}); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, fmt.Sprintf("%04d.png", i))
		if err := os.WriteFile(path+".part", b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(path+".part", path); err != nil {
			t.Fatal(err)
		}
		texts[text] = true
	}
	return texts
}

func pngsIn(t *testing.T, dir string) int {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "*.png"))
	if err != nil {
		t.Fatal(err)
	}
	return len(m)
}

// A burst of files dropped at once: every one is decoded and delivered
// once, and only then deleted. Files used to be deleted when read and then
// lost to the live queue, which drops the oldest frame when behind (112 of
// 3,000).
func TestDirBurstLosesNoFile(t *testing.T) {
	inbox := t.TempDir()
	const n = 40
	want := dropPNGs(t, inbox, n)
	m := NewMain()
	out := &syncBuffer{}
	m.Stdout, m.Stderr = out, &syncBuffer{}
	m.gate = &holdGate{}
	m.ParseFlags([]string{"-ndjson", "-config", writeConfig(t, fmt.Sprintf(`
[engine]
workers = 1
queue = 1
[[source]]
name = "inbox"
url = "dir:%s"
symbologies = "qr_code"
`, inbox))})
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	waitFor(t, "every file to be decoded", func() bool { return len(readResults(t, out.String())) >= n })
	waitFor(t, "the inbox to empty", func() bool { return pngsIn(t, inbox) == 0 })
	m.Close()
	got := map[string]int{}
	for _, r := range readResults(t, out.String()) {
		got[r.Text]++
	}
	for text := range want {
		if got[text] != 1 {
			t.Errorf("%q delivered %d times", text, got[text])
		}
	}
	if len(got) != n {
		t.Errorf("%d distinct results, want %d", len(got), n)
	}
}

// Frames the license refuses (here: no license, so only the demo camera
// may decode) leave their files in place, unread: they used to be deleted.
func TestDirFilesRefusedByTheLicenseStay(t *testing.T) {
	inbox := t.TempDir()
	dropPNGs(t, inbox, 5)
	m, _, _ := startMain(t, fmt.Sprintf(`
[[source]]
name = "inbox"
url = "dir:%s"
`, inbox))
	waitFor(t, "a refusal", func() bool { return m.d.engine.Stats().Refused > 0 })
	m.Close()
	if got := pngsIn(t, inbox); got != 5 {
		t.Errorf("%d of 5 refused files left in the inbox", got)
	}
}
