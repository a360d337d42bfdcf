//go:build !nocv

package capture_test

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"gocv.io/x/gocv"

	"github.com/scannerd/scannerd/capture"
	"github.com/scannerd/scannerd/scanner"
)

// withoutHuffmanTables returns the JPEG file data without its DHT
// segments, as Motion-JPEG cameras send their frames (the decoder is to
// use the standard tables, ITU-T T.81 Annex K.3).
func withoutHuffmanTables(t *testing.T, data []byte) []byte {
	out := bytes.Clone(data[:2])
	at := 2
	for at+4 <= len(data) && data[at] == 0xff {
		marker, n := data[at+1], int(data[at+2])<<8|int(data[at+3])
		if marker == 0xda { // start of scan: the rest is entropy-coded data
			return append(out, data[at:]...)
		}
		if marker != 0xc4 {
			out = append(out, data[at:at+2+n]...)
		}
		at += 2 + n
	}
	t.Fatal("no start of scan")
	return nil
}

// TestJPEGLumaMatchesOpenCV: the daemon's reader of Motion-JPEG frames,
// which calls libjpeg itself, gives the engine the bytes cv::imdecode
// gave it, for whole files and for files cut short or damaged, which
// libjpeg reads as far as it can; and refuses what it refused.
func TestJPEGLumaMatchesOpenCV(t *testing.T) {
	t.Parallel()
	const w, h = 203, 77 // neither a multiple of the 16-pixel MCU
	rgb := image.NewNRGBA(image.Rect(0, 0, w, h))
	gray := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := uint8(x*y>>3) ^ uint8(x*13)
			rgb.Set(x, y, color.NRGBA{v, uint8(7 * y), uint8(11 * (x + y)), 255})
			gray.SetGray(x, y, color.Gray{v})
		}
	}
	encode := func(img image.Image) []byte {
		var b bytes.Buffer
		if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	colour, luma := encode(rgb), encode(gray)
	mat, err := gocv.NewMatFromBytes(h, w, gocv.MatTypeCV8UC1, gray.Pix)
	if err != nil {
		t.Fatal(err)
	}
	defer mat.Close()
	buf, err := gocv.IMEncodeWithParams(gocv.JPEGFileExt, mat, []int{gocv.IMWriteJpegProgressive, 1})
	if err != nil {
		t.Fatal(err)
	}
	progressive := bytes.Clone(buf.GetBytes())
	buf.Close()
	garbage := bytes.Clone(colour)
	for i := len(garbage) / 2; i < len(garbage)/2+200; i++ {
		garbage[i] = byte(i*2654435761>>13) | 1
	}
	pool := scanner.NewPlanePool(0)
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"colour", colour},
		{"gray", luma},
		{"progressive", progressive},
		{"no Huffman tables", withoutHuffmanTables(t, colour)},
		{"60% of it", colour[:len(colour)*6/10]},
		{"no EOI marker", colour[:len(colour)-2]},
		{"garbage in the middle", garbage},
		{"header only", colour[:len(colour)-len(colour)*9/10]},
	} {
		want, _, werr := capture.DecodeImageOpenCV(tc.data, scanner.DefaultLimits, pool)
		got, _, err := capture.DecodeImageWiped(tc.data, scanner.DefaultLimits, pool)
		switch {
		case (err == nil) != (werr == nil):
			t.Errorf("%s: err = %v, OpenCV's %v", tc.name, err, werr)
		case err != nil && !errors.Is(err, scanner.ErrBadImage):
			t.Errorf("%s: err = %v, want an ErrBadImage", tc.name, err)
		case err == nil && !bytes.Equal(got.Pix, want.Pix):
			t.Errorf("%s: the plane differs from OpenCV's", tc.name)
		}
		for _, f := range []*scanner.Frame{got, want} {
			if f != nil {
				f.Purge()
			}
		}
	}
	if st := pool.Stats(); st.Outgoing != 0 {
		t.Errorf("frames left: %+v", st)
	}
}

