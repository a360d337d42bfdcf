// Package capture turns cameras, video files, GStreamer pipelines, image
// directories and a synthetic demo camera into gray frames for the engine.
//
// OpenCV (gocv) is used only here, in files built without the nocv tag;
// with -tags nocv the OpenCV sources report ErrNoOpenCV and the rest (the
// demo camera, directories, the runner) work in pure Go.
package capture

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/scannerd/scannerd/scanner"
)

// Errors callers branch on.
var (
	// ErrNoOpenCV: the binary was built without OpenCV (-tags nocv).
	ErrNoOpenCV = errors.New("built without OpenCV: camera, file, gst and rtsp sources are unavailable")
	// ErrBadSpec: a source description that cannot work.
	ErrBadSpec = errors.New("invalid source")
	// ErrNoFrame: the source returned an empty frame.
	ErrNoFrame = errors.New("source returned no frame")
)

// Source produces gray frames. Open, Read and Close are called from one
// goroutine, in that order; Read blocks until the next frame.
type Source interface {
	// Open starts the source (opens the device, file or pipeline).
	Open(ctx context.Context) error
	// Read returns the next frame in a plane from pool. It returns io.EOF
	// when a source that does not loop has no more frames.
	Read(ctx context.Context, pool *scanner.PlanePool) (*scanner.Frame, error)
	// Close releases the source; after it, Open may be called again.
	Close() error
}

// Spec describes one source, as the [[source]] tables of the config do.
type Spec struct {
	// Name identifies the source in results and status.
	Name string `toml:"name"`
	// URL says what to open:
	//   camera:N or /dev/videoN  a V4L2 camera
	//   file:PATH                a video file
	//   gst:PIPELINE             a GStreamer pipeline ending in appsink
	//   rtsp://…                 an RTSP stream
	//   dir:PATH                 a directory of image files, each read once
	//   demo                     the built-in synthetic camera
	URL string `toml:"url"`
	// Width, Height and FPS request a capture mode from cameras (0: the
	// device's default); FPS also paces the demo camera and real-time
	// file replay.
	Width  int     `toml:"width"`
	Height int     `toml:"height"`
	FPS    float64 `toml:"fps"`
	// FourCC requests a pixel format from cameras, e.g. "MJPG".
	FourCC string `toml:"fourcc"`
	// Loop replays a file source from the start when it ends.
	Loop bool `toml:"loop"`
	// Realtime paces a file source at its frame rate instead of reading
	// as fast as it decodes.
	Realtime bool `toml:"realtime"`
	// Properties sets OpenCV capture properties on cameras by name:
	// autofocus, focus, auto_exposure, exposure, gain, brightness,
	// contrast, saturation, sharpness, zoom, buffer_size.
	Properties map[string]float64 `toml:"properties"`
	// AfterRead says what a dir source does with a file once read:
	// "delete" (default) or "move:DIR".
	AfterRead string `toml:"after_read"`
	// Options choose what the engine looks for in this source's frames.
	Symbologies string `toml:"symbologies"`
	TryHarder   bool   `toml:"try_harder"`
	TryInverted bool   `toml:"try_inverted"`
	TryRotated  *bool  `toml:"try_rotated"`
	// Region restricts decoding to x,y,width,height of the frame.
	Region []int `toml:"region"`
}

// Kind is the sort of source a URL names.
type Kind string

// The source kinds.
const (
	KindCamera Kind = "camera"
	KindFile   Kind = "file"
	KindGst    Kind = "gst"
	KindRTSP   Kind = "rtsp"
	KindDir    Kind = "dir"
	KindDemo   Kind = "demo"
)

// Target is a parsed source URL.
type Target struct {
	Kind   Kind
	Device int    // camera index
	Path   string // file, dir, pipeline or stream URL
}

// ParseURL parses a source URL (see Spec.URL).
func ParseURL(s string) (Target, error) {
	switch {
	case s == "demo":
		return Target{Kind: KindDemo}, nil
	case strings.HasPrefix(s, "camera:"):
		n, err := strconv.Atoi(strings.TrimPrefix(s, "camera:"))
		if err != nil || n < 0 {
			return Target{}, fmt.Errorf("%w: %q: want camera:N with N a device index", ErrBadSpec, s)
		}
		return Target{Kind: KindCamera, Device: n}, nil
	case strings.HasPrefix(s, "/dev/video"):
		n, err := strconv.Atoi(strings.TrimPrefix(s, "/dev/video"))
		if err != nil || n < 0 {
			return Target{}, fmt.Errorf("%w: %q: want /dev/videoN", ErrBadSpec, s)
		}
		return Target{Kind: KindCamera, Device: n, Path: s}, nil
	case strings.HasPrefix(s, "file:"):
		p := strings.TrimPrefix(s, "file:")
		if p == "" {
			return Target{}, fmt.Errorf("%w: %q: want file:PATH", ErrBadSpec, s)
		}
		return Target{Kind: KindFile, Path: p}, nil
	case strings.HasPrefix(s, "gst:"):
		p := strings.TrimSpace(strings.TrimPrefix(s, "gst:"))
		if !strings.Contains(p, "appsink") {
			return Target{}, fmt.Errorf("%w: %q: a GStreamer pipeline must end in appsink", ErrBadSpec, s)
		}
		return Target{Kind: KindGst, Path: p}, nil
	case strings.HasPrefix(s, "rtsp://"), strings.HasPrefix(s, "rtsps://"):
		if _, err := url.Parse(s); err != nil {
			return Target{}, fmt.Errorf("%w: %q: %w", ErrBadSpec, s, err)
		}
		return Target{Kind: KindRTSP, Path: s}, nil
	case strings.HasPrefix(s, "dir:"):
		p := strings.TrimPrefix(s, "dir:")
		if p == "" {
			return Target{}, fmt.Errorf("%w: %q: want dir:PATH", ErrBadSpec, s)
		}
		return Target{Kind: KindDir, Path: p}, nil
	}
	return Target{}, fmt.Errorf("%w: %q: want camera:N, /dev/videoN, file:PATH, gst:PIPELINE, rtsp://…, dir:PATH or demo", ErrBadSpec, s)
}

