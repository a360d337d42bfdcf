package capture_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scannerd/scannerd/capture"
	"github.com/scannerd/scannerd/internal/syncbuf"
	"github.com/scannerd/scannerd/scanner"
)

// manualClock is a clock that moves only when the source waits.
type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// wait stands in for the source's sleeps: the time passes at once.
func (c *manualClock) wait(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
	return nil
}

type inbox struct {
	dir   string
	src   capture.Source
	clock *manualClock
	logs  *syncbuf.Buffer
	pool  *scanner.PlanePool
	ctx   context.Context
}

func openInbox(t *testing.T, afterRead string) *inbox {
	t.Helper()
	dir := t.TempDir()
	in := &inbox{dir: dir, clock: &manualClock{now: time.Unix(1_000_000, 0)}, logs: &syncbuf.Buffer{}, pool: scanner.NewPlanePool(-1)}
	spec := capture.Spec{Name: "inbox", URL: "dir:" + dir, AfterRead: afterRead}
	src, err := capture.New(spec, capture.Env{Clock: in.clock.Now, Logger: slog.New(slog.NewTextHandler(in.logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	capture.PaceDir(src, in.clock.wait)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	if err := src.Open(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	in.src, in.ctx = src, ctx
	return in
}

// drop writes a QR code image into the inbox, as a writer should.
func (in *inbox) drop(t *testing.T, name, text string) {
	t.Helper()
	writePNG(t, filepath.Join(in.dir, name), videoCanvas(t, scanner.QRCode, text))
}

func (in *inbox) read(t *testing.T) (*scanner.Frame, string) {
	t.Helper()
	f, err := in.src.Read(in.ctx, in.pool)
	if err != nil {
		t.Fatal(err)
	}
	res, _ := scanner.NewDecoder().Decode(f, scanner.Options{})
	if len(res) != 1 {
		t.Fatalf("read %+v from frame %d×%d of %s", res, f.Width, f.Height, f.Source)
	}
	return f, res[0].Text
}

func (in *inbox) exists(name string) bool {
	_, err := os.Stat(filepath.Join(in.dir, name))
	return err == nil
}

// finish ends a frame as the engine would, with err.
func finish(f *scanner.Frame, err error) {
	done := f.Done
	f.Purge()
	done(err)
}

// A file stays in the directory until its frame is decoded: a burst of
// files used to lose the ones the live queue dropped after they had been
// deleted.
func TestDirSourceDisposesOnlyAfterDecoding(t *testing.T) {
	in := openInbox(t, "delete")
	in.drop(t, "a.png", "kept until decoded")
	f, text := in.read(t)
	if text != "kept until decoded" || !in.exists("a.png") {
		t.Fatalf("read %q; the file exists: %v, want it to stay until decoded", text, in.exists("a.png"))
	}
	finish(f, nil)
	if in.exists("a.png") {
		t.Error("the file stayed after it was decoded")
	}

	// A frame the engine dropped unread leaves its file to be read again.
	in.drop(t, "b.png", "dropped once")
	f, _ = in.read(t)
	finish(f, scanner.ErrDropped)
	if !in.exists("b.png") {
		t.Fatal("a dropped frame's file was deleted")
	}
	f, text = in.read(t)
	if text != "dropped once" {
		t.Errorf("read again: %q", text)
	}
	finish(f, nil)
}

// The license refused the frames (not_authorized, over_quota): the files
// must not be deleted unread, and the source pauses, backing off, instead
// of reading the whole directory into refusals.
func TestDirSourceKeepsFilesTheLicenseRefused(t *testing.T) {
	in := openInbox(t, "delete")
	for i := range 3 {
		in.drop(t, fmt.Sprintf("%d.png", i), fmt.Sprint("refused ", i))
	}
	refused := fmt.Errorf("%w: over_quota", scanner.ErrRefused)
	start := in.clock.Now()
	var pauses []time.Duration
	for range 3 {
		f, _ := in.read(t)
		pauses = append(pauses, in.clock.Now().Sub(start))
		finish(f, refused)
	}
	for i := range 3 {
		if !in.exists(fmt.Sprintf("%d.png", i)) {
			t.Errorf("%d.png was deleted after a refusal", i)
		}
	}
	// Reading resumed after 1 s, then 2 s more: each refusal doubles the pause.
	if pauses[1] < time.Second || pauses[2]-pauses[1] < 2*time.Second {
		t.Errorf("reads at %v after the first: want pauses of 1 s and 2 s between them", pauses)
	}
	// Allowed again: the files are read and go.
	seen := map[string]bool{}
	for range 3 {
		f, text := in.read(t)
		seen[text] = true
		finish(f, nil)
	}
	if len(seen) != 3 {
		t.Errorf("read after the refusals: %v", seen)
	}
	for i := range 3 {
		if in.exists(fmt.Sprintf("%d.png", i)) {
			t.Errorf("%d.png stayed after it was decoded", i)
		}
	}
	if n := strings.Count(in.logs.String(), `msg="decoding refused`); n != 1 {
		t.Errorf("the refusal was logged %d times, want once:\n%s", n, in.logs)
	}
}

// A file that cannot be moved away (here: the destination name is taken by
// a directory, which fails even for root) is decoded once and logged once,
// not every 200 ms forever.
func TestDirSourceLeavesAStuckFileAlone(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "done")
	in := openInbox(t, "move:"+dest)
	if err := os.MkdirAll(filepath.Join(dest, "stuck.png", "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	in.drop(t, "stuck.png", "stuck")
	f, text := in.read(t)
	finish(f, nil)
	if text != "stuck" || !in.exists("stuck.png") {
		t.Fatalf("read %q, and the file is gone: the test needs it to stay", text)
	}
	for i := range 5 {
		in.drop(t, fmt.Sprintf("next%d.png", i), fmt.Sprint("next ", i))
		f, text := in.read(t)
		if text == "stuck" {
			t.Fatalf("the stuck file was read again (read %d)", i)
		}
		finish(f, nil)
	}
	if n := strings.Count(in.logs.String(), "cannot be disposed of"); n != 1 {
		t.Errorf("the stuck file was logged %d times, want once:\n%s", n, in.logs)
	}
	// Rewritten, it is a new file and is read again.
	in.clock.wait(in.ctx, time.Second)
	writePNG(t, filepath.Join(in.dir, "stuck.png"), videoCanvas(t, scanner.QRCode, "stuck again"))
	os.Chtimes(filepath.Join(in.dir, "stuck.png"), in.clock.Now(), in.clock.Now().Add(time.Hour))
	if _, text := in.read(t); text != "stuck again" {
		t.Errorf("after the file changed: read %q", text)
	}
}

// Draining a directory lists it once for the batch, not once a file: 3,000
// files took 14.8 s when every read listed (and stat'ed) them all again.
func TestDirSourceDrainsABatchWithOneListing(t *testing.T) {
	in := openInbox(t, "delete")
	const n = 40
	for i := range n {
		in.drop(t, fmt.Sprintf("%03d.png", i), fmt.Sprintf("file %03d", i))
	}
	for i := range n {
		f, text := in.read(t)
		if text != fmt.Sprintf("file %03d", i) {
			t.Errorf("read %q in place %d: files are read oldest first", text, i)
		}
		finish(f, nil)
	}
	if got := capture.DirListings(in.src); got != 1 {
		t.Errorf("%d listings for %d files, want 1", got, n)
	}
}

// After a refusal the refused file, the oldest, is read again before any
// newer one, as README promises (oldest first, by time then name). The
// names listed before the refusal used to be read on after the pause: a
// 3-scan license and six files delivered t1, t4, t6, and t2, t3, t5 only
// once a license was added.
func TestDirSourceReadsARefusedFileBeforeNewerOnes(t *testing.T) {
	in := openInbox(t, "delete")
	for i := 1; i <= 6; i++ {
		name := fmt.Sprintf("t%d.png", i)
		in.drop(t, name, name)
		mod := time.Unix(2_000_000+int64(i), 0)
		if err := os.Chtimes(filepath.Join(in.dir, name), mod, mod); err != nil {
			t.Fatal(err)
		}
	}
	refused := fmt.Errorf("%w: over_quota", scanner.ErrRefused)
	var order []string
	read := func() *scanner.Frame {
		f, text := in.read(t)
		order = append(order, text)
		return f
	}
	finish(read(), nil)
	// t2 and t3 are with the engine (the source reads ahead) when t2 is
	// refused. While t3 is still there, nothing newer is read: it may be
	// refused too, and must then be read before the newer files.
	f2, f3 := read(), read()
	finish(f2, refused)
	ctx, cancel := context.WithCancel(in.ctx)
	defer cancel()
	giveUp := in.clock.Now().Add(10 * time.Second)
	capture.PaceDir(in.src, func(c context.Context, d time.Duration) error {
		if in.clock.Now().After(giveUp) {
			cancel()
		}
		return in.clock.wait(c, d)
	})
	if f, err := in.src.Read(ctx, in.pool); err == nil {
		res, _ := scanner.NewDecoder().Decode(f, scanner.Options{})
		for _, r := range res {
			t.Errorf("read %s while t3, read before the refusal, was still with the engine", r.Text)
		}
		t.FailNow()
	}
	capture.PaceDir(in.src, in.clock.wait)
	finish(f3, refused)
	// Allowed again: the refused files first, then the newer ones.
	finish(read(), nil) // t2
	finish(read(), nil) // t3
	// t4 refused while t5 is with the engine, which then delivers it (the
	// license allowed it meanwhile): t4 is read again before t6.
	f4, f5 := read(), read()
	finish(f4, refused)
	finish(f5, nil)
	finish(read(), nil) // t4
	finish(read(), nil) // t6
	want := "t1.png t2.png t3.png t2.png t3.png t4.png t5.png t4.png t6.png"
	if got := strings.Join(order, " "); got != want {
		t.Errorf("read %s\nwant %s", got, want)
	}
	for i := 1; i <= 6; i++ {
		if in.exists(fmt.Sprintf("t%d.png", i)) {
			t.Errorf("t%d.png stayed after it was decoded", i)
		}
	}
}

// A file refused while the next one is being read keeps its turn even when
// that read outlasts the source's pause: the file read meanwhile is handed
// back and read after it. The source used to ask whether it was paused, and
// a read slower than the pause (a big image on a loaded machine) sent the
// newer file to the engine first.
func TestDirSourceReadsARefusedFileBeforeOneReadDuringItsRefusal(t *testing.T) {
	dir := t.TempDir()
	clock := &manualClock{now: time.Unix(1_000_000, 0)}
	var hook atomic.Pointer[func()]
	calls := 0
	now := func() time.Time {
		// The second call of a Read once armed is the one in the middle
		// of reading a file (the first asks whether reading is paused).
		if h := hook.Load(); h != nil {
			if calls++; calls == 2 && hook.CompareAndSwap(h, nil) {
				(*h)()
			}
		}
		return clock.Now()
	}
	spec := capture.Spec{Name: "inbox", URL: "dir:" + dir, AfterRead: "delete"}
	src, err := capture.New(spec, capture.Env{Clock: now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	capture.PaceDir(src, clock.wait)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := src.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	in := &inbox{dir: dir, src: src, clock: clock, pool: scanner.NewPlanePool(-1), ctx: ctx}
	for i := 1; i <= 2; i++ {
		name := fmt.Sprintf("t%d.png", i)
		in.drop(t, name, name)
		mod := time.Unix(2_000_000+int64(i), 0)
		if err := os.Chtimes(filepath.Join(dir, name), mod, mod); err != nil {
			t.Fatal(err)
		}
	}
	f1, text := in.read(t)
	if text != "t1.png" {
		t.Fatalf("read %s first, want t1.png", text)
	}
	// While t2 is read, t1 is refused, and the read takes longer than
	// the pause that follows.
	refuse := func() {
		finish(f1, fmt.Errorf("%w: over_quota", scanner.ErrRefused))
		clock.wait(ctx, time.Hour)
	}
	hook.Store(&refuse)
	f, text := in.read(t)
	if hook.Load() != nil {
		t.Fatal("no file was read while t1 was refused")
	}
	if text != "t1.png" {
		t.Errorf("read %s after t1 was refused, want t1.png again", text)
	}
	finish(f, nil)
	if f, text = in.read(t); text != "t2.png" {
		t.Errorf("read %s after t1 was decoded, want t2.png", text)
	}
	finish(f, nil)
}
