//go:build !linux

package scanner

import "time"

// threadCPUClock returns a wall clock where no thread CPU clock is at hand.
func threadCPUClock() func() time.Duration { return wallClock() }
