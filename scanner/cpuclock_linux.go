package scanner

import (
	"syscall"
	"time"
	"unsafe"
)

// threadCPUClock returns a clock of the CPU time of the calling thread
// (CLOCK_THREAD_CPUTIME_ID): the goroutine that reads it must be locked to
// its thread. It falls back to wall time when the kernel refuses.
func threadCPUClock() func() time.Duration {
	const clockThreadCPUTimeID = 3
	read := func() (time.Duration, bool) {
		var ts syscall.Timespec
		_, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0)
		return time.Duration(ts.Nano()), errno == 0
	}
	if _, ok := read(); !ok {
		return wallClock()
	}
	return func() time.Duration {
		t, _ := read()
		return t
	}
}
