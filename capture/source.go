// Package capture turns cameras, video files, GStreamer pipelines, image
// directories and a synthetic demo camera into gray frames for the engine.
//
// OpenCV (gocv) is used only here, in files built without the nocv tag;
// with -tags nocv the OpenCV sources report ErrNoOpenCV and the rest (the
// demo camera, directories, the runner) work in pure Go. Built with
// gocv_specific_modules but without gocv_videoio (as scanctl is, which
// only decodes image files), OpenCV's video input is left out and the
// OpenCV sources report ErrNoOpenCV too.
package capture

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/scannerd/scannerd/internal/conf"
	"github.com/scannerd/scannerd/scanner"
)

// Errors callers branch on.
var (
	// ErrNoOpenCV: the binary was built without OpenCV (-tags nocv) or
	// without its video input (gocv_specific_modules without gocv_videoio).
	ErrNoOpenCV = errors.New("built without OpenCV's video input: camera, file, gst and rtsp sources are unavailable")
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
	Name string
	// URL says what to open:
	//   camera:N or /dev/videoN  a V4L2 camera by number
	//   /dev/v4l/by-id/NAME      a V4L2 camera by udev link (by-path too)
	//   camera:serial=SERIAL     a USB camera by serial number
	//   camera:name=TEXT         a V4L2 camera by part of its name
	//   file:PATH                a video file
	//   gst:PIPELINE             a GStreamer pipeline ending in appsink
	//   rtsp://…                 an RTSP stream
	//   dir:PATH                 a directory of image files, each read once
	//   demo                     the built-in synthetic camera
	URL string
	// Width, Height and FPS request a capture mode from cameras (0: the
	// device's default); FPS also paces the demo camera and real-time
	// file replay.
	Width  int
	Height int
	FPS    float64
	// FourCC requests a pixel format from cameras, e.g. "MJPG".
	FourCC string
	// Loop replays a file source from the start when it ends.
	Loop bool
	// Realtime paces a file source at its frame rate instead of reading
	// as fast as it decodes.
	Realtime bool
	// Properties sets OpenCV capture properties on cameras by name:
	// autofocus, focus, auto_exposure, exposure, gain, brightness,
	// contrast, saturation, sharpness, zoom, buffer_size.
	Properties map[string]float64
	// AfterRead says what a dir source does with a file once read:
	// "delete" (default) or "move:DIR".
	AfterRead string
	// Options choose what the engine looks for in this source's frames.
	// Symbologies is "all", "default" or a list, as an array (["QR_CODE",
	// "EAN_13"]) or a comma-separated string ("QR_CODE,EAN_13"); a list
	// may hold "default" too. Unset: the default set.
	Symbologies conf.List
	TryHarder   bool
	TryInverted bool
	TryRotated  *bool
	// EANAddOn says what to do with EAN-2/EAN-5 add-ons: "read"
	// (default), "require" or "ignore".
	EANAddOn string
	// MSICheck is the check digit scheme MSI Plessey symbols must pass:
	// "none" (default), "mod10", "mod10_mod10", "mod11", "mod11_mod10",
	// "mod11_ncr", "mod11_ncr_mod10".
	MSICheck string
	// TelepenNumeric reads Telepen symbols as starting in numeric mode.
	TelepenNumeric bool
	// DPM also reads Data Matrix symbols of dotted modules (dot-peened,
	// laser or ink-jet marked parts).
	DPM bool
	// Region restricts decoding to x,y,width,height of the frame.
	Region []int
	// Adaptive (default true) searches only where a frame looks like
	// barcodes, and spends the thorough strategies only on the regions
	// where the first pass read nothing (scanner.Options.Adaptive); it has
	// no effect with TryHarder.
	Adaptive *bool
	// FrameBudget bounds the CPU time one frame's decode may take, as a
	// duration ("20ms"; default 20ms, "0s" for none).
	FrameBudget string
	// Rescan, with Adaptive, searches a frame only where it changed
	// since it was last searched there (or where a code was read), and
	// every part of it again at least this often, a part each frame, as
	// a duration ("500ms";
	// default 500ms, "0s" to search every frame whole)
	// (scanner.Options.Rescan).
	Rescan string
}

// DefaultFrameBudget is the CPU time a frame's decode may take when the
// source does not say.
const DefaultFrameBudget = 20 * time.Millisecond

