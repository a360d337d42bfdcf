//go:build !nocv && (gocv_videoio || !gocv_specific_modules)

package capture_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"github.com/scannerd/scannerd/capture"
	"github.com/scannerd/scannerd/internal/backoff"
	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/scanner"
)

// videoFrame draws the given code (or nothing when text is "") on a
// 640×480 gray canvas.
func videoFrame(t testing.TB, sym scanner.Symbology, text string) *symbols.Canvas {
	c := symbols.NewCanvas(640, 480, 200)
	if text != "" {
		s, err := symbols.Encode(sym, text)
		if err != nil {
			t.Fatal(err)
		}
		c.Draw(s, symbols.Placement{CX: 320, CY: 240, Module: 4, Dark: 20, Light: 235})
	}
	return c
}

// writeVideo writes gray canvases as a colour video through OpenCV.
func writeVideo(t testing.TB, path, codec string, fps float64, frames []*symbols.Canvas) {
	t.Helper()
	w, h := frames[0].Width, frames[0].Height
	vw, err := gocv.VideoWriterFile(path, codec, fps, w, h, true)
	if err != nil {
		t.Fatalf("video writer: %v", err)
	}
	defer vw.Close()
	bgr := gocv.NewMat()
	defer bgr.Close()
	for _, c := range frames {
		gray, err := gocv.NewMatFromBytes(h, w, gocv.MatTypeCV8UC1, c.Pix)
		if err != nil {
			t.Fatal(err)
		}
		gocv.CvtColor(gray, &bgr, gocv.ColorGrayToBGR)
		gray.Close()
		if err := vw.Write(bgr); err != nil {
			t.Fatal(err)
		}
	}
}

// collect runs a source through a runner until n frames arrived or the
// source stopped, and decodes each frame.
func collect(t *testing.T, spec capture.Spec, n int, timeout time.Duration) ([]string, *capture.Runner, *scanner.PlanePool) {
	t.Helper()
	src, err := capture.New(spec, capture.Env{})
	if err != nil {
		t.Fatal(err)
	}
	pool := scanner.NewPlanePool(0)
	var mu sync.Mutex
	var texts []string
	frames := 0
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	r := capture.NewRunner(spec, src, pool, func(f *scanner.Frame) {
		res, _ := scanner.NewDecoder().Decode(f, scanner.Options{})
		f.Purge()
		mu.Lock()
		defer mu.Unlock()
		text := ""
		if len(res) > 0 {
			text = res[0].Text
		}
		texts = append(texts, text)
		if frames++; frames == n {
			cancel()
		}
	}, capture.Env{})
	r.Backoff = backoff.Policy{Min: 10 * time.Millisecond, Max: 50 * time.Millisecond}
	r.Run(ctx)
	return texts, r, pool
}

func TestFileSourceReadsEveryFrameAsGray(t *testing.T) {
	dir := t.TempDir()
	var frames []*symbols.Canvas
	for i := 0; i < 12; i++ {
		frames = append(frames, videoFrame(t, scanner.QRCode, fmt.Sprintf("frame-%d", i/4)))
	}
	frames = append(frames, videoFrame(t, 0, ""))
	for _, codec := range []struct{ fourcc, ext string }{{"MJPG", "avi"}, {"mp4v", "mp4"}, {"FFV1", "mkv"}} {
		t.Run(codec.fourcc, func(t *testing.T) {
			path := filepath.Join(dir, "codes."+codec.ext)
			writeVideo(t, path, codec.fourcc, 10, frames)
			texts, r, pool := collect(t, capture.Spec{Name: "file", URL: "file:" + path}, -1, 20*time.Second)
			if len(texts) != len(frames) {
				t.Fatalf("read %d frames, want %d", len(texts), len(frames))
			}
			for i, text := range texts {
				want := fmt.Sprintf("frame-%d", i/4)
				if i == 12 {
					want = ""
				}
				if text != want {
					t.Errorf("frame %d decoded %q, want %q", i, text, want)
				}
			}
			st := r.Status()
			if st.State != capture.StateStopped || st.Frames != uint64(len(frames)) {
				t.Errorf("status after the end of the file: %+v", st)
			}
			if pool.Stats().Outgoing != 0 || !pool.FreeBuffersZeroed() {
				t.Errorf("frames not purged: %+v", pool.Stats())
			}
		})
	}
}

