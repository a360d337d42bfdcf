//go:build nocv

package packaging_test

// withOpenCV: the packages and make run need the OpenCV build; the nocv
// build skips them.
const withOpenCV = false
