package capture

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Watcher watches a device directory with inotify for V4L2 nodes
// (videoN) and the udev links under v4l/by-id and v4l/by-path appearing,
// vanishing or changing permissions (udev sets a node's group after
// creating it), and signals its subscribers. The v4l directories come and
// go with the first and last camera; they are watched while they exist.
type Watcher struct {
	dev  string
	log  *slog.Logger
	fd   int      // the inotify descriptor, for adding watches
	file *os.File // the same, read through the runtime poller (Fd would make it blocking)

	mu   sync.Mutex
	wds  map[int]string // watch descriptor → directory, relative to dev
	subs map[chan struct{}]struct{}

	done chan struct{}
	once sync.Once
}

var _ Hotplug = (*Watcher)(nil)

// watchMask: what happens to a device node or link that matters.
const watchMask = unix.IN_CREATE | unix.IN_DELETE | unix.IN_MOVED_TO | unix.IN_MOVED_FROM |
	unix.IN_ATTRIB | unix.IN_DELETE_SELF | unix.IN_ONLYDIR

// NewWatcher starts watching dev (/dev when empty). Close stops it.
func NewWatcher(dev string, log *slog.Logger) (*Watcher, error) {
	if dev == "" {
		dev = "/dev"
	}
	if log == nil {
		log = slog.Default()
	}
	fd, err := unix.InotifyInit1(unix.IN_NONBLOCK | unix.IN_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("hot-plug: inotify: %w", err)
	}
	w := &Watcher{dev: dev, log: log, fd: fd, file: os.NewFile(uintptr(fd), "inotify"),
		wds: map[int]string{}, subs: map[chan struct{}]struct{}{}, done: make(chan struct{})}
	if err := w.add("."); err != nil {
		w.file.Close()
		return nil, err
	}
	w.addV4L()
	go w.read()
	return w, nil
}

// add watches a directory under dev; one that does not exist is skipped.
func (w *Watcher) add(rel string) error {
	wd, err := unix.InotifyAddWatch(w.fd, filepath.Join(w.dev, rel), watchMask)
	if err != nil {
		if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ENOTDIR) {
			return nil
		}
		return fmt.Errorf("hot-plug: watch %s: %w", filepath.Join(w.dev, rel), err)
	}
	w.mu.Lock()
	w.wds[wd] = rel
	w.mu.Unlock()
	return nil
}

// addV4L watches the v4l link directories that exist now. Watching one
// twice returns the same descriptor, so this may run on every change.
func (w *Watcher) addV4L() {
	for _, rel := range []string{"v4l", "v4l/by-id", "v4l/by-path"} {
		if err := w.add(rel); err != nil {
			w.log.Warn("hot-plug: cannot watch", "err", err)
		}
	}
}

// Subscribe returns a channel that receives a signal after each change;
// cancel ends the subscription.
func (w *Watcher) Subscribe() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	w.mu.Lock()
	w.subs[ch] = struct{}{}
	w.mu.Unlock()
	return ch, func() {
		w.mu.Lock()
		delete(w.subs, ch)
		w.mu.Unlock()
	}
}

func (w *Watcher) signal() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for ch := range w.subs {
		select {
		case ch <- struct{}{}:
		default: // a signal is pending already
		}
	}
}

// read turns inotify events into signals until Close.
func (w *Watcher) read() {
	defer close(w.done)
	buf := make([]byte, 64*(unix.SizeofInotifyEvent+unix.NAME_MAX+1))
	for {
		n, err := w.file.Read(buf)
		if err != nil {
			if !errors.Is(err, os.ErrClosed) {
				w.log.Error("hot-plug: reading inotify events stopped", "err", err)
			}
			return
		}
		if w.relevant(buf[:n]) {
			w.addV4L()
			w.signal()
		}
	}
}

// relevant reports whether a batch of events touches a video node or the
// v4l links, forgetting the watches of directories that went away.
func (w *Watcher) relevant(b []byte) bool {
	found := false
	for len(b) >= unix.SizeofInotifyEvent {
		ev := (*unix.InotifyEvent)(unsafe.Pointer(&b[0]))
		end := unix.SizeofInotifyEvent + int(ev.Len)
		if end > len(b) {
			break
		}
		name := strings.TrimRight(string(b[unix.SizeofInotifyEvent:end]), "\x00")
		b = b[end:]
		w.mu.Lock()
		dir, known := w.wds[int(ev.Wd)]
		if ev.Mask&unix.IN_IGNORED != 0 {
			delete(w.wds, int(ev.Wd))
		}
		w.mu.Unlock()
		switch {
		case !known:
		case dir != ".":
			found = true // anything in the v4l directories
		case name == "v4l" || strings.HasPrefix(name, "video"):
			found = true
		}
	}
	return found
}

// Close stops watching. It is safe to call more than once.
func (w *Watcher) Close() error {
	w.once.Do(func() {
		w.file.Close()
		<-w.done
	})
	return nil
}
