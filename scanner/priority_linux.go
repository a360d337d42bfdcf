package scanner

import "syscall"

// lowerThreadPriority raises the nice value of the calling thread alone
// (Linux applies setpriority to a thread id, not to the whole process) to
// nice, when it is lower: the kernel then gives the CPU to the daemon's
// other threads, live decoding and the API, before this one. The goroutine
// must stay locked to the thread for the rest of its life, so that no other
// goroutine ever runs at this priority. Raising one's own nice value needs
// no privilege.
func lowerThreadPriority(nice int) error {
	tid := syscall.Gettid()
	// getpriority returns 20-nice, so that the value is never negative.
	cur, err := syscall.Getpriority(syscall.PRIO_PROCESS, tid)
	if err != nil {
		return err
	}
	if 20-cur >= nice {
		return nil
	}
	return syscall.Setpriority(syscall.PRIO_PROCESS, tid, nice)
}
