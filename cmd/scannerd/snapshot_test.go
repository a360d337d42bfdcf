package main

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"testing"
	"time"

	"github.com/scannerd/scannerd/api/client"
)

// TestSnapshotOfTheDemoCamera: an admin asking for a snapshot over the
// socket gets a frame of the running source, at its size.
func TestSnapshotOfTheDemoCamera(t *testing.T) {
	m, _, _ := startMain(t, `
[[source]]
name = "demo"
url = "demo"
width = 640
height = 360
fps = 15
`)
	c := client.New(m.d.cfg.Load().API.Socket)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b, err := c.Snapshot(ctx, "demo", 20*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds() != image.Rect(0, 0, 640, 360) {
		t.Errorf("snapshot of %v, want 640×360", img.Bounds())
	}
	if _, err := c.Snapshot(ctx, "nope", time.Second); err == nil {
		t.Error("a snapshot of a source that does not exist")
	}
}
