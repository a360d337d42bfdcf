//go:build race

package robust_test

const raceEnabled = true