// DefaultRescan is how often every part of a live frame is searched
// when the source does not say; between, only what changed is.
const DefaultRescan = 500 * time.Millisecond

// MaxFrameBudget and MaxRescan bound frame_budget and rescan: a live
// frame's decode longer than the engine's default stuck_after (10 s) is
// taken for a stuck worker, and a label at rest unread waits up to rescan
// to be tried again, an hour of which is as good as never; longer is a
// typo ("100h" for "100ms").
const (
	MaxFrameBudget = 10 * time.Second
	MaxRescan      = time.Hour
)

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
	Camera CameraRef // how a camera is named
	Path   string    // file, dir, pipeline or stream URL
}

// ParseURL parses a source URL (see Spec.URL).
func ParseURL(s string) (Target, error) {
	switch {
	case s == "demo":
		return Target{Kind: KindDemo}, nil
	case strings.HasPrefix(s, "camera:"), strings.HasPrefix(s, "/dev/"):
		ref, ok, err := parseCamera(s)
		if err != nil {
			return Target{}, err
		}
		if ok {
			return Target{Kind: KindCamera, Camera: ref}, nil
		}
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
	return Target{}, fmt.Errorf("%w: %q: want camera:N, /dev/videoN, /dev/v4l/by-id/NAME, /dev/v4l/by-path/NAME, camera:serial=SERIAL, camera:name=TEXT, file:PATH, gst:PIPELINE, rtsp://…, dir:PATH or demo", ErrBadSpec, s)
}

// Redacted returns the URL without credentials, for status and logs.
func Redacted(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		u.User = url.User("xxx")
		return u.String()
	}
	return s
}

// MaxFPS bounds a spec's frame rate. Width and height are bounded by
// scanner.scanner.MaxFrameSide, the largest frame the engine decodes: a capture
// mode beyond it is a typo, not a camera, and would size buffers the
// daemon cannot hold.
const MaxFPS = 1000

// badSpec is a refused setting: an ErrBadSpec under the key that set it,
// so a config file's error can point at the key's line.
func badSpec(key, format string, args ...any) error {
	return &conf.KeyError{Key: key, Err: fmt.Errorf("%w: "+format, append([]any{ErrBadSpec}, args...)...)}
}

// duration reads the value of the duration key, def when it is empty:
// a duration with its unit, from 0 to limit.
func (s *Spec) duration(key, value string, def, limit time.Duration) (time.Duration, error) {
	if value == "" {
		return def, nil
	}
	d, err := time.ParseDuration(value)
	if err != nil || d < 0 {
		return 0, badSpec(key, "%s: want a duration such as \"%v\", have %q", s.Name, def, value)
	}
	if d > limit {
		return 0, badSpec(key, "%s: %v is outside 0s to %v", s.Name, d, limit)
	}
	return d, nil
}

// Validate checks a spec without opening anything. Errors are
// conf.KeyErrors naming the key at fault, wrapping ErrBadSpec.
func (s *Spec) Validate() error {
	if s.Name == "" {
		return badSpec("name", "a source needs a name")
	}
	t, err := ParseURL(s.URL)
	if err != nil {
		return &conf.KeyError{Key: "url", Err: err}
	}
	if err := conf.First(
		bounded("width", s.Width, 0, scanner.MaxFrameSide),
		bounded("height", s.Height, 0, scanner.MaxFrameSide),
		bounded("fps", s.FPS, 0, MaxFPS),
	); err != nil {
		return err
	}
	if s.FourCC != "" && len(s.FourCC) != 4 {
		return badSpec("fourcc", "%s: %q must be four characters", s.Name, s.FourCC)
	}
	for k := range s.Properties {
		if _, ok := propertyNames[k]; !ok {
			return badSpec("properties", "%s: unknown camera property %q", s.Name, k)
		}
	}
	if t.Kind == KindDir && !filepath.IsAbs(t.Path) {
		// Relative to wherever the daemon was started (/ under
		// systemd), as a relative after_read = "move:DIR" would be.
		return badSpec("url", "%s: %q: PATH must be an absolute path", s.Name, s.URL)
	}
	if t.Kind == KindDir && s.AfterRead != "" && s.AfterRead != "delete" && !strings.HasPrefix(s.AfterRead, "move:") {
		return badSpec("after_read", "%s: %q: want delete or move:DIR", s.Name, s.AfterRead)
	}
	if dest, ok := strings.CutPrefix(s.AfterRead, "move:"); ok && t.Kind == KindDir && !filepath.IsAbs(dest) {
		// A relative directory would be relative to wherever the daemon
		// was started (/ under systemd).
		return badSpec("after_read", "%s: %q: DIR must be an absolute path", s.Name, s.AfterRead)
	}
	if s.Loop && t.Kind != KindFile {
		return badSpec("loop", "%s: loop replays a file: source, and %s is a %s source", s.Name, s.URL, t.Kind)
	}
	if _, err := s.Options(); err != nil {
		return err
	}
	// The frame size is known before the first frame when it is asked for,
	// and for the demo camera: a region outside it would never decode.
	w, h := s.Width, s.Height
	if t.Kind == KindDemo && (w <= 0 || h <= 0) {
		w, h = DefaultDemoWidth, DefaultDemoHeight
	}
	if len(s.Region) == 4 && w > 0 && h > 0 {
		opts, _ := s.Options()
		if err := opts.CheckRegion(w, h); err != nil {
			return badSpec("region", "%s: %v", s.Name, err)
		}
	}
	return nil
}

