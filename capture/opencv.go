//go:build !nocv && (gocv_videoio || !gocv_specific_modules)

package capture

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"sync"
	"time"

	"gocv.io/x/gocv"

	"github.com/scannerd/scannerd/scanner"
)

// cvSource reads a camera, video file, GStreamer pipeline or RTSP stream
// through OpenCV. Colour frames become gray once, in OpenCV, and the Mats
// are zeroed after every copy so no image lingers in capture buffers.
//
// A Motion-JPEG file is read as its JPEG frames (OpenCV's raw mode), each
// decoded as gray straight into the frame's plane: libjpeg then skips
// the colour channels' transforms and the conversion to BGR and back to
// gray, which cost more than half of reading such a frame (a 1080p frame
// of the pipeline benchmark's videos: 2.9 ms of CPU against 6.2 ms for
// OpenCV's BGR frame and 0.9 ms more to make it gray and wipe it).
type cvSource struct {
	spec      Spec
	target    Target
	clock     func() time.Time
	log       *slog.Logger
	keepColor func() bool
	devices   Devices
	encoded   bool // Env.Encoded
	jpegs     jpegBuffers

	node      string // the camera's device node while open
	vc        *gocv.VideoCapture
	raw, gray gocv.Mat
	// rawJPEG: raw holds each frame as a JPEG file (a Motion-JPEG file
	// in raw mode), decoded by decodeImage; color is its colour image
	// when one is kept.
	rawJPEG  bool
	color    gocv.Mat
	seq      uint64
	interval time.Duration // real-time pacing of files
	next     time.Time
}

func newOpenCVSource(spec Spec, t Target, env Env) (Source, error) {
	return &cvSource{spec: spec, target: t, clock: env.Clock, log: env.Logger, keepColor: env.KeepColor, devices: env.Devices,
		encoded: env.Encoded}, nil
}

// DevicePath returns the camera's device node while it is open, so that
// the runner can tell when it vanishes.
func (s *cvSource) DevicePath() string { return s.node }

func (s *cvSource) Open(ctx context.Context) error {
	var (
		vc  *gocv.VideoCapture
		err error
	)
	switch s.target.Kind {
	case KindCamera:
		// Looked up at each opening: a camera named by link, serial or
		// name comes back under whichever number it gets.
		dev, rerr := s.devices.Resolve(s.target.Camera)
		if rerr != nil {
			return fmt.Errorf("open %s: %w", s.spec.Name, rerr)
		}
		s.node = dev.Node
		vc, err = gocv.VideoCaptureDeviceWithAPI(dev.Index, gocv.VideoCaptureV4L2)
	case KindFile:
		// OpenCV says only that it failed; the file system says why.
		if _, serr := os.Stat(s.target.Path); serr != nil {
			return fmt.Errorf("open %s: %w", s.spec.Name, serr)
		}
		vc, err = gocv.VideoCaptureFile(s.target.Path)
	case KindGst:
		vc, err = gocv.VideoCaptureFileWithAPI(s.target.Path, gocv.VideoCaptureGstreamer)
	case KindRTSP:
		vc, err = gocv.VideoCaptureFileWithAPI(s.target.Path, gocv.VideoCaptureFFmpeg)
	default:
		return fmt.Errorf("%w: %s is not an OpenCV source", ErrBadSpec, s.spec.URL)
	}
	if err != nil || vc == nil || !vc.IsOpened() {
		if vc != nil {
			vc.Close()
		}
		return fmt.Errorf("open %s: cannot open %s%s", s.spec.Name, Redacted(s.spec.URL), openHint(s.target.Kind))
	}
	if s.target.Kind == KindCamera {
		s.configureCamera(vc)
	}
	s.vc = vc
	s.raw, s.gray, s.color = gocv.NewMat(), gocv.NewMat(), gocv.NewMat()
	s.rawJPEG = false
	if s.target.Kind == KindFile && vc.CodecString() == "MJPG" {
		// Only FFmpeg's backend has a raw mode; where the setting does
		// not take, frames come decoded as before.
		vc.Set(gocv.VideoCaptureFormat, -1)
		s.rawJPEG = vc.Get(gocv.VideoCaptureFormat) == -1
	}
	s.interval = 0
	if s.target.Kind == KindFile && s.spec.Realtime {
		fps := s.spec.FPS
		if fps <= 0 {
			fps = vc.Get(gocv.VideoCaptureFPS)
		}
		if fps > 0 {
			s.interval = time.Duration(float64(time.Second) / fps)
		}
	}
	s.next = time.Time{}
	return nil
}

