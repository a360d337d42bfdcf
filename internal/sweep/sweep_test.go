package sweep

import (
	"fmt"
	"testing"
)

// TestSweepKeepsEveryCaseWithoutRaceAndOneOfEachStrideUnderIt: without
// -race every case runs; under it one of each Stride cases in a row, at
// more than one place in them (a loop of Stride values is not held at
// one), and Count keeps n/Stride rounds.
func TestSweepKeepsEveryCaseWithoutRaceAndOneOfEachStrideUnderIt(t *testing.T) {
	const blocks = 40
	cases := New(t)
	kept := make([]int, blocks)
	places := map[int]bool{}
	for i := 0; i < blocks*Stride; i++ {
		if cases.Next() {
			kept[i/Stride]++
			places[i%Stride] = true
		}
	}
	for b, n := range kept {
		if want := map[bool]int{false: Stride, true: 1}[raceEnabled]; n != want {
			t.Errorf("cases %d to %d: %d run, want %d", b*Stride, (b+1)*Stride-1, n, want)
		}
	}
	if len(places) < 2 {
		t.Errorf("every kept case at the same place of its %d: %v", Stride, places)
	}
	// The same cases each run.
	again, first := New(t), New(t)
	for i := 0; i < blocks*Stride; i++ {
		if again.Next() != first.Next() {
			t.Fatalf("case %d kept in one run of the sweep and not in another", i)
		}
	}
	wantCount := 1500
	if raceEnabled {
		wantCount = 1500 / Stride
	}
	if got := Count(t, 1500); got != wantCount {
		t.Errorf("Count(1500) = %d, want %d", got, wantCount)
	}
	if got := Count(t, 1); got != 1 {
		t.Errorf("Count(1) = %d, want 1", got)
	}
}

// named is a test called name that records whether it failed.
type named struct {
	testing.TB
	name   string
	failed string
}

func (n *named) Name() string                 { return n.name }
func (n *named) Helper()                      {}
func (n *named) Fatalf(f string, args ...any) { n.failed = fmt.Sprintf(f, args...) }

// TestSweepNeedsSweepInTheTestsName: a test thinned under -race that
// make test would not run without -race fails, whatever its subtests are
// called.
func TestSweepNeedsSweepInTheTestsName(t *testing.T) {
	for _, tc := range []struct {
		name string
		fail bool
	}{
		{"TestRoundTripRotationSweep", false},
		{"TestRoundTripSweep/spec1/scene2", false},
		{"TestRoundTripRotations", true},
		{"TestRoundTrip/Sweep", true},
	} {
		n := &named{name: tc.name}
		New(n)
		if (n.failed != "") != tc.fail {
			t.Errorf("New in %s: failed %v (%q), want %v", tc.name, n.failed != "", n.failed, tc.fail)
		}
		n.failed = ""
		Count(n, 8)
		if (n.failed != "") != tc.fail {
			t.Errorf("Count in %s: failed %v (%q), want %v", tc.name, n.failed != "", n.failed, tc.fail)
		}
	}
}
