//go:build !nocv && linux

package capture

// MallocArenas returns how many arenas glibc's malloc has made, or -1.
var MallocArenas = mallocArenas

// LoadPagesDroppedKiB returns how many KiB of file pages the program's
// start left to the page cache.
var LoadPagesDroppedKiB = loadPagesDroppedKiB
