package datamatrix

// Candidates returns how many finder candidates of the last image r
// searched had a varied interior, and how many of them had their timing
// patterns traced.
func Candidates(r *Reader) (varied, traced int) { return r.det.varied, r.det.traced }
