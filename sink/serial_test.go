package sink_test

import (
	"bufio"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/scannerd/scannerd/sink"
)

// openPTY opens a pseudo-terminal pair: the sink writes to the TTY end
// by its path, as to /dev/ttyUSB0; the test reads the other end.
func openPTY(t testing.TB) (master, tty *os.File) {
	t.Helper()
	master, tty, err := pty.Open()
	if err != nil {
		t.Skipf("skipping: no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { master.Close(); tty.Close() })
	return master, tty
}

// readLines reads n lines ending in "\n" from r.
func readLines(t testing.TB, r *bufio.Reader, n int) []string {
	t.Helper()
	out := make([]string, 0, n)
	for range n {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("after %d lines: %v", len(out), err)
		}
		out = append(out, line)
	}
	return out
}

// TestSerialWritesFramedLinesInRawMode: each result is one framed line on
// the port, byte for byte (raw mode: no newline translation), in order,
// with the line speed set through real termios calls.
func TestSerialWritesFramedLinesInRawMode(t *testing.T) {
	t.Parallel()
	master, tty := openPTY(t)
	suffix := "\n"
	s := newSet(t, sink.Env{}, sink.Spec{Name: "plc", Template: "{{.Symbology}}:{{.Text}}",
		Serial: &sink.SerialSpec{Device: tty.Name(), Baud: 115200, Prefix: "\x02", Suffix: &suffix}})
	deliver(s, 0, 50)
	got := readLines(t, bufio.NewReader(master), 50)
	for i, line := range got {
		if want := "\x02QR_CODE:" + text(i) + "\n"; line != want {
			t.Fatalf("line %d: %q, want %q (a CR would mean the port is not raw)", i, line, want)
		}
	}
	tio, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if tio.Cflag&unix.CBAUD != unix.B115200 || tio.Oflag&unix.OPOST != 0 || tio.Lflag&(unix.ICANON|unix.ECHO) != 0 {
		t.Errorf("termios after open: cflag %#o oflag %#o lflag %#o: want 115200 baud, raw", tio.Cflag, tio.Oflag, tio.Lflag)
	}
	waitFor(t, "the count", func() bool { return statusOf(t, s, "plc").Delivered == 50 })
}

// TestSerialDefaultsAndMissingPort: a port that is not there yet is
// retried while results wait in the queue; once it appears they are
// written, in order, with the default template and CR LF.
func TestSerialDefaultsAndMissingPort(t *testing.T) {
	t.Parallel()
	master, tty := openPTY(t)
	link := t.TempDir() + "/ttyUSB0"
	s := newSet(t, sink.Env{}, sink.Spec{Name: "plc", RetryMin: dur(time.Millisecond), RetryMax: dur(10 * time.Millisecond),
		Serial: &sink.SerialSpec{Device: link}})
	deliver(s, 0, 5)
	waitFor(t, "a failed open", func() bool { return statusOf(t, s, "plc").Retried > 0 })
	if st := statusOf(t, s, "plc"); st.Queued != 5 || st.State != sink.StateFailing || !strings.Contains(st.LastError, "no such file") {
		t.Errorf("status with the port missing: %+v", st)
	}
	if err := os.Symlink(tty.Name(), link); err != nil { // the adapter is plugged in
		t.Fatal(err)
	}
	got := readLines(t, bufio.NewReader(master), 5)
	for i, line := range got {
		if want := text(i) + "\r\n"; line != want {
			t.Fatalf("line %d: %q, want %q", i, line, want)
		}
	}
}

// TestSerialLineSettingsReachTheKernel: parity, character size and stop
// bits are set in the TTY's termios. A pseudo-terminal keeps the speed and
// stop bits it is given but forces 8 bits without parity, so those two are
// checked in what the sink asked for rather than what the pty kept.
func TestSerialLineSettingsReachTheKernel(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		spec sink.SerialSpec
		want uint32
	}{
		{sink.SerialSpec{Baud: 9600, Parity: "even", DataBits: 7}, unix.B9600 | unix.PARENB | unix.CS7},
		{sink.SerialSpec{Baud: 19200, Parity: "odd", StopBits: 2}, unix.B19200 | unix.PARENB | unix.PARODD | unix.CS8 | unix.CSTOPB},
		{sink.SerialSpec{Baud: 4800, RTSCTS: true}, unix.B4800 | unix.CS8 | unix.CRTSCTS},
	} {
		mask := uint32(unix.CBAUD | unix.CSIZE | unix.PARENB | unix.PARODD | unix.CSTOPB | unix.CRTSCTS)
		if got := sink.LineFlags(&tc.spec) & mask; got != tc.want {
			t.Errorf("%+v: cflag %#o, want %#o", tc.spec, got, tc.want)
		}
		master, tty := openPTY(t)
		tc.spec.Device = tty.Name()
		s := newSet(t, sink.Env{}, sink.Spec{Name: "line", Serial: &tc.spec})
		deliver(s, 0, 1)
		readLines(t, bufio.NewReader(master), 1)
		tio, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
		if err != nil {
			t.Fatal(err)
		}
		kept := uint32(unix.CBAUD | unix.CSTOPB | unix.CRTSCTS)
		if tio.Cflag&kept != tc.want&kept {
			t.Errorf("%+v: the kernel has cflag %#o, want %#o in %#o", tc.spec, tio.Cflag, tc.want, kept)
		}
	}
}

// TestSerialFailedWriteIsNotRepeated: at most once. A write that fails
// (the other end went away) drops that result, counted, rather than
// repeating a line that may be half out.
func TestSerialFailedWriteIsNotRepeated(t *testing.T) {
	t.Parallel()
	master, tty := openPTY(t)
	s := newSet(t, sink.Env{}, sink.Spec{Name: "plc", RetryMin: dur(time.Millisecond), RetryMax: dur(5 * time.Millisecond),
		Serial: &sink.SerialSpec{Device: tty.Name()}})
	deliver(s, 0, 1)
	readLines(t, bufio.NewReader(master), 1)
	master.Close()
	// The port is gone once the kernel hangs up its other side: until then
	// (a process forked elsewhere in the test binary can hold the master
	// for the moment before it execs) a write still succeeds.
	waitFor(t, "the port to hang up", func() bool {
		fds := []unix.PollFd{{Fd: int32(tty.Fd()), Events: unix.POLLOUT}}
		n, err := unix.Poll(fds, 0)
		return err == nil && n == 1 && fds[0].Revents&unix.POLLHUP != 0
	})
	deliver(s, 1, 1)
	waitFor(t, "the failed write", func() bool { return statusOf(t, s, "plc").Dropped == 1 })
	if st := statusOf(t, s, "plc"); st.Delivered != 1 || st.Queued != 0 || !strings.Contains(st.LastError, "write") {
		t.Errorf("status %+v: want 1 delivered, 1 dropped for a failed write", st)
	}
}
