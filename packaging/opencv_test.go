//go:build !nocv

package packaging_test

const withOpenCV = true