func TestFileSourceLoops(t *testing.T) {
	path := filepath.Join(t.TempDir(), "loop.avi")
	writeVideo(t, path, "MJPG", 30, []*symbols.Canvas{videoFrame(t, scanner.Code128, "LOOP-1"), videoFrame(t, scanner.Code128, "LOOP-2")})
	texts, r, _ := collect(t, capture.Spec{Name: "loop", URL: "file:" + path, Loop: true}, 7, 20*time.Second)
	if len(texts) != 7 {
		t.Fatalf("looping file gave %d frames, want 7", len(texts))
	}
	for i, text := range texts {
		if want := fmt.Sprintf("LOOP-%d", i%2+1); text != want {
			t.Errorf("frame %d: %q, want %q", i, text, want)
		}
	}
	if r.Status().Reopens != 0 {
		t.Error("looping reopened the file instead of rewinding")
	}
}

func TestGStreamerPipelines(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "codes.avi")
	var frames []*symbols.Canvas
	for i := 0; i < 6; i++ {
		frames = append(frames, videoFrame(t, scanner.DataMatrix, fmt.Sprintf("GST-%d", i/3)))
	}
	writeVideo(t, path, "MJPG", 10, frames)
	t.Run("filesrc", func(t *testing.T) {
		pipeline := fmt.Sprintf("gst:filesrc location=%s ! avidemux ! jpegdec ! videoconvert ! video/x-raw,format=BGR ! appsink", path)
		texts, _, _ := collect(t, capture.Spec{Name: "gst", URL: pipeline}, 6, 20*time.Second)
		if len(texts) < 6 {
			t.Fatalf("read %d frames, want 6", len(texts))
		}
		for i, text := range texts[:6] {
			if want := fmt.Sprintf("GST-%d", i/3); text != want {
				t.Errorf("frame %d: %q, want %q", i, text, want)
			}
		}
	})
	// A live source that ends (a dropped stream) is reopened, and frames
	// keep coming: the daemon never exits for a failing camera.
	t.Run("videotestsrc reopened", func(t *testing.T) {
		pipeline := "gst:videotestsrc num-buffers=5 ! video/x-raw,width=320,height=240 ! videoconvert ! video/x-raw,format=BGR ! appsink"
		texts, r, _ := collect(t, capture.Spec{Name: "test", URL: pipeline}, 12, 30*time.Second)
		if len(texts) < 12 {
			t.Fatalf("read %d frames, want 12 across reopenings", len(texts))
		}
		if st := r.Status(); st.Reopens < 2 {
			t.Errorf("a pipeline of 5 frames gave 12 frames with %d reopenings", st.Reopens)
		}
	})
}

