package capture

import (
	"context"
	"time"
)

// PaceDemo makes d keep its frame rate by now and wait instead of the
// real clock.
func PaceDemo(d *Demo, now func() time.Time, wait func(ctx context.Context, d time.Duration) error) {
	d.pace.now, d.pace.wait = now, wait
}

// PaceDir makes a dir source wait between polls with wait instead of a
// timer.
func PaceDir(src Source, wait func(ctx context.Context, d time.Duration) error) {
	src.(*dirSource).wait = wait
}

// DirListings counts the times the dir source src has listed its directory.
func DirListings(src Source) int { return src.(*dirSource).listings }

// CutShort reports whether a dir source takes a file of size bytes that
// failed to decode with err for one perhaps still being written.
func CutShort(err error, size int64) bool { return cutShort(err, size) }

// DirSettle is how long a dir source leaves a file that reads as cut short.
const DirSettle = dirSettle