// libgdalResident returns how many bytes of libgdal's mappings are
// resident in this process, and whether it is loaded at all.
func libgdalResident(t *testing.T) (int, bool) {
	data, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		t.Skipf("no /proc/self/smaps: %v", err)
	}
	total, loaded, in := 0, false, false
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) >= 5 && strings.Contains(f[0], "-") && !strings.HasSuffix(f[0], ":"):
			in = len(f) == 6 && strings.Contains(f[5], "/libgdal.so")
			loaded = loaded || in
		case in && len(f) == 3 && f[0] == "Rss:":
			kb, _ := strconv.Atoi(f[1])
			total += kb << 10
		}
	}
	return total, loaded
}

// TestMotionJPEGFramesLeaveOpenCVCodecsAlone: reading Motion-JPEG frames
// does not build OpenCV's table of image decoders, which in Debian's
// OpenCV registers every GDAL driver and so keeps megabytes of libgdal's
// code resident for good. It runs in a process of its own, where no other
// test has decoded an image through OpenCV yet; a decode through
// OpenCV's codecs afterwards shows what is avoided.
func TestMotionJPEGFramesLeaveOpenCVCodecsAlone(t *testing.T) {
	if os.Getenv("SCANNERD_TEST_FRESH_PROCESS") == "" {
		t.Parallel()
		cmd := exec.Command(os.Args[0], "-test.run=^TestMotionJPEGFramesLeaveOpenCVCodecsAlone$", "-test.v")
		cmd.Env = append(os.Environ(), "SCANNERD_TEST_FRESH_PROCESS=1")
		out, err := cmd.CombinedOutput()
		if err != nil || !bytes.Contains(out, []byte("--- ")) {
			t.Fatalf("%v\n%s", err, out)
		}
		if bytes.Contains(out, []byte("--- SKIP")) {
			t.Skipf("%s", out)
		}
		return
	}
	var b bytes.Buffer
	img := image.NewGray(image.Rect(0, 0, 640, 480))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7 >> 4)
	}
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	before, loaded := libgdalResident(t)
	if !loaded {
		t.Skip("this OpenCV is built without GDAL")
	}
	pool := scanner.NewPlanePool(0)
	for range 3 {
		f, _, err := capture.DecodeImageWiped(b.Bytes(), scanner.DefaultLimits, pool)
		if err != nil {
			t.Fatal(err)
		}
		f.Purge()
	}
	after, _ := libgdalResident(t)
	f, _, err := capture.DecodeImageOpenCV(b.Bytes(), scanner.DefaultLimits, pool)
	if err != nil {
		t.Fatal(err)
	}
	f.Purge()
	viaOpenCV, _ := libgdalResident(t)
	t.Logf("libgdal resident: %d KiB at start, %d after the frames, %d after one decode through OpenCV",
		before>>10, after>>10, viaOpenCV>>10)
	if grew, avoided := after-before, viaOpenCV-after; grew >= avoided/4 {
		t.Errorf("decoding frames made %d KiB of libgdal resident, OpenCV's codecs %d KiB more", grew>>10, avoided>>10)
	}
}

// FuzzMotionJPEGFrame: whatever bytes a Motion-JPEG file or camera hands
// over, the reader that calls libjpeg itself gives a frame of the header's
// size or an error, and leaves no frame behind.
func FuzzMotionJPEGFrame(f *testing.F) {
	for name, data := range sampleImages(f) {
		if strings.HasSuffix(name, ".jpeg") {
			f.Add(data)
			f.Add(data[:len(data)/2])
		}
	}
	lim := scanner.Limits{MaxBytes: 1 << 20, MaxPixels: 1 << 18}
	f.Fuzz(func(t *testing.T, data []byte) {
		pool := scanner.NewPlanePool(0)
		fr, _, err := capture.DecodeImageWiped(data, lim, pool)
		if err == nil {
			cfg, cerr := jpeg.DecodeConfig(bytes.NewReader(data))
			if cerr == nil && (fr.Width != cfg.Width || fr.Height != cfg.Height) {
				t.Errorf("frame %d×%d, header %d×%d", fr.Width, fr.Height, cfg.Width, cfg.Height)
			}
			fr.Purge()
		}
		if pool.Stats().Outgoing != 0 {
			t.Fatal("frame left behind")
		}
	})
}
