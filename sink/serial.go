package sink

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// baudRates are the line speeds a serial sink accepts, with their termios
// speed codes.
var baudRates = map[int]uint32{
	1200: unix.B1200, 2400: unix.B2400, 4800: unix.B4800, 9600: unix.B9600, 19200: unix.B19200,
	38400: unix.B38400, 57600: unix.B57600, 115200: unix.B115200, 230400: unix.B230400,
	460800: unix.B460800, 921600: unix.B921600,
}

func baudList() string {
	var rates []int
	for r := range baudRates {
		rates = append(rates, r)
	}
	slices.Sort(rates)
	s := make([]string, len(rates))
	for i, r := range rates {
		s[i] = strconv.Itoa(r)
	}
	return strings.Join(s, ", ")
}

const defaultSerialTimeout = 2 * time.Second

func (p *SerialSpec) baud() int {
	if p.Baud == 0 {
		return 9600
	}
	return p.Baud
}

// serialSink writes each payload, framed by the prefix and suffix, to a
// TTY in raw mode. A port that is missing (a USB adapter unplugged) is
// reopened with the sink's backoff while results wait in the queue; a
// write that fails is not repeated, since part of it may be on the line.
type serialSink struct {
	spec           SerialSpec
	prefix, suffix []byte
	timeout        time.Duration
	f              *os.File // nil while closed
}

var _ transport = (*serialSink)(nil)

func newSerial(p *SerialSpec) (*serialSink, error) {
	suffix := "\r\n"
	if p.Suffix != nil {
		suffix = *p.Suffix
	}
	return &serialSink{spec: *p, prefix: []byte(p.Prefix), suffix: []byte(suffix), timeout: p.Timeout.Or(defaultSerialTimeout)}, nil
}

func (s *serialSink) target() string { return s.spec.Device }

func (s *serialSink) send(_ context.Context, _ *Item, payload []byte) error {
	if s.f == nil {
		if err := s.open(); err != nil {
			return err
		}
	}
	line := make([]byte, 0, len(s.prefix)+len(payload)+len(s.suffix))
	line = append(append(append(line, s.prefix...), payload...), s.suffix...)
	s.f.SetWriteDeadline(time.Now().Add(s.timeout))
	if _, err := s.f.Write(line); err != nil {
		s.f.Close()
		s.f = nil
		return lost(fmt.Errorf("write %s: %w", s.spec.Device, err))
	}
	return nil
}

// open opens the port without making it the daemon's controlling
// terminal, non-blocking so writes honour their deadline, and sets the
// line.
func (s *serialSink) open() error {
	f, err := os.OpenFile(s.spec.Device, os.O_RDWR|unix.O_NOCTTY|unix.O_NONBLOCK, 0)
	if err != nil {
		return fmt.Errorf("open serial port: %w", err)
	}
	rc, err := f.SyscallConn()
	if err == nil {
		cerr := rc.Control(func(fd uintptr) {
			var t *unix.Termios
			if t, err = unix.IoctlGetTermios(int(fd), unix.TCGETS); err != nil {
				err = fmt.Errorf("%s is not a terminal: %w", s.spec.Device, err)
				return
			}
			setLine(t, &s.spec)
			if err = unix.IoctlSetTermios(int(fd), unix.TCSETS, t); err != nil {
				err = fmt.Errorf("set line of %s: %w", s.spec.Device, err)
			}
		})
		if err == nil {
			err = cerr
		}
	}
	if err != nil {
		f.Close()
		return err
	}
	s.f = f
	return nil
}

// setLine puts t in raw mode (bytes pass unchanged: no echo, no line
// editing, no CR/LF translation) with the spec's speed, character size,
// parity, stop bits and flow control.
func setLine(t *unix.Termios, p *SerialSpec) {
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL |
		unix.IXON | unix.IXOFF | unix.IXANY
	t.Oflag &^= unix.OPOST
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	t.Cflag &^= unix.CBAUD | unix.CSIZE | unix.PARENB | unix.PARODD | unix.CSTOPB | unix.CRTSCTS
	speed := baudRates[p.baud()]
	t.Cflag |= unix.CREAD | unix.CLOCAL | speed
	t.Ispeed, t.Ospeed = speed, speed
	if p.DataBits == 7 {
		t.Cflag |= unix.CS7
	} else {
		t.Cflag |= unix.CS8
	}
	switch p.Parity {
	case "even":
		t.Cflag |= unix.PARENB
	case "odd":
		t.Cflag |= unix.PARENB | unix.PARODD
	}
	if p.StopBits == 2 {
		t.Cflag |= unix.CSTOPB
	}
	if p.RTSCTS {
		t.Cflag |= unix.CRTSCTS
	}
	t.Cc[unix.VMIN], t.Cc[unix.VTIME] = 1, 0
}

func (s *serialSink) close(context.Context) {
	if s.f != nil {
		s.f.Close()
		s.f = nil
	}
}