func bounded[T int | float64](key string, v, lo, hi T) error {
	if v < lo || v > hi {
		return badSpec(key, "%v is outside %v to %v", v, lo, hi)
	}
	return nil
}

// Options returns the engine options the spec asks for.
func (s *Spec) Options() (scanner.Options, error) {
	var o scanner.Options
	if len(s.Symbologies) > 0 {
		set, err := scanner.ParseSymbologyItems(s.Symbologies)
		if err != nil {
			return o, &conf.KeyError{Key: "symbologies", Err: fmt.Errorf("%w: %s: %w", ErrBadSpec, s.Name, err)}
		}
		o.Symbologies = set
	}
	o.TryHarder, o.TryInverted = s.TryHarder, s.TryInverted
	o.TryRotated = s.TryRotated == nil || *s.TryRotated
	var err error
	if o.AddOns, err = scanner.ParseAddOnMode(s.EANAddOn); err != nil {
		return o, badSpec("ean_addon", "%s: %v", s.Name, err)
	}
	if o.MSICheck, err = scanner.ParseMSICheck(s.MSICheck); err != nil {
		return o, badSpec("msi_check", "%s: %v", s.Name, err)
	}
	o.TelepenNumeric = s.TelepenNumeric
	o.DPM = s.DPM
	o.Adaptive = s.Adaptive == nil || *s.Adaptive
	if o.Budget, err = s.duration("frame_budget", s.FrameBudget, DefaultFrameBudget, MaxFrameBudget); err != nil {
		return o, err
	}
	if o.Rescan, err = s.duration("rescan", s.Rescan, DefaultRescan, MaxRescan); err != nil {
		return o, err
	}
	if len(s.Region) != 0 {
		r := s.Region
		if len(r) != 4 || r[0] < 0 || r[1] < 0 || r[2] <= 0 || r[3] <= 0 || r[2] > scanner.MaxFrameSide || r[3] > scanner.MaxFrameSide || r[0] > scanner.MaxFrameSide || r[1] > scanner.MaxFrameSide {
			return o, badSpec("region", "%s: want [x, y, width, height] inside a frame of at most %d×%d", s.Name, scanner.MaxFrameSide, scanner.MaxFrameSide)
		}
		o.Region.Min.X, o.Region.Min.Y = r[0], r[1]
		o.Region.Max.X, o.Region.Max.Y = r[0]+r[2], r[1]+r[3]
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
	// Devices is where cameras are looked up by name (/dev and /sys by
	// default).
	Devices Devices
	// Hotplug, when set, tells runners of cameras that device nodes came
	// or went: a camera appearing is opened at once, one vanishing is
	// reported at once.
	Hotplug Hotplug
	// OnState, when set, hears of every change of a source's state.
	OnState func(Status)
	// Encoded lets sources hand out frames whose pixels are made later,
	// by the frame's Decode (scanner.NewEncodedFrame), where that costs
	// nothing: a Motion-JPEG file's frames (without KeepColor), each then
	// held as its JPEG until an engine worker decodes it. Whoever reads
	// the source must call Decode before reading Pix; the engine does.
	Encoded bool
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
