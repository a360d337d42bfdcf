package scanner

import (
	"maps"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/scannerd/scannerd/internal/blackbox"
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

// BenchmarkBlackboxCostRatio reports the CPU time per image of the
// blackbox set for each of costConfigs (the decoding thread's own time),
// the configurations interleaved image by image so that the machine's
// load weighs on each alike, and each all-symbologies figure as a ratio of
// its default's; one op is one round over the set. With -v it logs the
// images, and the set's directories, whose cost all symbologies raise
// the most.
func BenchmarkBlackboxCostRatio(b *testing.B) {
	frames := blackboxFrames(b)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	clock := threadCPUClock()
	d := newDecoder()
	spent := make([]time.Duration, len(costConfigs))
	perImage := make([][]time.Duration, len(costConfigs))
	for i := range perImage {
		perImage[i] = make([]time.Duration, len(frames))
	}
	for b.Loop() {
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
	n := float64(b.N * len(frames))
	for i, c := range costConfigs {
		name := strings.ReplaceAll(c.name, " ", "-")
		b.ReportMetric(float64(spent[i].Microseconds())/1000/n, "ms/image-"+name)
		if i%2 == 1 {
			b.ReportMetric(float64(spent[i])/float64(spent[i-1]), "x-default-"+name)
		}
	}
	if testing.Verbose() {
		order := make([]int, len(frames))
		for i := range order {
			order[i] = i
		}
		extra := func(i int) time.Duration { return perImage[1][i] - perImage[0][i] + perImage[3][i] - perImage[2][i] }
		sort.Slice(order, func(a, c int) bool { return extra(order[a]) > extra(order[c]) })
		imgs := blackbox.Load(b)
		for _, i := range order[:min(10, len(order))] {
			b.Logf("%s: +%v", imgs[i].Rel, extra(i)/time.Duration(b.N))
		}
		// And by the set's directories (a family's photos), with each
		// one's share of what all symbologies add.
		byDir := map[string]time.Duration{}
		var total time.Duration
		for i := range frames {
			dir, _, _ := strings.Cut(imgs[i].Rel, "/")
			byDir[dir] += extra(i)
			total += extra(i)
		}
		dirs := slices.Collect(maps.Keys(byDir))
		sort.Slice(dirs, func(a, c int) bool { return byDir[dirs[a]] > byDir[dirs[c]] })
		for _, dir := range dirs[:min(10, len(dirs))] {
			b.Logf("%s/: +%v (%.0f %%)", dir, byDir[dir]/time.Duration(b.N), 100*float64(byDir[dir])/float64(max(total, 1)))
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
