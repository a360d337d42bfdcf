package scanner

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// A Frame is one 8-bit luminance image (0 black, 255 white) on its way
// through the engine, with where and when it was captured. Pixel (x, y) is
// Pix[y*Stride+x].
//
// A Frame from a PlanePool must be handed back with Purge once decoded: its
// bytes are zeroed and the buffer reused, so no image outlives its decoding.
type Frame struct {
	Pix           []byte
	Width, Height int
	Stride        int

	Source     string    // name of the source that captured it
	Seq        uint64    // frame number within the source
	CapturedAt time.Time // when the source read it

	// Color, when the source was asked for it (a debug export of colour
	// frames), holds the frame as captured: B, G, R bytes per pixel, rows
	// of 3×Width bytes. The engine reads only Pix. Purge zeroes it too.
	Color []byte

	// Done, when set, is called once the Engine is finished with the
	// frame, after purging it: with nil when it was decoded (whether or not
	// it held a barcode), or with why it was not: ErrDropped, ErrClosed,
	// ErrBusy, ErrImageTooLarge, an error wrapping ErrRefused or
	// ErrDecoderPanic, ErrDeadline, or the caller's context error. It runs
	// on an engine worker or the caller's goroutine and must not block. A
	// source that must not lose its input (a directory of files) disposes
	// of it here.
	Done func(err error)

	pool *PlanePool
	// decode and release, set on an encoded frame (NewEncodedFrame)
	// until Decode or Purge.
	decode  func() (*Frame, error)
	release func()
}

// NewEncodedFrame returns a frame of width×height whose pixels are not
// made yet: decode makes them, a frame from a pool, when Decode is called
// (the engine calls it on the worker that takes the frame), and release
// then lets go of the encoded image it read (zeroing it). A live frame
// waiting in the engine's queue then holds its encoded bytes, a Motion-JPEG
// frame's JPEG of some 100 KB, rather than a plane (2 MiB at 1080p), and
// one dropped there is never decoded. release is called exactly once: by
// Decode, or by Purge for a frame purged undecoded.
func NewEncodedFrame(width, height int, decode func() (*Frame, error), release func()) *Frame {
	return &Frame{Width: width, Height: height, Stride: width, decode: decode, release: release}
}

// Encoded reports whether the frame's pixels are still to be made by
// Decode.
func (f *Frame) Encoded() bool { return f.decode != nil }

// Decode makes an encoded frame's pixels (NewEncodedFrame); on a frame
// that has them it does nothing. The frame keeps its source, sequence
// number, capture time and Done. When decoding fails the frame is left
// without pixels (Purge still does what it must) and the error returned.
func (f *Frame) Decode() error {
	if f.decode == nil {
		return nil
	}
	decode, release := f.decode, f.release
	f.decode, f.release = nil, nil
	g, err := decode()
	release()
	if err != nil {
		return err
	}
	f.Pix, f.Width, f.Height, f.Stride, f.Color, f.pool = g.Pix, g.Width, g.Height, g.Stride, g.Color, g.pool
	return nil
}

// NewFrame wraps an existing plane (not pooled). Purge still zeroes it.
func NewFrame(pix []byte, width, height, stride int) *Frame {
	return &Frame{Pix: pix, Width: width, Height: height, Stride: stride}
}

// Purge zeroes the frame's pixels and returns its buffer to the pool it came
// from. The frame must not be used afterwards. Purge of a nil or already
// purged frame does nothing.
func (f *Frame) Purge() {
	if f == nil {
		return
	}
	if f.release != nil {
		release := f.release
		f.decode, f.release = nil, nil
		release()
	}
	if f.Pix == nil {
		return
	}
	pix := f.Pix[:cap(f.Pix)]
	clear(pix)
	f.Pix = nil
	var color []byte
	if f.Color != nil {
		color = f.Color[:cap(f.Color)]
		clear(color)
		f.Color = nil
	}
	if f.pool != nil {
		f.pool.put(pix)
		if color != nil {
			f.pool.put(color)
		}
		f.pool = nil
	}
}

