package scanner

import (
	"context"
	"runtime/pprof"
	"time"
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

	// clock, when set (EngineConfig.StageCPU), counts the CPU time of
	// each stage into spent from the time start was called: cur is the
	// stage running since at.
	clock func() time.Duration
	at    time.Duration
	cur   StageCPU
	spent []StageCPU
}

// StageCPU is the CPU time a live frame's decode spent in one stage of one
// pass (EngineConfig.StageCPU), as the pprof labels name them (Pass empty
// for the adaptive look at the frame's blocks, "setup" before it). Waived
// says the stage ran in the first look at the frame's largest region,
// which the frame's budget does not bound.
type StageCPU struct {
	Pass, Stage string
	Waived      bool
	CPU         time.Duration
}

// start begins counting a decode's stages, when clock is set.
func (l *stageLabels) start() {
	l.spent = l.spent[:0]
	if l.clock != nil {
		l.at, l.cur = l.clock(), StageCPU{Stage: "setup"}
	}
}

// count ends the running stage, adding its CPU time to spent (to the last
// entry when that is the same stage), and starts next.
func (l *stageLabels) count(next StageCPU) {
	if l.clock == nil {
		return
	}
	now := l.clock()
	l.cur.CPU, l.at = now-l.at, now
	if n := len(l.spent); n > 0 && l.spent[n-1].Pass == l.cur.Pass && l.spent[n-1].Stage == l.cur.Stage && l.spent[n-1].Waived == l.cur.Waived {
		l.spent[n-1].CPU += l.cur.CPU
	} else {
		l.spent = append(l.spent, l.cur)
	}
	l.cur = next
}

// enter labels the calling goroutine with pass and stage; waived tells the
// stage's CPU time (when counted) as the budget's exempt first look.
func (l *stageLabels) enter(pass, stage string, waived bool) {
	l.count(StageCPU{Pass: pass, Stage: stage, Waived: waived})
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

// leave clears the calling goroutine's labels, and ends the counting of
// the decode's stages.
func (l *stageLabels) leave() {
	l.count(StageCPU{})
	pprof.SetGoroutineLabels(context.Background())
}
