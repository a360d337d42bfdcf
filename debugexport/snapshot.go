package debugexport

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"sync"
	"sync/atomic"

	"github.com/scannerd/scannerd/scanner"
)

// Snapshots hands single frames to an administrator aiming a camera: the
// next frame a source's decoding finishes, as a PNG or JPEG with what was
// read drawn on it (outlines, symbology and text, the region of interest,
// the proposed regions). The image goes only to the one who asked; it is
// never written to disk.
type Snapshots struct {
	waiting atomic.Int32 // takers waiting, so that Inspect costs nothing otherwise
	mu      sync.Mutex
	takers  map[string][]taker // by source
}

// taker is one request waiting for a frame.
type taker struct {
	ch   chan []byte
	jpeg bool
}

// NewSnapshots returns a Snapshots with no one waiting.
func NewSnapshots() *Snapshots { return &Snapshots{takers: map[string][]taker{}} }

// Take waits for the next frame of source decoded and returns it as an
// annotated PNG, or ctx's error when none comes first.
func (s *Snapshots) Take(ctx context.Context, source string) ([]byte, error) {
	return s.take(ctx, source, false)
}

// TakeJPEG is Take with a JPEG: smaller, for a preview refreshed several
// times a second.
func (s *Snapshots) TakeJPEG(ctx context.Context, source string) ([]byte, error) {
	return s.take(ctx, source, true)
}

func (s *Snapshots) take(ctx context.Context, source string, jpeg bool) ([]byte, error) {
	ch := make(chan []byte, 1)
	s.mu.Lock()
	s.takers[source] = append(s.takers[source], taker{ch: ch, jpeg: jpeg})
	s.waiting.Add(1)
	s.mu.Unlock()
	select {
	case img := <-ch:
		return snapshotResult(img)
	case <-ctx.Done():
	}
	s.mu.Lock()
	list := s.takers[source]
	for i, c := range list {
		if c.ch == ch {
			s.takers[source] = append(list[:i:i], list[i+1:]...)
			s.waiting.Add(-1)
			break
		}
	}
	s.mu.Unlock()
	select {
	case img := <-ch: // delivered meanwhile
		return snapshotResult(img)
	default:
		return nil, ctx.Err()
	}
}

// Inspect is the engine's hook for each decoded frame (before the frame
// is purged): a frame of a source someone waits for is copied and drawn.
func (s *Snapshots) Inspect(f *scanner.Frame, rep *scanner.FrameReport) {
	if s.waiting.Load() == 0 {
		return
	}
	s.mu.Lock()
	takers := s.takers[f.Source]
	delete(s.takers, f.Source)
	s.waiting.Add(-int32(len(takers)))
	s.mu.Unlock()
	if len(takers) == 0 {
		return
	}
	gray := image.NewGray(image.Rect(0, 0, f.Width, f.Height))
	for y := 0; y < f.Height; y++ {
		copy(gray.Pix[y*f.Width:(y+1)*f.Width], f.Pix[y*f.Stride:])
	}
	sc := newSidecar("", rep)
	out := Annotate(gray, &sc)
	clear(gray.Pix)
	var encoded [2][]byte // PNG, JPEG: each made once, for those who want it
	for _, t := range takers {
		k := 0
		if t.jpeg {
			k = 1
		}
		if encoded[k] == nil {
			encoded[k] = encodeSnapshot(out, t.jpeg)
		}
		if len(encoded[k]) == 0 {
			t.ch <- nil
			continue
		}
		t.ch <- bytes.Clone(encoded[k])
	}
	clear(out.Pix)
	for _, b := range encoded {
		clear(b[:cap(b)])
	}
}

// encodeSnapshot encodes img, or returns an empty slice when it cannot.
// Fast settings: a preview is looked at once.
func encodeSnapshot(img image.Image, asJPEG bool) []byte {
	var buf bytes.Buffer
	var err error
	if asJPEG {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 75})
	} else {
		enc := png.Encoder{CompressionLevel: png.BestSpeed}
		err = enc.Encode(&buf, img)
	}
	if err != nil {
		b := buf.Bytes()
		clear(b[:cap(b)])
		return []byte{}
	}
	return buf.Bytes()
}

// errSnapshotEncoding: the frame came but could not be encoded.
var errSnapshotEncoding = errors.New("snapshot: the frame could not be encoded")

func snapshotResult(img []byte) ([]byte, error) {
	if img == nil {
		return nil, errSnapshotEncoding
	}
	return img, nil
}
