package pdf417

import "testing"

// TestTurnedRegionsKeepScratch: once warm, finding the clusters of a
// frame's barred cells again allocates next to nothing (13 allocations a
// search of grain when the marks, stacks, members, angles and regions of
// its clusters were made anew each time): they are kept in the reader,
// and wiped with it.
func TestTurnedRegionsKeepScratch(t *testing.T) {
	grain, err := bitmap(grainImage(320, 320, 0.2, 1)).GetBlackMatrix()
	if err != nil {
		t.Fatal(err)
	}
	r := NewCompositeMicroReader()
	if rs := r.turnedRegions(grain); len(rs) == 0 {
		t.Fatal("no cluster in the grain: the test counts nothing")
	}
	allocs := testing.AllocsPerRun(5, func() { r.turnedRegions(grain) })
	t.Logf("%v allocations a search", allocs)
	if allocs > 5 {
		t.Errorf("%v allocations finding the clusters again, want at most 5", allocs)
	}
	r.wipe()
	if cap(r.clusterSeen) == 0 || cap(r.regions) == 0 {
		t.Fatal("nothing kept")
	}
	for i, s := range r.clusterSeen[:cap(r.clusterSeen)] {
		if s {
			t.Fatalf("cell %d still marked after the wipe", i)
		}
	}
	for _, rg := range r.regions[:cap(r.regions)] {
		if rg != (turnedRegion{}) {
			t.Fatalf("region %+v kept after the wipe", rg)
		}
	}
}
