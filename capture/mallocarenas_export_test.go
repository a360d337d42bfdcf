//go:build !nocv && linux

package capture

// MallocArenas returns how many arenas glibc's malloc has made, or -1.
var MallocArenas = mallocArenas
