package scanner

import (
	"fmt"
	"sort"

	"github.com/scannerd/scannerd/internal/blackbox"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// costConfigs are the option sets whose CPU per dev image the cost
// measurement compares: scanctl decode --try-harder, and a live source's
// defaults (adaptive, the quarter turn, no frame budget so that the
// figures do not depend on the machine's speed), each with the default
// symbologies and with all of them.
var costConfigs = []struct {
	name string
	opts Options
}{
	{"try-harder default", Options{TryHarder: true, TryInverted: true, TryRotated: true}},
	{"try-harder all", Options{Symbologies: AllSymbologies(), TryHarder: true, TryInverted: true, TryRotated: true}},
	{"live default", Options{Adaptive: true, TryRotated: true}},
	{"live all", Options{Symbologies: AllSymbologies(), Adaptive: true, TryRotated: true}},
}

// TestBlackboxCost prints the CPU time per image of the blackbox set for
// each of costConfigs, the configurations interleaved image by image so
// that the machine's load weighs on each alike, and each all-symbologies
// figure as a ratio of its default's. It runs when SCANNERD_COST names the
// rounds (make bench sets it); it asserts nothing: timings are figures,
// not pass/fail.
func TestBlackboxCost(t *testing.T) {
	rounds := 0
	if _, err := fmt.Sscan(os.Getenv("SCANNERD_COST"), &rounds); err != nil || rounds <= 0 {
		t.Skip("set SCANNERD_COST=N to measure the CPU per blackbox image over N rounds")
	}
	frames := blackboxFrames(t)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	clock := threadCPUClock()
	d := newDecoder()
	spent := make([]time.Duration, len(costConfigs))
	perImage := make([][]time.Duration, len(costConfigs))
	for i := range perImage {
		perImage[i] = make([]time.Duration, len(frames))
	}
	for range rounds {
		for fi, f := range frames {
			for i, c := range costConfigs {
				start := clock()
				d.decode(f, c.opts)
				dt := clock() - start
				spent[i] += dt
				perImage[i][fi] += dt
			}
		}
	}
	var b strings.Builder
	n := float64(rounds * len(frames))
	for i, c := range costConfigs {
		ms := float64(spent[i].Microseconds()) / 1000 / n
		fmt.Fprintf(&b, "%-20s %7.2f ms/image", c.name, ms)
		if i%2 == 1 {
			fmt.Fprintf(&b, "  %.3f× default", float64(spent[i])/float64(spent[i-1]))
		}
		b.WriteByte('\n')
	}
	t.Logf("CPU per blackbox image, %d images × %d rounds:\n%s", len(frames), rounds, b.String())
	if testing.Verbose() {
		// The images whose cost all symbologies raise the most.
		order := make([]int, len(frames))
		for i := range order {
			order[i] = i
		}
		extra := func(i int) time.Duration { return perImage[1][i] - perImage[0][i] + perImage[3][i] - perImage[2][i] }
		sort.Slice(order, func(a, b int) bool { return extra(order[a]) > extra(order[b]) })
		imgs := blackbox.Load(t)
		for _, i := range order[:min(10, len(order))] {
			t.Logf("%s: +%v", imgs[i].Rel, extra(i)/time.Duration(rounds))
		}
	}
}

// BenchmarkBlackboxCost decodes the blackbox set with each of costConfigs
// (ns/op is per image); with -cpuprofile, go tool pprof -tags splits one
// configuration's time by pass and stage.
func BenchmarkBlackboxCost(b *testing.B) {
	frames := blackboxFrames(b)
	for _, c := range costConfigs {
		b.Run(strings.ReplaceAll(c.name, " ", "-"), func(b *testing.B) {
			benchmarkBlackbox(b, frames, c.opts)
		})
	}
}
