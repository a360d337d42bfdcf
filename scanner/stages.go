package scanner

import (
	"context"
	"runtime/pprof"
)

// Stage labels. Decoding runs under pprof labels that name the pass
// ("hybrid", "inverted", …) and the stage within it ("binarize",
// "proposals", "rows" for the 1D readers, or the symbology of a 2D
// reader), so a CPU profile of any run splits the time by them: `go tool
// pprof -tags` prints the split (scanctl decode --cpuprofile writes such a
// profile, and make bench prints it per image). CPU samples count only
// time on the CPU, so the split holds on a busy machine, where wall-clock
// timings of each stage would count the waits too.
//
// Setting a goroutine's labels stores one pointer; the labelled contexts
// are made once per decoder.

// Stage names, besides the symbology names of the area readers.
const (
	stageBinarize  = "binarize"
	stageProposals = "proposals"
	stageResample  = "resample" // the half and double size views
	stageRows      = "rows"
)

// StageLabel and PassLabel are the pprof label keys the decoder sets.
const (
	StageLabel = "stage"
	PassLabel  = "pass"
)

type stageKey struct{ pass, stage string }

type stageLabels struct {
	ctx map[stageKey]context.Context
}

// enter labels the calling goroutine with pass and stage.
func (l *stageLabels) enter(pass, stage string) {
	k := stageKey{pass, stage}
	c, ok := l.ctx[k]
	if !ok {
		if l.ctx == nil {
			l.ctx = make(map[stageKey]context.Context)
		}
		c = pprof.WithLabels(context.Background(), pprof.Labels(PassLabel, pass, StageLabel, stage))
		l.ctx[k] = c
	}
	pprof.SetGoroutineLabels(c)
}

// leave clears the calling goroutine's labels.
func (l *stageLabels) leave() { pprof.SetGoroutineLabels(context.Background()) }