// A source that cannot be opened says why, where OpenCV alone says only
// that it failed.
func TestOpenErrorsSayWhy(t *testing.T) {
	for url, want := range map[string]string{
		"file:" + filepath.Join(t.TempDir(), "missing.avi"):              "no such file or directory",
		"gst:videotestsrcc ! video/x-raw,format=BGR ! appsink":           "gst-launch-1.0",
		"file:" + writeFile(t, "not-a-video.avi", []byte("not a video")): "not a video OpenCV can read",
	} {
		src, err := capture.New(capture.Spec{Name: "s", URL: url}, capture.Env{})
		if err != nil {
			t.Fatal(err)
		}
		err = src.Open(context.Background())
		if err == nil {
			src.Close()
			t.Errorf("%s opened", url)
			continue
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want it to say %q", url, err, want)
		}
	}
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestMissingCameraIsRetried(t *testing.T) {
	spec := capture.Spec{Name: "cam", URL: "camera:57"}
	src, err := capture.New(spec, capture.Env{})
	if err != nil {
		t.Fatal(err)
	}
	r := capture.NewRunner(spec, src, scanner.NewPlanePool(0), func(f *scanner.Frame) { f.Purge() }, capture.Env{})
	r.Backoff = backoff.Policy{Min: 5 * time.Millisecond, Max: 20 * time.Millisecond}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	deadline := time.Now().Add(10 * time.Second)
	for r.Status().LastError == "" && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	st := r.Status()
	if st.State != capture.StateUnplugged || st.LastError == "" {
		t.Errorf("missing camera: status %+v, want unplugged with the error", st)
	}
	cancel()
	<-done
	if st := r.Status(); st.State != capture.StateStopped {
		t.Errorf("after cancel: %+v", st)
	}
}

// TestKeepColor: when asked, OpenCV sources hand the colour frame along
// with the gray plane, and purging returns and zeroes both.
func TestKeepColor(t *testing.T) {
	for _, codec := range []struct{ fourcc, ext string }{{"FFV1", "mkv"}, {"MJPG", "avi"}} {
		t.Run(codec.fourcc, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "c."+codec.ext)
			writeVideo(t, path, codec.fourcc, 10, []*symbols.Canvas{videoFrame(t, scanner.QRCode, "colour")})
			spec := capture.Spec{Name: "file", URL: "file:" + path}
			keep := true
			src, err := capture.New(spec, capture.Env{KeepColor: func() bool { return keep }})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if err := src.Open(ctx); err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			pool := scanner.NewPlanePool(0)
			f, err := src.Read(ctx, pool)
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Color) != 3*f.Width*f.Height {
				t.Fatalf("colour buffer of %d bytes for %d×%d", len(f.Color), f.Width, f.Height)
			}
			for _, i := range []int{0, f.Width*f.Height/2 + 7, f.Width*f.Height - 1} {
				g := int(f.Pix[i])
				for c := 0; c < 3; c++ {
					if v := int(f.Color[3*i+c]); v < g-3 || v > g+3 {
						t.Fatalf("pixel %d: colour %d, gray %d", i, v, g)
					}
				}
			}
			f.Purge()
			if st := pool.Stats(); st.Outgoing != 0 || !pool.FreeBuffersZeroed() {
				t.Errorf("colour frame not purged: %+v", st)
			}
		})
	}
}

// TestMotionJPEGFileReadAsJPEG: the frames of a Motion-JPEG file are read
// as JPEG files and decoded gray by capture (OpenCV's raw mode), with the
// pixels OpenCV's own BGR frames give once turned gray.
func TestMotionJPEGFileReadAsJPEG(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.avi")
	c := videoFrame(t, scanner.QRCode, "mjpeg")
	for y := 0; y < 40; y++ { // a ramp of every gray level, above the code
		for x := 0; x < 512; x++ {
			c.Pix[y*c.Width+64+x] = byte(x / 2)
		}
	}
	writeVideo(t, path, "MJPG", 10, []*symbols.Canvas{c})
	src, err := capture.New(capture.Spec{Name: "file", URL: "file:" + path}, capture.Env{})
	if err != nil {
		t.Fatal(err)
	}
	if err := src.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if !capture.ReadsRawJPEG(src) {
		t.Fatal("a Motion-JPEG file is read as OpenCV's BGR frames")
	}
	f, err := src.Read(context.Background(), scanner.NewPlanePool(0))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Purge()
	vc, err := gocv.VideoCaptureFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer vc.Close()
	bgr, gray := gocv.NewMat(), gocv.NewMat()
	defer bgr.Close()
	defer gray.Close()
	if !vc.Read(&bgr) {
		t.Fatal("OpenCV read no frame")
	}
	gocv.CvtColor(bgr, &gray, gocv.ColorBGRToGray)
	want, _ := gray.DataPtrUint8()
	if f.Width != gray.Cols() || f.Height != gray.Rows() {
		t.Fatalf("frame of %d×%d, OpenCV's %d×%d", f.Width, f.Height, gray.Cols(), gray.Rows())
	}
	worst := 0
	for i, v := range f.Pix {
		worst = max(worst, int(v)-int(want[i]), int(want[i])-int(v))
	}
	if worst > 3 {
		t.Errorf("gray levels differ from OpenCV's by up to %d", worst)
	}
	if res, _ := scanner.NewDecoder().Decode(f, scanner.Options{}); len(res) != 1 || res[0].Text != "mjpeg" {
		t.Errorf("decoded %v", res)
	}
}

