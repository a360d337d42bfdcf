package capture_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/image/bmp"

	"github.com/scannerd/scannerd/capture"
	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/scanner"
)

// brokenPNG is a PNG signature and an end chunk with nothing before it:
// corrupt, where a PNG cut short would end before its end chunk.
const brokenPNG = "\x89PNG\r\n\x1a\n\x00\x00\x00\x00IEND\xaeB`\x82"

// encodeImage encodes a canvas as format.
func encodeImage(t *testing.T, format string, c *symbols.Canvas) []byte {
	t.Helper()
	img := &image.Gray{Pix: c.Pix, Stride: c.Width, Rect: image.Rect(0, 0, c.Width, c.Height)}
	var b bytes.Buffer
	var err error
	switch format {
	case "png":
		err = png.Encode(&b, img)
	case "jpeg":
		err = jpeg.Encode(&b, img, nil)
	case "gif":
		err = gif.Encode(&b, img, nil)
	case "bmp":
		err = bmp.Encode(&b, img)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// appendTo adds data to the end of a file that exists, as a writer that
// writes in place (scp, cp, a network share) does.
func appendTo(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	return errors.Join(err, f.Close())
}

// A file written in place, in pieces with pauses between them, is read
// once complete, not deleted as corrupt when first seen half written: the
// trial that found it wrote half a PNG, waited 3 s, and found the file
// deleted ("not enough pixel data"). Each piece arrives before the file
// has been the same for DirSettle, though after DirSettle since it was
// first seen.
func TestDirSourceWaitsForAFileBeingWritten(t *testing.T) {
	in := openInbox(t, "delete")
	data := encodeImage(t, "png", videoCanvas(t, scanner.QRCode, "written slowly"))
	path := filepath.Join(in.dir, "slow.png")
	if err := os.WriteFile(path, data[:len(data)/3], 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(in.ctx)
	defer cancel()
	start := in.clock.Now()
	pause := capture.DirSettle * 3 / 5
	pieces := [][]byte{data[len(data)/3 : 2*len(data)/3], data[2*len(data)/3:]}
	capture.PaceDir(in.src, func(c context.Context, d time.Duration) error {
		if len(pieces) > 0 && in.clock.Now().Sub(start) >= time.Duration(3-len(pieces))*pause {
			if err := appendTo(path, pieces[0]); err != nil {
				t.Errorf("writing the file's next piece: %v", err)
				cancel()
			}
			pieces = pieces[1:]
		}
		if in.clock.Now().Sub(start) > time.Minute {
			t.Error("the file was not read within a minute")
			cancel()
		}
		return in.clock.wait(c, d)
	})
	f, err := in.src.Read(ctx, in.pool)
	if err != nil {
		t.Fatalf("read: %v\n%s", err, in.logs)
	}
	res, _ := scanner.NewDecoder().Decode(f, scanner.Options{})
	if len(res) != 1 || res[0].Text != "written slowly" {
		t.Errorf("decoded %+v", res)
	}
	if len(pieces) != 0 {
		t.Errorf("read before the file was complete (%d pieces to go)", len(pieces))
	}
	finish(f, nil)
	if in.exists("slow.png") {
		t.Error("the file stayed after it was decoded")
	}
	if strings.Contains(in.logs.String(), "skipped") {
		t.Errorf("a file being written was logged as skipped:\n%s", in.logs)
	}
}

// A file that stays cut short is a bad file once it has not changed for
// DirSettle: skipped, logged once and disposed of, as a corrupt one is at
// once; files that arrive meanwhile are read without waiting for it.
func TestDirSourceSkipsAFileThatStaysCutShort(t *testing.T) {
	in := openInbox(t, "delete")
	data := encodeImage(t, "png", videoCanvas(t, scanner.QRCode, "never finished"))
	if err := os.WriteFile(filepath.Join(in.dir, "short.png"), data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Unix(2_000_000, 0)
	os.Chtimes(filepath.Join(in.dir, "short.png"), old, old)
	in.drop(t, "next.png", "next")
	start := in.clock.Now()
	f, text := in.read(t)
	if text != "next" {
		t.Fatalf("read %q, want the complete file", text)
	}
	finish(f, nil)
	if !in.exists("short.png") {
		t.Fatal("the cut short file was disposed of when first read")
	}
	ctx, cancel := context.WithCancel(in.ctx)
	defer cancel()
	capture.PaceDir(in.src, func(c context.Context, d time.Duration) error {
		if gone := !in.exists("short.png"); gone || in.clock.Now().Sub(start) > time.Minute {
			if gone && in.clock.Now().Sub(start) < capture.DirSettle {
				t.Errorf("the file went after %v, before it had been the same for %v", in.clock.Now().Sub(start), capture.DirSettle)
			}
			cancel()
		}
		return in.clock.wait(c, d)
	})
	if f, err := in.src.Read(ctx, in.pool); err == nil {
		t.Fatalf("read a %d×%d frame from a file cut short", f.Width, f.Height)
	}
	if in.exists("short.png") {
		t.Fatal("the file was never disposed of")
	}
	logs := in.logs.String()
	if n := strings.Count(logs, `msg="image file skipped" source=inbox file=short.png`); n != 1 || !strings.Contains(logs, "not enough pixel data") {
		t.Errorf("logged %d times, want once, with the decoder's error:\n%s", n, logs)
	}
}

// Only errors more bytes could cure count as cut short: a file cut at
// any point is, a corrupt one is not (it is skipped at once).
func TestDirSourceTellsCutShortFromCorrupt(t *testing.T) {
	pool := scanner.NewPlanePool(-1)
	decode := func(data []byte) error {
		f, err := scanner.DecodeImage(data, scanner.DefaultLimits, pool)
		if err == nil {
			f.Purge()
		}
		return err
	}
	// Small, to keep the test quick: the errors are the same.
	c := symbols.NewCanvas(64, 48, 220)
	c.Draw(mustEncode(t, "cut"), symbols.Placement{CX: 32, CY: 24, Module: 2, Dark: 20, Light: 235})
	for _, format := range []string{"png", "jpeg", "gif", "bmp"} {
		data := encodeImage(t, format, c)
		for _, n := range []int{0, 1, 5, 20, 60, len(data) / 5, len(data) / 3, len(data) / 2, len(data) * 4 / 5, len(data) - 1} {
			err := decode(data[:n])
			if err != nil && !capture.CutShort(err, int64(n)) {
				t.Errorf("%s cut at %d of %d bytes: %v is not taken for cut short", format, n, len(data), err)
			}
		}
	}
	flipped := encodeImage(t, "png", c)
	flipped[len(flipped)/2] ^= 0x55 // in the image data: a checksum fails
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"chunks out of order", []byte(brokenPNG)},
		{"a flipped byte", flipped},
		{"not an image", []byte("just some text, not a picture")},
	} {
		err := decode(tc.data)
		if err == nil || capture.CutShort(err, int64(len(tc.data))) {
			t.Errorf("%s: %v taken for cut short", tc.name, err)
		}
	}
	if capture.CutShort(fmt.Errorf("%w: 7000×7000", scanner.ErrImageTooLarge), 100) {
		t.Error("an image too large was taken for cut short")
	}
}

func mustEncode(t *testing.T, text string) *symbols.Symbol {
	t.Helper()
	s, err := symbols.Encode(scanner.QRCode, text)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
