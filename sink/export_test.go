package sink

import "golang.org/x/sys/unix"

// LineFlags returns the c_cflag a serial sink sets for p on a TTY whose
// flags were all clear.
func LineFlags(p *SerialSpec) uint32 {
	var t unix.Termios
	setLine(&t, p)
	return t.Cflag
}
