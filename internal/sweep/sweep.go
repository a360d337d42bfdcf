// Package sweep thins a test's sweep of generated cases (round trips at
// every angle and module size, rounds of damaged input) under the race
// detector, where each case costs several times as much and the sweep
// tests no concurrency that a sample of it does not.
//
// make test runs the tests whose name contains Sweep once more without
// -race, beside the Blackbox and Robustness tests: every case of every
// sweep runs there. Under -race a sweep runs one case of each Stride
// cases in the order of its loops, at a place in them drawn from the
// test's name: every part of the sweep is sampled, the same cases each
// run, and no loop whose length is a multiple of Stride keeps the same
// value throughout.
package sweep

import (
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"testing"
)

// Stride is how many cases of a sweep one case run under -race stands for.
// What the race detector checks in a sweep (the goroutines and shared
// buffers a case uses) is the same in every case; what differs from case
// to case (angles, sizes, damage) the run without -race checks whole.
const Stride = 8

// Cases counts the cases of one sweep.
type Cases struct {
	n, keep int
	rng     *rand.Rand
}

// New starts counting the cases of t's sweep.
func New(t testing.TB) *Cases {
	t.Helper()
	mustBeNamed(t)
	h := fnv.New64a()
	h.Write([]byte(t.Name()))
	return &Cases{rng: rand.New(rand.NewPCG(h.Sum64(), Stride))}
}

// Next reports whether the sweep's next case runs: every case without
// the race detector, under it one of each Stride in a row.
func (c *Cases) Next() bool {
	if c.n%Stride == 0 {
		c.keep = c.n + c.rng.IntN(Stride)
	}
	c.n++
	return !raceEnabled || c.n-1 == c.keep
}

// Count is how many of a sweep's n rounds run: n without the race
// detector, n/Stride (at least 1) under it.
func Count(t testing.TB, n int) int {
	t.Helper()
	mustBeNamed(t)
	if !raceEnabled {
		return n
	}
	return max(n/Stride, 1)
}

// mustBeNamed fails a test whose name would keep it out of make test's
// run without -race, the only run of the cases it leaves out under -race.
func mustBeNamed(t testing.TB) {
	t.Helper()
	if top, _, _ := strings.Cut(t.Name(), "/"); !strings.Contains(top, "Sweep") {
		t.Fatalf("%s thins its cases under -race: put Sweep in its name, so make test runs every case without -race", top)
	}
}
