//go:build !nocv

package main

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"gocv.io/x/gocv"

	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/scanner"
)

// TestNewLabelOnStillSceneReadAtOnce plays, through real OpenCV, a camera
// looking at a still, textured scene with a label on it, onto which a
// second label is put, then moved: with the live default (adaptive, only
// what changed searched between rescans, here an hour apart) the new
// label is read in the very frame it appears in, and each label is
// delivered once. One worker decodes the frames in order: with two, a
// frame searched in part can be done before the whole one before it.
func TestNewLabelOnStillSceneReadAtOnce(t *testing.T) {
	// The first scene, without labels, shows for n frames, replayed at
	// 25 a second, while the daemon's license is authorized (frames before
	// are refused); each of the others for k frames: a label held still is
	// read in each (and delivered once), so a few show it.
	const w, h, n, k = 960, 540, 10, 3
	type label struct {
		sym    scanner.Symbology
		text   string
		cx, cy float64
	}
	shelf := label{scanner.QRCode, "ON-THE-SHELF", 220, 270}
	arrived := label{scanner.Code128, "JUST-ARRIVED", 700, 200}
	moved := arrived
	moved.cy += 120
	rng := rand.New(rand.NewPCG(8, 9))
	texture := make([]byte, w*h)
	for i := range texture {
		texture[i] = 200
	}
	// Strokes, as of handwriting or a pattern on boxes.
	for i := 0; i < 1500; i++ {
		x, y, l := rng.IntN(w), rng.IntN(h), 10+rng.IntN(30)
		dx, dy := 1, 0
		if i%2 == 1 {
			dx, dy = 0, 1
		}
		for k := 0; k < l; k++ {
			for t := 0; t < 2; t++ {
				if xx, yy := x+k*dx+t*dy, y+k*dy+t*dx; xx < w && yy < h {
					texture[yy*w+xx] = 60
				}
			}
		}
	}
	path := filepath.Join(t.TempDir(), "shelf.avi")
	vw, err := gocv.VideoWriterFile(path, "MJPG", 25, w, h, true)
	if err != nil {
		t.Fatal(err)
	}
	bgr := gocv.NewMat()
	defer bgr.Close()
	// The camera's noise, ±4 levels: frame i takes the window of it
	// that starts i·step further, a pattern of its own made once.
	const step = 7919
	noise := make([]int8, w*h+(n+3*k)*step)
	for i := range noise {
		noise[i] = int8(rng.IntN(9) - 4)
	}
	frame := 0
	for si, scene := range [][]label{{}, {shelf}, {shelf, arrived}, {shelf, moved}} {
		c := symbols.NewCanvas(w, h, 200)
		copy(c.Pix, texture)
		for _, l := range scene {
			s, err := symbols.Encode(l.sym, l.text)
			if err != nil {
				t.Fatal(err)
			}
			for y := int(l.cy) - 70; y < int(l.cy)+70; y++ {
				for x := int(l.cx) - 110; x < int(l.cx)+110; x++ {
					c.Pix[y*w+x] = 235
				}
			}
			c.Draw(s, symbols.Placement{CX: l.cx, CY: l.cy, Module: 3, Dark: 25, Light: 235})
		}
		frames := k
		if si == 0 {
			frames = n
		}
		for i := 0; i < frames; i++ {
			// Each frame with the camera's noise of its own.
			pix := make([]byte, w*h)
			for j, d := range noise[frame*step : frame*step+w*h] {
				pix[j] = uint8(min(255, max(0, int(c.Pix[j])+int(d))))
			}
			frame++
			gray, _ := gocv.NewMatFromBytes(h, w, gocv.MatTypeCV8UC1, pix)
			gocv.CvtColor(gray, &bgr, gocv.ColorGrayToBGR)
			gray.Close()
			vw.Write(bgr)
		}
	}
	vw.Close()
	_, license := startLTS(t)
	m, out, _ := startMain(t, fmt.Sprintf(`
[api]
socket = %q
[engine]
workers = 1
queue = 64
[dedup]
forget = "1h"
[[source]]
name = "shelf"
url = "file:%s"
realtime = true
frame_budget = "0s"
rescan = "1h"
%s`, filepath.Join(t.TempDir(), "scannerd.sock"), path, license))
	waitFor(t, "the file to end", func() bool {
		st := m.d.sourceStatuses()
		es := m.d.engine.Stats()
		return len(st) == 1 && st[0].State == "stopped" && es.Finished() == st[0].Frames
	})
	es := m.d.engine.Stats()
	if es.Dropped != 0 || es.Decoded+es.Refused != n+3*k {
		t.Fatalf("%d frames decoded, %d dropped, of %d", es.Decoded, es.Dropped, n+3*k)
	}
	if es.Refused >= n {
		t.Fatalf("the license refused the first %d frames: the labels came before it was authorized", es.Refused)
	}
	m.Close()
	got := map[string][]uint64{}
	for _, r := range readResults(t, out.String()) {
		got[r.Text] = append(got[r.Text], r.Frame)
	}
	for _, l := range []struct {
		text  string
		first uint64
	}{{shelf.text, n}, {arrived.text, n + k}} {
		if f := got[l.text]; len(f) != 1 || f[0] != l.first {
			t.Errorf("%s delivered in frames %v, want once, in frame %d, the first it is in", l.text, f, l.first)
		}
	}
	if len(got) != 2 {
		t.Errorf("delivered %v", got)
	}
}
