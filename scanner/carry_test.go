package scanner_test

import (
	"slices"
	"testing"
	"time"

	"github.com/scannerd/scannerd/scanner"
)

// readerSteps are the steps of a frame's first look at its largest
// region that a reader took, as its report's stages name them (the
// symbology of a 2D reader, rows for the 1D ones), with their pass.
func readerSteps(r *scanner.FrameReport) []string {
	var steps []string
	for _, s := range r.Stages {
		switch s.Stage {
		case "setup", "blocks", "binarize", "proposals", "resample":
			continue
		}
		steps = append(steps, s.Pass+" "+s.Stage)
	}
	return steps
}

// TestEngineCarriesCutFirstLook: the first look at a live frame's largest
// region, which the budget does not cut short when nothing can carry it
// on, is cut short by it when the source's scene memory can (Rescan): the
// next frames carry it on from the step where it stopped, each frame
// taking one step at least, so that a look costlier than the budget is
// spread over frames and not begun again each frame. Within a budget
// spent at once, each frame takes one step: together they take the steps
// the whole look takes in one frame without a budget, in order, and read
// the label in the frame whose step reaches its reader. Once the look has
// taken every step the scene is remembered: the next frame, unchanged,
// searches only round the label read (in the look's frames: held).
func TestEngineCarriesCutFirstLook(t *testing.T) {
	label := placed{scanner.DataMatrix, "CARRIED", 480, 270}
	start := time.Unix(1_700_000_000, 0)
	decode := func(budget time.Duration, frames int) []*scanner.FrameReport {
		var reports []*scanner.FrameReport
		e := scanner.NewEngine(scanner.EngineConfig{Workers: 1, QueueSize: frames, StageCPU: true, OnFrame: func(r *scanner.FrameReport) {
			reports = append(reports, r)
		}})
		pool := scanner.NewPlanePool(0)
		opts := scanner.Options{TryRotated: true, Adaptive: true, Rescan: time.Minute, Budget: budget}
		for i := range frames {
			f := texturedScene(t, uint64(i), []placed{label}).Frame(pool)
			f.Source, f.Seq, f.CapturedAt = "cam", uint64(i), start.Add(time.Duration(i)*33*time.Millisecond)
			e.Submit(f, opts)
		}
		e.Start()
		e.Close()
		if len(reports) != frames {
			t.Fatalf("budget %v: %d reports for %d frames", budget, len(reports), frames)
		}
		return reports
	}
	whole := decode(0, 1)[0]
	want := readerSteps(whole)
	if len(whole.Results) != 1 || len(want) < 3 {
		t.Fatalf("without a budget: read %+v in steps %q", whole.Results, want)
	}
	reports := decode(time.Nanosecond, len(want)+4)
	var got []string
	read := -1
	for i, r := range reports {
		steps := readerSteps(r)
		if len(steps) > 1 {
			t.Errorf("frame %d took %d steps within a spent budget: %q", i, len(steps), steps)
		}
		got = append(got, steps...)
		if len(r.Results) > 0 && read < 0 {
			read = i
			if !slices.Equal(steps, []string{"hybrid DATA_MATRIX"}) {
				t.Errorf("frame %d read %+v in steps %q", i, r.Results, steps)
			}
		}
	}
	at := slices.Index(want, "hybrid DATA_MATRIX")
	if read < 0 || at < 0 || len(got) <= at || !slices.Equal(got[:at+1], want[:at+1]) {
		t.Fatalf("read in frame %d; the frames' steps %q, the whole look's %q", read, got, want)
	}
	// The label read in the look's fifth frame is held: searched again.
	if last := reports[len(reports)-1]; last.Unchanged < 0.5 || last.Unchanged == 1 {
		t.Errorf("after the look was carried through, %.2f of the scene left unsearched (steps %q)", last.Unchanged, got)
	}
	// Without a scene memory to carry it on, the look completes in the
	// one frame within the same budget.
	if r := decodeWithoutScene(t, label); len(r.Results) != 1 {
		t.Errorf("without rescan, within a spent budget: read %+v", r.Results)
	}
}

func decodeWithoutScene(t *testing.T, label placed) *scanner.FrameReport {
	var rep *scanner.FrameReport
	e := scanner.NewEngine(scanner.EngineConfig{Workers: 1, OnFrame: func(r *scanner.FrameReport) { rep = r }})
	f := texturedScene(t, 0, []placed{label}).Frame(scanner.NewPlanePool(0))
	f.Source = "cam"
	e.Submit(f, scanner.Options{TryRotated: true, Adaptive: true, Budget: time.Nanosecond})
	e.Start()
	e.Close()
	if rep.Stages != nil {
		t.Errorf("stages counted without EngineConfig.StageCPU: %+v", rep.Stages)
	}
	return rep
}