func (s *cvSource) configureCamera(vc *gocv.VideoCapture) {
	if s.spec.FourCC != "" {
		vc.Set(gocv.VideoCaptureFOURCC, vc.ToCodec(s.spec.FourCC))
	}
	if s.spec.Width > 0 {
		vc.Set(gocv.VideoCaptureFrameWidth, float64(s.spec.Width))
	}
	if s.spec.Height > 0 {
		vc.Set(gocv.VideoCaptureFrameHeight, float64(s.spec.Height))
	}
	if s.spec.FPS > 0 {
		vc.Set(gocv.VideoCaptureFPS, s.spec.FPS)
	}
	for name, v := range s.spec.Properties {
		vc.Set(gocv.VideoCaptureProperties(propertyNames[name]), v)
	}
	s.log.Info("camera opened", "source", s.spec.Name, "camera", s.target.Camera.String(), "device", s.node,
		"width", vc.Get(gocv.VideoCaptureFrameWidth), "height", vc.Get(gocv.VideoCaptureFrameHeight),
		"fps", vc.Get(gocv.VideoCaptureFPS), "fourcc", vc.CodecString())
}

func (s *cvSource) Read(ctx context.Context, pool *scanner.PlanePool) (*scanner.Frame, error) {
	if s.vc == nil {
		return nil, fmt.Errorf("read %s: source not open", s.spec.Name)
	}
	if s.interval > 0 {
		if !s.next.IsZero() {
			if d := time.Until(s.next); d > 0 {
				select {
				case <-time.After(d):
				case <-ctx.Done():
					return nil, ctx.Err()
				}
			}
		} else {
			s.next = time.Now()
		}
		s.next = s.next.Add(s.interval)
	}
	if !s.vc.Read(&s.raw) || s.raw.Empty() {
		if s.target.Kind == KindFile {
			if !s.spec.Loop {
				return nil, io.EOF
			}
			s.vc.Set(gocv.VideoCapturePosFrames, 0)
			if !s.vc.Read(&s.raw) || s.raw.Empty() {
				return nil, fmt.Errorf("read %s: %w after rewinding", s.spec.Name, ErrNoFrame)
			}
		} else {
			return nil, fmt.Errorf("read %s: %w", s.spec.Name, ErrNoFrame)
		}
	}
	captured := s.clock()
	if s.rawJPEG {
		return s.decodeJPEG(pool, captured)
	}
	src := s.raw
	switch s.raw.Channels() {
	case 1:
	case 3:
		if err := gocv.CvtColor(s.raw, &s.gray, gocv.ColorBGRToGray); err != nil {
			return nil, fmt.Errorf("read %s: to gray: %w", s.spec.Name, err)
		}
		src = s.gray
	case 4:
		if err := gocv.CvtColor(s.raw, &s.gray, gocv.ColorBGRAToGray); err != nil {
			return nil, fmt.Errorf("read %s: to gray: %w", s.spec.Name, err)
		}
		src = s.gray
	default:
		return nil, fmt.Errorf("read %s: unsupported frame with %d channels", s.spec.Name, s.raw.Channels())
	}
	if src.Type() != gocv.MatTypeCV8UC1 {
		return nil, fmt.Errorf("read %s: unsupported pixel type %v", s.spec.Name, src.Type())
	}
	w, h := src.Cols(), src.Rows()
	data, err := src.DataPtrUint8()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", s.spec.Name, err)
	}
	f := pool.Get(w, h)
	step := src.Step()
	for y := 0; y < h; y++ {
		copy(f.Pix[y*w:(y+1)*w], data[y*step:y*step+w])
	}
	if s.keepColor != nil && s.raw.Channels() == 3 && s.keepColor() {
		if bgr, err := s.raw.DataPtrUint8(); err == nil {
			color, rs := f.WithColor(), s.raw.Step()
			for y := 0; y < h; y++ {
				copy(color[y*3*w:(y+1)*3*w], bgr[y*rs:y*rs+3*w])
			}
		}
	}
	s.wipe()
	f.Source, f.Seq, f.CapturedAt = s.spec.Name, s.seq, captured
	s.seq++
	return f, nil
}

