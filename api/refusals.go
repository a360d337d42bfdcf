package api

import (
	"slices"
	"sync"
)

// refusals remembers the last live frame the license gate refused, per
// source, so that a scan that waited in vain can say the license was the
// reason rather than answering "timeout".
type refusals struct {
	mu   sync.Mutex
	seq  uint64
	last map[string]refusal // by source
}

type refusal struct {
	seq uint64
	err error // wraps scanner.ErrRefused and the gate's reason
}

// note records a refused frame of source.
func (r *refusals) note(source string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seq++
	if r.last == nil {
		r.last = make(map[string]refusal)
	}
	r.last[source] = refusal{seq: r.seq, err: err}
}

// mark returns a position that since compares against.
func (r *refusals) mark() uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.seq
}

// since returns the latest refusal after mark of a frame from one of
// sources (any source when sources is empty), or nil.
func (r *refusals) since(mark uint64, sources []string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	var latest refusal
	for src, f := range r.last {
		if f.seq > mark && f.seq > latest.seq && (len(sources) == 0 || slices.Contains(sources, src)) {
			latest = f
		}
	}
	return latest.err
}