// Redacted returns the URL without credentials, for status and logs.
func Redacted(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		u.User = url.User("xxx")
		return u.String()
	}
	return s
}

// Validate checks a spec without opening anything.
func (s *Spec) Validate() error {
	if s.Name == "" {
		return fmt.Errorf("%w: a source needs a name", ErrBadSpec)
	}
	t, err := ParseURL(s.URL)
	if err != nil {
		return err
	}
	if s.Width < 0 || s.Height < 0 || s.FPS < 0 {
		return fmt.Errorf("%w: %s: width, height and fps must not be negative", ErrBadSpec, s.Name)
	}
	if s.FourCC != "" && len(s.FourCC) != 4 {
		return fmt.Errorf("%w: %s: fourcc %q must be four characters", ErrBadSpec, s.Name, s.FourCC)
	}
	for k := range s.Properties {
		if _, ok := propertyNames[k]; !ok {
			return fmt.Errorf("%w: %s: unknown camera property %q", ErrBadSpec, s.Name, k)
		}
	}
	if t.Kind == KindDir && s.AfterRead != "" && s.AfterRead != "delete" && !strings.HasPrefix(s.AfterRead, "move:") {
		return fmt.Errorf("%w: %s: after_read %q: want delete or move:DIR", ErrBadSpec, s.Name, s.AfterRead)
	}
	if _, err := s.Options(); err != nil {
		return err
	}
	return nil
}

// Options returns the engine options the spec asks for.
func (s *Spec) Options() (scanner.Options, error) {
	var o scanner.Options
	if s.Symbologies != "" {
		set, err := scanner.ParseSymbologySet(s.Symbologies)
		if err != nil {
			return o, fmt.Errorf("%w: %s: symbologies: %w", ErrBadSpec, s.Name, err)
		}
		o.Symbologies = set
	}
	o.TryHarder, o.TryInverted = s.TryHarder, s.TryInverted
	o.TryRotated = s.TryRotated == nil || *s.TryRotated
	if len(s.Region) != 0 {
		if len(s.Region) != 4 || s.Region[2] <= 0 || s.Region[3] <= 0 || s.Region[0] < 0 || s.Region[1] < 0 {
			return o, fmt.Errorf("%w: %s: region must be [x, y, width, height]", ErrBadSpec, s.Name)
		}
		o.Region.Min.X, o.Region.Min.Y = s.Region[0], s.Region[1]
		o.Region.Max.X, o.Region.Max.Y = s.Region[0]+s.Region[2], s.Region[1]+s.Region[3]
	}
	return o, nil
}

// propertyNames are the camera properties a spec may set; the values are
// OpenCV's cv::VideoCaptureProperties numbers.
var propertyNames = map[string]int{
	"brightness": 10, "contrast": 11, "saturation": 12, "gain": 14, "exposure": 15,
	"sharpness": 20, "auto_exposure": 21, "zoom": 27, "focus": 28, "autofocus": 39,
	"buffer_size": 38,
}

// Env is what sources need from their surroundings.
type Env struct {
	Clock  func() time.Time
	Logger *slog.Logger
	// KeepColor, when set and true, asks OpenCV sources to keep each
	// frame's colour image beside the gray plane (a debug export of colour
	// frames wants it); it is asked once per frame.
	KeepColor func() bool
}

// New returns the source a spec describes, not yet open.
func New(spec Spec, env Env) (Source, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	if env.Clock == nil {
		env.Clock = time.Now
	}
	if env.Logger == nil {
		env.Logger = slog.Default()
	}
	t, _ := ParseURL(spec.URL)
	switch t.Kind {
	case KindDemo:
		return NewDemo(DemoConfig{Width: spec.Width, Height: spec.Height, FPS: spec.FPS, Name: spec.Name}, env.Clock), nil
	case KindDir:
		return newDirSource(spec, t.Path, env), nil
	}
	return newOpenCVSource(spec, t, env)
}
