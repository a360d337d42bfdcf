package pdf417

import "sort"

// codewordMatrix is a symbol's codewords as voted from the lines read, with
// what the vote left uncertain.
type codewordMatrix struct {
	cw       []int
	erasures []int   // positions nobody read
	doubts   []doubt // positions whose vote was not clear-cut
	errors   int     // errors corrected, once correct succeeded
}

// doubt is a position where the vote was close or thin.
type doubt struct {
	pos        int
	alt        int     // the runner-up value
	hasAlt     bool    // whether there was a runner-up
	confidence float64 // runner-up votes against winner votes; higher is less sure
}

// maxAlternatives bounds how many runner-up combinations are tried.
const maxAlternativeBits = 6

// correct repairs the codewords. When plain error correction fails, it tries
// the runner-up values of the closest votes (which costs none of the error
// correction's power), then treats the least sure positions as erasures
// (an erasure costs half what an error does).
func (m *codewordMatrix) correct(numEC int) error {
	work := make([]int, len(m.cw))
	try := func(erasures []int) bool {
		copy(work, m.cw)
		return m.apply(work, erasures, numEC)
	}
	if try(m.erasures) {
		return nil
	}
	sort.SliceStable(m.doubts, func(i, j int) bool { return m.doubts[i].confidence > m.doubts[j].confidence })

	var alts []doubt
	for _, d := range m.doubts {
		if d.hasAlt && len(alts) < maxAlternativeBits {
			alts = append(alts, d)
		}
	}
	for mask := 1; mask < 1<<len(alts); mask++ {
		copy(work, m.cw)
		for i, d := range alts {
			if mask&(1<<i) != 0 {
				work[d.pos] = d.alt
			}
		}
		if m.apply(work, m.erasures, numEC) {
			return nil
		}
	}

	room := numEC - 1 - len(m.erasures)
	for _, k := range []int{room / 4, room / 2, room} {
		k = min(k, len(m.doubts))
		if k <= 0 {
			continue
		}
		more := append([]int(nil), m.erasures...)
		for _, d := range m.doubts[:k] {
			more = append(more, d.pos)
		}
		if try(more) {
			return nil
		}
	}
	return errUncorrectable
}

// apply runs error correction on work and keeps the result if it succeeds.
func (m *codewordMatrix) apply(work, erasures []int, numEC int) bool {
	n, err := correctErrors(work, erasures, numEC)
	if err != nil {
		return false
	}
	copy(m.cw, work)
	m.errors = n
	m.erasures = erasures
	return true
}