// WithColor gives the frame a zeroed colour buffer (3 bytes per pixel) from
// its pool, for sources that keep the colour frame for a debug export.
func (f *Frame) WithColor() []byte {
	n := 3 * f.Width * f.Height
	if f.pool != nil {
		f.Color = f.pool.buffer(n)
	} else {
		f.Color = make([]byte, n)
	}
	return f.Color
}

// PlanePool hands out zeroed luminance buffers and takes them back when
// frames are purged. It keeps a bounded number of free buffers of the few
// sizes most recently returned (a camera's planes, and their colour
// buffers), and counts every buffer so tests (and /metrics) can prove that
// each plane handed out came back zeroed.
type PlanePool struct {
	mu      sync.Mutex
	free    map[int][][]byte // by capacity
	sizes   []int            // the capacities in free, least recently returned first
	maxFree int

	gets, puts, allocs atomic.Uint64
}

// PoolStats counts a pool's buffers (planes, and colour buffers of frames
// that have one) since it was created.
type PoolStats struct {
	Gets     uint64 // buffers handed out
	Puts     uint64 // buffers purged back
	Allocs   uint64 // buffers allocated (the rest were reused)
	Free     int    // buffers waiting for reuse
	Outgoing uint64 // Gets - Puts: buffers not yet purged
}

// maxPoolSizes bounds the sizes a pool keeps free buffers of: images of
// ever new sizes (uploads, files) must not each leave buffers behind.
const maxPoolSizes = 4

// NewPlanePool returns a pool that keeps up to maxFree idle buffers of each
// of the last few sizes returned (8 when maxFree is 0; none when it is
// negative, for frames that are one of a kind, like uploads).
func NewPlanePool(maxFree int) *PlanePool {
	if maxFree == 0 {
		maxFree = 8
	}
	return &PlanePool{free: make(map[int][][]byte), maxFree: maxFree}
}

// Get returns a frame of the given size with a zeroed, tightly packed plane.
func (p *PlanePool) Get(width, height int) *Frame {
	return &Frame{Pix: p.buffer(width * height), Width: width, Height: height, Stride: width, pool: p}
}

// buffer hands out a zeroed buffer of n bytes, counted like a plane.
func (p *PlanePool) buffer(n int) []byte {
	p.gets.Add(1)
	p.mu.Lock()
	var buf []byte
	if list := p.free[n]; len(list) > 0 {
		buf = list[len(list)-1]
		p.free[n] = list[:len(list)-1]
	}
	p.mu.Unlock()
	if buf == nil {
		p.allocs.Add(1)
		buf = make([]byte, n)
	}
	return buf[:n]
}

func (p *PlanePool) put(buf []byte) {
	p.puts.Add(1)
	if p.maxFree < 0 {
		return
	}
	n := cap(buf)
	p.mu.Lock()
	defer p.mu.Unlock()
	if i := slices.Index(p.sizes, n); i >= 0 {
		p.sizes = append(slices.Delete(p.sizes, i, i+1), n)
	} else {
		if len(p.sizes) == maxPoolSizes {
			delete(p.free, p.sizes[0])
			p.sizes = slices.Delete(p.sizes, 0, 1)
		}
		p.sizes = append(p.sizes, n)
	}
	if list := p.free[n]; len(list) < p.maxFree {
		p.free[n] = append(list, buf)
	}
}

// Stats returns the pool's counters.
func (p *PlanePool) Stats() PoolStats {
	p.mu.Lock()
	free := 0
	for _, l := range p.free {
		free += len(l)
	}
	p.mu.Unlock()
	gets, puts := p.gets.Load(), p.puts.Load()
	return PoolStats{Gets: gets, Puts: puts, Allocs: p.allocs.Load(), Free: free, Outgoing: gets - puts}
}

// FreeBuffersZeroed reports whether every idle buffer holds only zeros: the
// proof that purged images leave nothing behind in memory the pool keeps.
func (p *PlanePool) FreeBuffersZeroed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, list := range p.free {
		for _, b := range list {
			for _, v := range b[:cap(b)] {
				if v != 0 {
					return false
				}
			}
		}
	}
	return true
}
