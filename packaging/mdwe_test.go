//go:build !nocv

package packaging_test

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"gocv.io/x/gocv"
	"golang.org/x/sys/unix"

	"github.com/scannerd/scannerd/api/client"
	"github.com/scannerd/scannerd/internal/symbols"
	"github.com/scannerd/scannerd/licensing/lts/ltstest"
	"github.com/scannerd/scannerd/scanner"
)

// The unit sets MemoryDenyWriteExecute=yes. OpenCV and GStreamer (whose
// video conversion can generate code at run time) must work under it.
// Linux's PR_SET_MDWE applies the same rule to a process — no memory may
// become executable that is or was writable — and survives execve, so the
// test runs the packaged daemon under it on a video file and a GStreamer
// pipeline and checks that barcodes come out.

const mdweEnv = "SCANNERD_TEST_MDWE_EXEC"

// TestMDWEExec is not a test of its own: when the parent sets mdweEnv it
// turns on MDWE and becomes the daemon.
func TestMDWEExec(t *testing.T) {
	argv := os.Getenv(mdweEnv)
	if argv == "" {
		t.Skip("helper process for TestMemoryDenyWriteExecute")
	}
	if err := unix.Prctl(unix.PR_SET_MDWE, unix.PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0); err != nil {
		os.Stdout.WriteString("MDWE unavailable: " + err.Error() + "\n")
		os.Exit(3)
	}
	args := strings.Split(argv, "\x1f")
	err := syscall.Exec(args[0], args, os.Environ())
	t.Fatalf("exec %s: %v", args[0], err)
}

func TestMemoryDenyWriteExecute(t *testing.T) {
	current := debs(t)
	root := extract(t, current["scannerd"])
	dir := t.TempDir()
	video := filepath.Join(dir, "codes.avi")
	writeVideo(t, video, "MDWE-OPENCV")
	_, _, license := ltstest.StartTrial(t)
	config := filepath.Join(dir, "scannerd.toml")
	os.WriteFile(config, []byte(license+`
[api]
socket = "`+filepath.Join(dir, "scannerd.sock")+`"
[[source]]
name = "file"
url = "file:`+video+`"
loop = true
[[source]]
name = "gst"
url = "gst:videotestsrc pattern=ball num-buffers=300 ! video/x-raw,width=640,height=480 ! videoconvert ! video/x-raw,format=BGR ! appsink"
`), 0o600)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestMDWEExec$")
	cmd.Env = append(os.Environ(), mdweEnv+"="+strings.Join([]string{
		filepath.Join(root, "usr/bin/scannerd"), "--config", config, "--ndjson"}, "\x1f"), "OPENCV_LOG_LEVEL=ERROR")
	stdout, _ := cmd.StdoutPipe()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	read := false
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "MDWE unavailable") {
			cmd.Wait()
			t.Skip(line)
		}
		if strings.Contains(line, `"text":"MDWE-OPENCV"`) {
			read = true
			break
		}
	}
	// The GStreamer source must be running too, not failing: it delivers
	// frames.
	if read {
		c := client.New(filepath.Join(dir, "scannerd.sock"))
		defer c.Close()
		for gstFrames(ctx, c) == 0 {
			if ctx.Err() != nil {
				t.Errorf("the GStreamer source gave no frame under MDWE:\n%s", stderr.String())
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	if !read {
		t.Fatalf("no result under MDWE: %v\n%s", err, stderr.String())
	}
	if err != nil {
		t.Errorf("daemon under MDWE: %v\n%s", err, stderr.String())
	}
	if strings.Contains(stderr.String(), `source=gst err=`) {
		t.Errorf("the GStreamer source failed under MDWE:\n%s", stderr.String())
	}
}

// gstFrames returns how many frames the daemon's "gst" source has read.
func gstFrames(ctx context.Context, c *client.Client) uint64 {
	st, err := c.Status(ctx)
	if err != nil {
		return 0
	}
	for _, s := range st.Sources {
		if s.Name == "gst" {
			return s.Frames
		}
	}
	return 0
}

func writeVideo(t *testing.T, path, text string) {
	t.Helper()
	s, err := symbols.Encode(scanner.QRCode, text)
	if err != nil {
		t.Fatal(err)
	}
	c := symbols.NewCanvas(640, 480, 200)
	c.Draw(s, symbols.Placement{CX: 320, CY: 240, Module: 5, Dark: 20, Light: 240})
	vw, err := gocv.VideoWriterFile(path, "MJPG", 10, 640, 480, true)
	if err != nil {
		t.Fatal(err)
	}
	defer vw.Close()
	gray, _ := gocv.NewMatFromBytes(480, 640, gocv.MatTypeCV8UC1, c.Pix)
	defer gray.Close()
	bgr := gocv.NewMat()
	defer bgr.Close()
	gocv.CvtColor(gray, &bgr, gocv.ColorGrayToBGR)
	for i := 0; i < 5; i++ {
		vw.Write(bgr)
	}
}
