package scanner_test

import (
	"testing"
	"time"

	"github.com/scannerd/scannerd/scanner"
)

// TestEngineSplitsFrameCPUByStage: with EngineConfig.StageCPU a live
// frame's report splits its decode's CPU time by pass and stage, as the
// pprof labels name them: the adaptive look at the blocks, the first
// pass's reader that read the code, all within the frame's CPU time;
// without it the report has no stages.
func TestEngineSplitsFrameCPUByStage(t *testing.T) {
	for _, split := range []bool{true, false} {
		var rep *scanner.FrameReport
		e := scanner.NewEngine(scanner.EngineConfig{Workers: 1, StageCPU: split, OnFrame: func(r *scanner.FrameReport) { rep = r }})
		f := texturedScene(t, 0, []placed{{scanner.QRCode, "STAGES", 480, 270}}).Frame(scanner.NewPlanePool(0))
		f.Source, f.CapturedAt = "cam", time.Unix(1_700_000_000, 0)
		e.Submit(f, scanner.Options{TryRotated: true, Adaptive: true, Rescan: time.Minute, Budget: time.Second})
		e.Start()
		e.Close()
		if len(rep.Results) != 1 {
			t.Fatalf("split %v: read %+v", split, rep.Results)
		}
		if !split {
			if rep.Stages != nil {
				t.Errorf("stages without StageCPU: %+v", rep.Stages)
			}
			continue
		}
		var sum time.Duration
		seen := map[string]bool{}
		for _, s := range rep.Stages {
			sum += s.CPU
			seen[s.Pass+" "+s.Stage] = true
		}
		for _, want := range []string{" blocks", "hybrid binarize", "hybrid QR_CODE"} {
			if !seen[want] {
				t.Errorf("no stage %q in %+v", want, rep.Stages)
			}
		}
		if sum <= 0 || sum > rep.CPU {
			t.Errorf("stages' CPU %v, the frame's %v", sum, rep.CPU)
		}
	}
}
