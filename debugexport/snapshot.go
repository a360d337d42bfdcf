package debugexport

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"sync"
	"sync/atomic"

	"github.com/scannerd/scannerd/scanner"
)

// Snapshots hands single frames to an administrator aiming a camera: the
// next frame a source's decoding finishes, as a PNG with what was read
// drawn on it (outlines, symbology and text, the region of interest). The
// image goes only to the one who asked; it is never written to disk.
type Snapshots struct {
	waiting atomic.Int32 // takers waiting, so that Inspect costs nothing otherwise
	mu      sync.Mutex
	takers  map[string][]chan []byte // by source
}

// NewSnapshots returns a Snapshots with no one waiting.
func NewSnapshots() *Snapshots { return &Snapshots{takers: map[string][]chan []byte{}} }

// Take waits for the next frame of source decoded and returns it as an
// annotated PNG, or ctx's error when none comes first.
func (s *Snapshots) Take(ctx context.Context, source string) ([]byte, error) {
	ch := make(chan []byte, 1)
	s.mu.Lock()
	s.takers[source] = append(s.takers[source], ch)
	s.waiting.Add(1)
	s.mu.Unlock()
	select {
	case png := <-ch:
		return snapshotResult(png)
	case <-ctx.Done():
	}
	s.mu.Lock()
	list := s.takers[source]
	for i, c := range list {
		if c == ch {
			s.takers[source] = append(list[:i:i], list[i+1:]...)
			s.waiting.Add(-1)
			break
		}
	}
	s.mu.Unlock()
	select {
	case png := <-ch: // delivered meanwhile
		return snapshotResult(png)
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
	var buf bytes.Buffer
	// Fast compression: a preview is looked at once.
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	err := enc.Encode(&buf, out)
	clear(out.Pix)
	for _, ch := range takers {
		if err != nil {
			ch <- nil
			continue
		}
		ch <- bytes.Clone(buf.Bytes())
	}
	b := buf.Bytes()
	clear(b[:cap(b)])
}

// errSnapshotEncoding: the frame came but could not be made a PNG.
var errSnapshotEncoding = errors.New("snapshot: the frame could not be encoded as PNG")

func snapshotResult(png []byte) ([]byte, error) {
	if png == nil {
		return nil, errSnapshotEncoding
	}
	return png, nil
}