// After each frame an OpenCV source hands out, the Mats it decoded the
// frame into (the colour frame as captured and its gray conversion) hold
// only zeros: the purge of a frame covers OpenCV's copies too.
func TestOpenCVMatsZeroedAfterEachFrame(t *testing.T) {
	for _, codec := range []struct{ fourcc, ext string }{{"FFV1", "mkv"}, {"MJPG", "avi"}} {
		t.Run(codec.fourcc, func(t *testing.T) { testMatsZeroed(t, codec.fourcc, codec.ext) })
	}
}

func testMatsZeroed(t *testing.T, fourcc, ext string) {
	path := filepath.Join(t.TempDir(), "one."+ext)
	writeVideo(t, path, fourcc, 10, []*symbols.Canvas{videoFrame(t, scanner.QRCode, "wipe-me"), videoFrame(t, scanner.QRCode, "wipe-me")})
	src, err := capture.New(capture.Spec{Name: "file", URL: "file:" + path}, capture.Env{})
	if err != nil {
		t.Fatal(err)
	}
	if err := src.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	pool := scanner.NewPlanePool(0)
	for i := 0; i < 2; i++ {
		f, err := src.Read(context.Background(), pool)
		if err != nil {
			t.Fatal(err)
		}
		if res, _ := scanner.NewDecoder().Decode(f, scanner.Options{}); len(res) != 1 {
			t.Fatalf("frame %d: %v", i, res)
		}
		f.Purge()
		used := 0
		for k, m := range capture.CaptureMats(src) {
			if m.Empty() {
				continue
			}
			used++
			b := m.ToBytes()
			for _, v := range b {
				if v != 0 {
					t.Fatalf("frame %d: capture Mat %d holds image data after the frame was handed out", i, k)
				}
			}
		}
		if used == 0 {
			t.Fatal("no capture Mat in use")
		}
	}
}