// decodeJPEG makes the frame of a JPEG file in raw (a Motion-JPEG frame):
// its luma decoded into a plane from pool, and the colour image beside it
// when asked for. A frame that does not decode is reported as ErrNoFrame,
// which the runner skips (a few in a row), as it does a camera's empty
// frames, rather than reopening the file from its start.
func (s *cvSource) decodeJPEG(pool *scanner.PlanePool, captured time.Time) (*scanner.Frame, error) {
	defer s.wipe()
	data, err := s.raw.DataPtrUint8()
	if err != nil || len(data) == 0 {
		return nil, fmt.Errorf("read %s: %w", s.spec.Name, ErrNoFrame)
	}
	if s.encoded && (s.keepColor == nil || !s.keepColor()) {
		return s.encodedJPEG(data, pool, captured)
	}
	f, _, err := decodeImage(data, scanner.DefaultLimits, pool)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w: %w", s.spec.Name, ErrNoFrame, err)
	}
	if s.keepColor != nil && s.keepColor() {
		if err := gocv.IMDecodeIntoMat(data, gocv.IMReadColor, &s.color); err == nil &&
			s.color.Cols() == f.Width && s.color.Rows() == f.Height && s.color.Channels() == 3 {
			if bgr, err := s.color.DataPtrUint8(); err == nil {
				color, rs, w := f.WithColor(), s.color.Step(), f.Width
				for y := 0; y < f.Height; y++ {
					copy(color[y*3*w:(y+1)*3*w], bgr[y*rs:y*rs+3*w])
				}
			}
		}
	}
	f.Source, f.Seq, f.CapturedAt = s.spec.Name, s.seq, captured
	s.seq++
	return f, nil
}

// encodedJPEG makes the encoded frame of a Motion-JPEG frame (Env.Encoded):
// its JPEG copied out of OpenCV's buffer, decoded as decodeJPEG would when
// the frame's Decode is called. A JPEG whose header does not pass
// scanner.CheckImage is ErrNoFrame at once, as in decodeJPEG; one that
// does is not checked again (Go's jpeg.DecodeConfig allocates some 10 KB
// each time).
func (s *cvSource) encodedJPEG(data []byte, pool *scanner.PlanePool, captured time.Time) (*scanner.Frame, error) {
	format, cfg, err := scanner.CheckImage(data, scanner.DefaultLimits)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w: %w", s.spec.Name, ErrNoFrame, err)
	}
	buf := s.jpegs.get(len(data))
	copy(buf, data)
	name, jpegs := s.spec.Name, &s.jpegs
	f := scanner.NewEncodedFrame(cfg.Width, cfg.Height, func() (*scanner.Frame, error) {
		f, _, err := decodeChecked(buf, format, cfg, scanner.DefaultLimits, pool)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		return f, nil
	}, func() { jpegs.put(buf) })
	f.Source, f.Seq, f.CapturedAt = s.spec.Name, s.seq, captured
	s.seq++
	return f, nil
}

// jpegBuffers keeps the buffers of the encoded frames' JPEGs for reuse,
// zeroed, as the plane pool keeps planes: a few, each as large as the
// largest JPEG it held. Frames in the engine's queue hand them back from
// its workers.
type jpegBuffers struct {
	mu   sync.Mutex
	free [][]byte
}

// maxFreeJPEGs bounds the idle buffers kept: the frames of one source in
// flight at once (being read, queued, being decoded).
const maxFreeJPEGs = 4

func (b *jpegBuffers) get(n int) []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, buf := range b.free {
		if cap(buf) >= n {
			b.free = slices.Delete(b.free, i, i+1)
			return buf[:n]
		}
	}
	if len(b.free) > 0 {
		// None is large enough: let the smallest go rather than keep
		// one more.
		b.free = slices.Delete(b.free, 0, 1)
	}
	// Some room above this JPEG's size, so that the next, a little
	// larger, fits.
	return make([]byte, n, n+n/4)
}

// put zeroes buf and keeps it, largest last, unless enough are kept.
func (b *jpegBuffers) put(buf []byte) {
	clear(buf[:cap(buf)])
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.free) < maxFreeJPEGs {
		i, _ := slices.BinarySearchFunc(b.free, cap(buf), func(x []byte, n int) int { return cap(x) - n })
		b.free = slices.Insert(b.free, i, buf)
	}
}

// wipe zeroes the capture Mats: the purge covers OpenCV's buffers too.
func (s *cvSource) wipe() {
	for _, m := range []*gocv.Mat{&s.raw, &s.gray, &s.color} {
		if !m.Empty() {
			m.SetTo(gocv.NewScalar(0, 0, 0, 0))
		}
	}
}

func (s *cvSource) Close() error {
	if s.vc == nil {
		return nil
	}
	s.wipe()
	s.raw.Close()
	s.gray.Close()
	s.color.Close()
	err := s.vc.Close()
	s.vc, s.node = nil, ""
	return err
}

// openHint says where to look when OpenCV refuses a source without saying
// why.
func openHint(k Kind) string {
	switch k {
	case KindGst:
		return " (OpenCV's GStreamer backend refused the pipeline: gst-launch-1.0 with the same pipeline, its appsink replaced by fakesink, says why)"
	case KindFile:
		return " (not a video OpenCV can read)"
	}
	return ""
}