// TestMotionJPEGEncodedFramesRefuseBadJPEGs: a Motion-JPEG frame whose
// header is not a JPEG's, claims more pixels than the limits allow, or
// ends before its scan is no frame at once, and keeps no copy of its bytes
// (a frame that fails later, in the worker's decode, is counted by the
// engine: TestEngineDecodesEncodedFramesWhenTaken).
func TestMotionJPEGEncodedFramesRefuseBadJPEGs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.avi")
	writeVideo(t, path, "MJPG", 10, []*symbols.Canvas{videoFrame(t, scanner.QRCode, "bad")})
	src, err := capture.New(capture.Spec{Name: "file", URL: "file:" + path}, capture.Env{Encoded: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := src.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	pool := scanner.NewPlanePool(0)
	var good bytes.Buffer
	img := image.NewGray(image.Rect(0, 0, 64, 48))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	if err := jpeg.Encode(&good, img, nil); err != nil {
		t.Fatal(err)
	}
	// A baseline header claiming 60000×60000 pixels: the SOF0 segment's
	// height and width fields.
	huge := bytes.Clone(good.Bytes())
	if i := bytes.Index(huge, []byte{0xff, 0xc0}); i < 0 {
		t.Fatal("no SOF0 in the encoded JPEG")
	} else {
		huge[i+5], huge[i+6], huge[i+7], huge[i+8] = 0xea, 0x60, 0xea, 0x60
	}
	// The header up to the scan, then the end of the image.
	sos := bytes.Index(good.Bytes(), []byte{0xff, 0xda})
	if sos < 0 {
		t.Fatal("no SOS in the encoded JPEG")
	}
	noScan := append(bytes.Clone(good.Bytes()[:sos]), 0xff, 0xd9)
	for name, data := range map[string][]byte{
		"not a JPEG": []byte("GIF89a, or anything else"),
		"empty":      nil,
		"too large":  huge,
		"no scan":    noScan,
	} {
		if f, err := capture.EncodedJPEG(src, data, pool); !errors.Is(err, capture.ErrNoFrame) || f != nil {
			t.Errorf("%s: frame %v, err %v; want ErrNoFrame", name, f, err)
		}
		if kept, _ := capture.JPEGBuffersZeroed(src); kept != 0 {
			t.Errorf("%s: %d JPEG buffers kept for a refused frame", name, kept)
		}
	}
}

// TestMotionJPEGFileEncodedFrames: with Env.Encoded a Motion-JPEG file's
// frames are handed out as their JPEGs, to be decoded later, into the
// pixels the frame read at once has; the JPEG's copy is zeroed once the
// frame is decoded or purged undecoded.
func TestMotionJPEGFileEncodedFrames(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.avi")
	writeVideo(t, path, "MJPG", 10, []*symbols.Canvas{videoFrame(t, scanner.QRCode, "later"), videoFrame(t, scanner.QRCode, "later")})
	open := func(env capture.Env) capture.Source {
		src, err := capture.New(capture.Spec{Name: "file", URL: "file:" + path}, env)
		if err != nil {
			t.Fatal(err)
		}
		if err := src.Open(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { src.Close() })
		return src
	}
	now, later := open(capture.Env{}), open(capture.Env{Encoded: true})
	pool := scanner.NewPlanePool(0)
	want, err := now.Read(context.Background(), pool)
	if err != nil {
		t.Fatal(err)
	}
	defer want.Purge()
	f, err := later.Read(context.Background(), pool)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Encoded() || f.Pix != nil || f.Width != want.Width || f.Height != want.Height || f.Seq != 0 || f.CapturedAt.IsZero() {
		t.Fatalf("encoded frame %dx%d, seq %d, captured %v, encoded %v", f.Width, f.Height, f.Seq, f.CapturedAt, f.Encoded())
	}
	if err := f.Decode(); err != nil {
		t.Fatal(err)
	}
	if f.Encoded() || !bytes.Equal(f.Pix, want.Pix) {
		t.Error("the encoded frame decodes to other pixels than the frame read at once")
	}
	if kept, zeroed := capture.JPEGBuffersZeroed(later); kept != 1 || !zeroed {
		t.Errorf("after decoding: %d JPEG buffers kept, zeroed %v", kept, zeroed)
	}
	f.Purge()
	g, err := later.Read(context.Background(), pool)
	if err != nil {
		t.Fatal(err)
	}
	if kept, _ := capture.JPEGBuffersZeroed(later); kept != 0 {
		t.Errorf("the next frame's JPEG not copied into the buffer kept (%d kept)", kept)
	}
	g.Purge()
	if kept, zeroed := capture.JPEGBuffersZeroed(later); kept != 1 || !zeroed {
		t.Errorf("after purging a frame undecoded: %d JPEG buffers kept, zeroed %v", kept, zeroed)
	}
	want.Purge()
	if st := pool.Stats(); st.Outgoing != 0 || !pool.FreeBuffersZeroed() {
		t.Errorf("planes not purged: %+v", st)
	}
}
